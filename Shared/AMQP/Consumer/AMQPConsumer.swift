import KilnBase
import Logging
import Metrics

/// A consuming connection, on its own serial executor, that feeds deliveries to handlers running outside it.
///
/// Register handlers with ``addConsumer(queue:prefetch:handler:)`` and call ``run()`` (it returns when its
/// task is cancelled). Each consumer gets its own channel with its own prefetch and manual acknowledgement;
/// handlers run on the cooperative pool, one delivery at a time per consumer connection, and settle with
/// ``Delivery/ack()`` & co. The poll loop waits on the socket and on the settlements' doorbell together, so
/// an ack is written as soon as it is queued; the wait lasts at most a quarter of the heartbeat (and
/// ``idleWait``) so heartbeats and cancellation always get their turn. A dead connection is rebuilt with ``Backoff``;
/// topology and consumers are declared again; unacked deliveries come back with `redelivered` set.
/// Deliveries larger than ``AMQPConnectionConfiguration/maxMessageSize`` are rejected without requeue (so
/// they go to the dead-letter exchange, if any), logged, and counted in ``oversizeRejections``.
///
/// ```swift
/// let consumer = AMQPConsumer(configuration: config, topology: topology, logger: logger)
/// await consumer.addConsumer(queue: "scheduler.inbox", prefetch: 100) { delivery in
///     try? await handle(delivery)   // commit to PostgreSQL first …
///     delivery.ack()                // … then ack
/// }
/// try await consumer.run()
/// ```
public actor AMQPConsumer {
    /// A delivery handler; it must settle every delivery it gets (ack, nack or reject).
    public typealias Handler = @Sendable (Delivery) async -> Void
    /// Told the broker-chosen name of a server-named queue each time one is declared (first connect, every
    /// reconnect, every re-subscription after the broker closed the channel): the old name is gone by then.
    public typealias QueueDeclaredHandler = @Sendable (String) async -> Void

    private struct Registration {
        /// The queue consumed; for a server-named queue, the name the broker gave on the latest declaration.
        var queue: String
        var prefetch: UInt16
        var handler: Handler
        var channel: UInt16
        var consumerTag: String
        /// Set for a server-named exclusive queue, declared afresh by every subscription.
        var serverNamed: ServerNamedQueue?
    }

    private struct ServerNamedQueue {
        var arguments: [String: AMQPFieldValue]
        var onDeclared: QueueDeclaredHandler
    }

    private let executor: QueueExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private static let topologyChannel: UInt16 = 1

    public nonisolated let configuration: AMQPConnectionConfiguration
    public nonisolated let topology: Topology
    private let logger: Logger
    private let settler = DeliverySettler()
    private var connection: RawConnection?
    private var registrations: [Registration] = []
    private var channelGenerations: [UInt16: UInt64] = [:]
    private var generationCounter: UInt64 = 0
    /// Server-named queues declared since ``run()`` last told their handlers.
    private var undeliveredQueueNames: [(QueueDeclaredHandler, String)] = []

    /// Connections opened so far; more than one means the consumer reconnected.
    public private(set) var connectionsOpened = 0
    /// Deliveries refused because their body exceeded the size cap.
    public private(set) var oversizeRejections = 0

    /// The longest the loop waits for input when nothing happens (kept below a quarter of the heartbeat, so
    /// heartbeats go out in time). Settlements, deliveries and cancellation never wait for it.
    public nonisolated let idleWait: Duration

    /// - Parameter idleWait: see ``idleWait``; 250 ms unless a test needs to prove that nothing waits for it.
    public init(
        configuration: AMQPConnectionConfiguration, topology: Topology = .empty,
        logger: Logger = Logger(label: "kiln.amqp.consumer", factory: { _ in SwiftLogNoOpLogHandler() }),
        idleWait: Duration = .milliseconds(250)
    ) {
        self.configuration = configuration
        self.topology = topology
        self.logger = logger
        self.idleWait = idleWait
        executor = QueueExecutor(label: "kiln.amqp.consumer")
    }

    /// Adds a consumer on `queue`; it starts receiving as soon as ``run()`` is connected (immediately if it
    /// already is).
    ///
    /// - Throws: ``AMQPError/invalidArgument(_:)`` for a prefetch of 0 (unlimited, never what a service wants).
    public func addConsumer(queue: String, prefetch: UInt16, handler: @escaping Handler) throws(AMQPError) {
        guard prefetch > 0 else {
            throw .invalidArgument("prefetch must be at least 1 for queue '\(queue)', got 0")
        }
        // Channel 1 declares the topology; consumers take 2, 3, … (far below RabbitMQ's channel_max of 2047).
        register(queue: queue, prefetch: prefetch, serverNamed: nil, handler: handler)
    }

    /// Adds a consumer on a queue the broker names (`amq.gen-…`), exclusive to this connection and deleted
    /// with it — a private mailbox, e.g. a worker's. Every (re)connection declares a NEW queue, and its name
    /// is passed to `onQueueDeclared` before any delivery from it is handled, so the owner can tell its peers
    /// where to write now (a worker sends a new `hello`). Messages sent to an old name are lost with it.
    ///
    /// - Throws: ``AMQPError/invalidArgument(_:)`` for a prefetch of 0.
    public func addServerNamedQueueConsumer(
        prefetch: UInt16, arguments: [String: AMQPFieldValue] = [:],
        onQueueDeclared: @escaping QueueDeclaredHandler, handler: @escaping Handler
    ) throws(AMQPError) {
        guard prefetch > 0 else {
            throw .invalidArgument("prefetch must be at least 1 for a server-named queue, got 0")
        }
        register(
            queue: "", prefetch: prefetch,
            serverNamed: ServerNamedQueue(arguments: arguments, onDeclared: onQueueDeclared), handler: handler)
    }

    /// The current names of the server-named queues (empty strings before the first connection).
    public var serverNamedQueueNames: [String] {
        registrations.filter { $0.serverNamed != nil }.map(\.queue)
    }

    private func register(queue: String, prefetch: UInt16, serverNamed: ServerNamedQueue?, handler: @escaping Handler) {
        let channel = UInt16(registrations.count + 2)
        registrations.append(
            Registration(
                queue: queue, prefetch: prefetch, handler: handler, channel: channel,
                consumerTag: "kiln-\(channel)-\(UInt32.random(in: 0...UInt32.max))", serverNamed: serverNamed))
        if let connection {
            do {
                try subscribe(at: registrations.count - 1, on: connection)
            } catch {
                logger.warning("AMQP consumer could not subscribe now; will on reconnect", metadata: ["amqp.error": "\(error)"])
                dropConnection()
            }
        }
    }

    /// Consumes until the calling task is cancelled, reconnecting whenever the connection is lost.
    ///
    /// - Throws: what no reconnection can fix (refused login, a topology or queue the broker rejects).
    public nonisolated func run() async throws {
        // Cancellation rings the settlements' doorbell, so it ends the wait for input at once.
        try await withTaskCancellationHandler {
            try await consumeUntilCancelled()
        } onCancel: {
            settler.interruptWait()
        }
    }

    private nonisolated func consumeUntilCancelled() async throws {
        var backoff = configuration.reconnectBackoff
        while !Task.isCancelled {
            do throws(AMQPError) {
                try await connectIfNeeded()
                backoff.reset()
                while !Task.isCancelled {
                    for (notify, name) in await takeDeclaredQueueNames() { await notify(name) }
                    for (delivery, handler) in try await poll() {
                        await handler(delivery)
                    }
                }
            } catch where error.isRecoverableByReconnecting {
                await dropConnection()
                let delay = backoff.next()
                logger.warning(
                    "AMQP consumer connection lost; reconnecting",
                    metadata: ["amqp.error": "\(error)", "amqp.retry_in": "\(delay)"])
                try? await Task.sleep(for: delay)
            } catch {
                await shutdown()
                throw error
            }
        }
        await shutdown()
    }

    /// Sends pending settlements and closes the connection (also done when ``run()`` ends).
    public func shutdown() {
        if let connection { try? flushSettlements(on: connection) }
        connection?.close()
        connection = nil
    }

    // MARK: Internals

    private func connectIfNeeded() throws(AMQPError) {
        guard connection == nil else { return }
        let fresh = try RawConnection(configuration: configuration, role: "consumer", logger: logger)
        do {
            try fresh.openChannel(Self.topologyChannel)
            try fresh.declare(topology, channel: Self.topologyChannel)
            fresh.closeChannel(Self.topologyChannel)
            for index in registrations.indices { try subscribe(at: index, on: fresh) }
        } catch {
            fresh.close()
            undeliveredQueueNames.removeAll()  // those queues died with the failed connection
            throw error
        }
        _ = settler.drain()  // settlements for the old connection's channels are void
        connection = fresh
        connectionsOpened += 1
        logger.info(
            "AMQP consumer connected",
            metadata: ["amqp.url": "\(fresh.address)", "amqp.heartbeat_s": "\(fresh.negotiatedHeartbeat)"])
    }

    private func subscribe(at index: Int, on connection: RawConnection) throws(AMQPError) {
        let registration = registrations[index]
        try connection.openChannel(registration.channel)
        generationCounter += 1
        channelGenerations[registration.channel] = generationCounter
        try connection.qos(registration.channel, prefetch: registration.prefetch)
        var queue = registration.queue
        if let serverNamed = registration.serverNamed {
            queue = try connection.declareServerNamedQueue(
                channel: registration.channel, arguments: serverNamed.arguments)
            registrations[index].queue = queue
            undeliveredQueueNames.append((serverNamed.onDeclared, queue))
            logger.info("AMQP server-named queue declared", metadata: ["amqp.queue": "\(queue)"])
        }
        try connection.consume(
            registration.channel, queue: queue, consumerTag: registration.consumerTag, noAck: false)
    }

    private func takeDeclaredQueueNames() -> [(QueueDeclaredHandler, String)] {
        defer { undeliveredQueueNames.removeAll() }
        return undeliveredQueueNames
    }

    private func dropConnection() {
        connection?.close()
        connection = nil
        channelGenerations.removeAll()
        undeliveredQueueNames.removeAll()
    }

    private var pollTimeout: Duration {
        let heartbeat = connection?.negotiatedHeartbeat ?? 0
        return heartbeat == 0 ? idleWait : min(idleWait, .seconds(heartbeat) / 4)
    }

    /// Flushes settlements, then waits up to the poll timeout for deliveries or a newly queued settlement,
    /// and returns all deliveries already buffered (at most one prefetch window), paired with their handlers.
    private func poll() throws(AMQPError) -> [(Delivery, Handler)] {
        guard let connection else { throw .library(status: -1, message: "not connected", during: "poll") }
        try flushSettlements(on: connection)
        // Wait on the socket AND the settler's doorbell: a handler's ack must reach the broker at once, or the
        // prefetch window stays full until the wait ends (deploy/docs/runtime.md, "acks and the prefetch").
        // Checked after the flush cleared the doorbell: a cancellation after this check rings it again.
        if !Task.isCancelled { connection.waitForInput(orWake: settler.wakeDescriptor, timeout: pollTimeout) }
        var batch: [(Delivery, Handler)] = []
        // The first read checks the broker's heartbeats (a zero timeout would hide a silent broker); the
        // rest only take what is already buffered.
        var timeout = RawConnection.heartbeatCheckTimeout
        while batch.count < 512 {
            let event = try connection.nextDelivery(timeout: timeout)
            timeout = .zero
            switch event {
            case .delivery(let channel, _, let message):
                guard let registration = registrations.first(where: { $0.channel == channel }) else { continue }
                let generation = channelGenerations[channel] ?? 0
                if message.body.count > configuration.maxMessageSize {
                    oversizeRejections += 1
                    // The broker dead-letters it (x-death reason `rejected`), where no service counts it.
                    Counter(label: "kiln_amqp_oversize_rejected_total", dimensions: [("queue", registration.queue)])
                        .increment()
                    logger.error(
                        "AMQP delivery over the size cap rejected without requeue",
                        metadata: [
                            "amqp.queue": "\(registration.queue)", "msg.id": "\(message.properties.messageID ?? "")",
                            "amqp.size": "\(message.body.count)", "amqp.limit": "\(configuration.maxMessageSize)",
                        ])
                    try connection.settle(
                        Settlement(
                            channel: channel, channelGeneration: generation, deliveryTag: message.deliveryTag,
                            kind: .reject(requeue: false)))
                    continue
                }
                let delivery = Delivery(
                    body: message.body, properties: message.properties, exchange: message.exchange,
                    routingKey: message.routingKey, redelivered: message.redelivered,
                    deliveryTag: message.deliveryTag, queue: registration.queue, settler: settler,
                    channel: channel, channelGeneration: generation)
                batch.append((delivery, registration.handler))
            case .channelClosed(let channel, let code, let text):
                logger.warning(
                    "AMQP consumer channel closed by the broker; reopening",
                    metadata: ["amqp.channel": "\(channel)", "amqp.error": "\(code) \(text)"])
                if let index = registrations.firstIndex(where: { $0.channel == channel }) {
                    try subscribe(at: index, on: connection)
                }
            case .consumerCancelled(let channel, let tag):
                logger.warning(
                    "AMQP consumer cancelled by the broker (queue deleted?); resubscribing",
                    metadata: ["amqp.channel": "\(channel)", "amqp.consumer_tag": "\(tag)"])
                if let index = registrations.firstIndex(where: { $0.channel == channel }) {
                    connection.closeChannel(channel)
                    try subscribe(at: index, on: connection)
                }
            case .timeout:
                return batch
            case .ack, .nack, .returned, .other:
                break
            }
            if !connection.hasBufferedData { break }
        }
        return batch
    }

    /// Writes queued settlements, skipping those for channels replaced since the delivery.
    private func flushSettlements(on connection: RawConnection) throws(AMQPError) {
        let settlements = settler.drain()
        guard !settlements.isEmpty else { return }
        var index = 0
        while index < settlements.count {
            let settlement = settlements[index]
            guard channelGenerations[settlement.channel] == settlement.channelGeneration else {
                logger.debug(
                    "AMQP settlement for a replaced channel dropped; the broker redelivers",
                    metadata: ["amqp.delivery_tag": "\(settlement.deliveryTag)"])
                index += 1
                continue
            }
            try connection.settle(settlement)
            index += 1
        }
    }
}
