import Logging

/// A consuming connection, on its own serial executor, that feeds deliveries to handlers running outside it.
///
/// Register handlers with ``addConsumer(queue:prefetch:handler:)`` and call ``run()`` (it returns when its
/// task is cancelled). Each consumer gets its own channel with its own prefetch and manual acknowledgement;
/// handlers run on the cooperative pool, one delivery at a time per consumer connection, and settle with
/// ``Delivery/ack()`` & co. The poll loop waits at most a quarter of the heartbeat (and 250 ms) so heartbeats,
/// settlements and cancellation always get their turn. A dead connection is rebuilt with ``Backoff``;
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

    private struct Registration {
        var queue: String
        var prefetch: UInt16
        var handler: Handler
        var channel: UInt16
        var consumerTag: String
    }

    private let executor: QueueExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public nonisolated let configuration: AMQPConnectionConfiguration
    public nonisolated let topology: Topology
    private let logger: Logger
    private let settler = DeliverySettler()
    private var connection: RawConnection?
    private var registrations: [Registration] = []
    private var channelGenerations: [UInt16: UInt64] = [:]
    private var generationCounter: UInt64 = 0

    /// Connections opened so far; more than one means the consumer reconnected.
    public private(set) var connectionsOpened = 0
    /// Deliveries refused because their body exceeded the size cap.
    public private(set) var oversizeRejections = 0

    public init(
        configuration: AMQPConnectionConfiguration, topology: Topology = .empty,
        logger: Logger = Logger(label: "kiln.amqp.consumer", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.topology = topology
        self.logger = logger
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
        let channel = UInt16(registrations.count + 1)
        registrations.append(
            Registration(
                queue: queue, prefetch: prefetch, handler: handler, channel: channel,
                consumerTag: "kiln-\(channel)-\(UInt32.random(in: 0...UInt32.max))"))
        if let connection {
            do {
                try subscribe(registrations[registrations.count - 1], on: connection)
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
        var backoff = configuration.reconnectBackoff
        while !Task.isCancelled {
            do throws(AMQPError) {
                try await connectIfNeeded()
                backoff.reset()
                while !Task.isCancelled {
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
        let fresh = try RawConnection(configuration: configuration)
        do {
            try fresh.openChannel(0xFFFF)
            try fresh.declare(topology, channel: 0xFFFF)
            fresh.closeChannel(0xFFFF)
            for registration in registrations { try subscribe(registration, on: fresh) }
        } catch {
            fresh.close()
            throw error
        }
        _ = settler.drain()  // settlements for the old connection's channels are void
        connection = fresh
        connectionsOpened += 1
        logger.info(
            "AMQP consumer connected",
            metadata: ["amqp.url": "\(configuration.url)", "amqp.heartbeat_s": "\(fresh.negotiatedHeartbeat)"])
    }

    private func subscribe(_ registration: Registration, on connection: RawConnection) throws(AMQPError) {
        try connection.openChannel(registration.channel)
        generationCounter += 1
        channelGenerations[registration.channel] = generationCounter
        try connection.qos(registration.channel, prefetch: registration.prefetch)
        try connection.consume(
            registration.channel, queue: registration.queue, consumerTag: registration.consumerTag, noAck: false)
    }

    private func dropConnection() {
        connection?.close()
        connection = nil
        channelGenerations.removeAll()
    }

    private var pollTimeout: Duration {
        let heartbeat = connection?.negotiatedHeartbeat ?? 0
        return heartbeat == 0 ? .milliseconds(250) : min(.milliseconds(250), .seconds(heartbeat) / 4)
    }

    /// Flushes settlements, then waits up to the poll timeout for deliveries and returns all that are already
    /// buffered (at most one prefetch window), paired with their handlers.
    private func poll() throws(AMQPError) -> [(Delivery, Handler)] {
        guard let connection else { throw .library(status: -1, message: "not connected", during: "poll") }
        try flushSettlements(on: connection)
        var batch: [(Delivery, Handler)] = []
        var timeout = pollTimeout
        while batch.count < 512 {
            let event = try connection.nextDelivery(timeout: timeout)
            timeout = .zero
            switch event {
            case .delivery(let channel, _, let message):
                guard let registration = registrations.first(where: { $0.channel == channel }) else { continue }
                let generation = channelGenerations[channel] ?? 0
                if message.body.count > configuration.maxMessageSize {
                    oversizeRejections += 1
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
                if let registration = registrations.first(where: { $0.channel == channel }) {
                    try subscribe(registration, on: connection)
                }
            case .consumerCancelled(let channel, let tag):
                logger.warning(
                    "AMQP consumer cancelled by the broker (queue deleted?); resubscribing",
                    metadata: ["amqp.channel": "\(channel)", "amqp.consumer_tag": "\(tag)"])
                if let registration = registrations.first(where: { $0.channel == channel }) {
                    connection.closeChannel(channel)
                    try subscribe(registration, on: connection)
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
