import KilnBase
import Logging

/// A publishing connection with publisher confirms, on its own serial executor.
///
/// Every message is published on a confirm-mode channel and counts as sent only when the broker acks it:
/// for persistent messages on durable queues that means "on disk". `mandatory` messages no queue takes come
/// back as ``AMQPError/unroutable(code:text:messageID:)``, nacks as ``AMQPError/nacked(messageID:)``.
/// When the connection dies (socket error, missed heartbeats, broker restart, confirm timeout) it is rebuilt
/// with ``Backoff``, the ``Topology`` is declared again and every message not yet confirmed is published again,
/// so a confirmed message is never lost and an unconfirmed one may arrive twice (consumers deduplicate on
/// `message_id`).
///
/// ```swift
/// let publisher = AMQPPublisher(configuration: try .init(url: url), topology: topology, logger: logger)
/// try await publisher.publish(OutgoingMessage(exchange: "kiln.events", routingKey: "wr.pending", text: json))
/// ```
///
/// Calls are serialised by the actor: for throughput, publish many messages with
/// ``publish(_:window:)``, which keeps up to `window` of them unconfirmed at once. An idle publisher must
/// service heartbeats: run ``runHeartbeats()`` in a task for as long as the publisher lives.
public actor AMQPPublisher {
    private let executor: QueueExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public nonisolated let configuration: AMQPConnectionConfiguration
    public nonisolated let topology: Topology
    private let logger: Logger
    private var connection: RawConnection?
    private var nextDeliveryTag: UInt64 = 1
    private static let channel: UInt16 = 1
    /// The channel of ``readyMessages(queue:)``: a failed passive declare closes it, not the publishing one.
    private static let inspectionChannel: UInt16 = 2

    /// Connections opened so far; more than one means the publisher reconnected.
    public private(set) var connectionsOpened = 0

    public init(
        configuration: AMQPConnectionConfiguration, topology: Topology = .empty,
        logger: Logger = Logger(label: "kiln.amqp.publisher", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.topology = topology
        self.logger = logger
        executor = QueueExecutor(label: "kiln.amqp.publisher")
    }

    /// Publishes one message and waits for its confirm, reconnecting as needed.
    ///
    /// - Throws: ``AMQPError/unroutable(code:text:messageID:)``, ``AMQPError/nacked(messageID:)``,
    ///   ``AMQPError/messageTooLarge(size:limit:)``, ``AMQPError/channelClosed(code:text:)`` (e.g. a missing
    ///   exchange), a non-recoverable connection error (refused login), or `CancellationError`.
    public nonisolated func publish(_ message: OutgoingMessage) async throws {
        let results = try await publish([message], window: 1)
        try results[0].get()
    }

    /// Publishes `messages` keeping up to `window` unconfirmed at once, and returns one outcome per message,
    /// in order. Transient connection failures are retried (with backoff) until every message has a final
    /// outcome: confirmed, or a per-message error. Messages whose confirm was lost are published again.
    ///
    /// - Throws: only what no reconnection can fix (refused login, a topology the broker rejects) or
    ///   `CancellationError`.
    public nonisolated func publish(_ messages: [OutgoingMessage], window: Int) async throws -> [Result<
        Void, AMQPError
    >] {
        guard window >= 1 else { throw AMQPError.invalidArgument("confirm window must be at least 1, got \(window)") }
        var results = [Result<Void, AMQPError>?](repeating: nil, count: messages.count)
        var pending: [Int] = []
        pending.reserveCapacity(messages.count)
        for (index, message) in messages.enumerated() {
            if message.body.count > configuration.maxMessageSize {
                results[index] = .failure(
                    .messageTooLarge(size: message.body.count, limit: configuration.maxMessageSize))
            } else {
                pending.append(index)
            }
        }
        var backoff = configuration.reconnectBackoff
        while !pending.isEmpty {
            try Task.checkCancellation()
            let step = await publishStep(messages, indices: pending, window: window)
            for (index, outcome) in step.settled { results[index] = outcome }
            pending = pending.filter { results[$0] == nil }
            guard let failure = step.connectionFailure else {
                backoff.reset()
                continue
            }
            guard failure.isRecoverableByReconnecting else { throw failure }
            let delay = backoff.next()
            logger.warning(
                "AMQP publish connection lost; reconnecting",
                metadata: [
                    "amqp.error": "\(failure)", "amqp.unconfirmed": "\(pending.count)",
                    "amqp.retry_in_ms": "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)",
                ])
            try await Task.sleep(for: delay)
        }
        return results.map { $0 ?? .failure(.invalidArgument("internal: message without outcome")) }
    }

    /// Sends heartbeats and reads what the broker sent while the publisher was idle; a dead connection is
    /// dropped here (and rebuilt by the next publish). Called by ``runHeartbeats()``.
    public func serviceHeartbeats() {
        guard let connection else { return }
        do {
            while true {
                switch try connection.nextEvent(timeout: .milliseconds(1)) {
                case .timeout: return
                case .channelClosed(_, let code, let text):
                    logger.warning("AMQP publish channel closed while idle", metadata: ["amqp.error": "\(code) \(text)"])
                    dropConnection()
                    return
                default: continue
                }
            }
        } catch {
            logger.warning("AMQP publish connection lost while idle", metadata: ["amqp.error": "\(error)"])
            dropConnection()
        }
    }

    /// Services heartbeats every quarter of the heartbeat interval until the task is cancelled: librabbitmq
    /// only sends heartbeats inside its own calls, so an idle publisher would otherwise be disconnected.
    public nonisolated func runHeartbeats() async {
        let interval = configuration.heartbeat == .zero ? Duration.seconds(5) : configuration.heartbeat / 4
        while !Task.isCancelled {
            await serviceHeartbeats()
            try? await Task.sleep(for: interval)
        }
    }

    /// Connects now (instead of at the first publish) so configuration errors show at start-up.
    public func connect() throws(AMQPError) {
        _ = try ensureConnected()
    }

    /// Deletes a queue through this connection (tests and tools).
    public func deleteQueue(_ name: String) throws(AMQPError) {
        try onLiveConnection { connection throws(AMQPError) in try connection.deleteQueue(name, channel: Self.channel) }
    }

    /// Messages ready in `queue` (delivered ones awaiting their ack are not counted): a service's backlog.
    /// Asked on a channel of its own, so a missing queue (thrown as ``AMQPError/channelClosed(code:text:)``)
    /// leaves the publishing channel and its unconfirmed messages alone.
    public func readyMessages(queue: String) throws(AMQPError) -> Int {
        try onLiveConnection { connection throws(AMQPError) in
            try connection.readyMessages(queue: queue, channel: Self.inspectionChannel)
        }
    }

    /// Runs a synchronous request on the connection, once more on a new one when the broker had dropped the
    /// old one (an idle connection whose heartbeats stopped: a long pause between two requests on a busy
    /// machine). A channel error (a missing queue) closed only its channel and is thrown as it is.
    private func onLiveConnection<Value>(
        _ request: (RawConnection) throws(AMQPError) -> Value
    ) throws(AMQPError) -> Value {
        var attempts = 0
        while true {
            attempts += 1
            let connection = try ensureConnected()
            do {
                return try request(connection)
            } catch {
                if case .channelClosed = error { throw error }
                dropConnection()
                guard attempts < 2, error.isRecoverableByReconnecting else { throw error }
            }
        }
    }

    /// Closes the connection politely. A later publish opens a new one.
    public func close() {
        connection?.close()
        connection = nil
    }

    // MARK: Internals

    private struct Step: Sendable {
        var settled: [(Int, Result<Void, AMQPError>)] = []
        var connectionFailure: AMQPError?
    }

    private func ensureConnected() throws(AMQPError) -> RawConnection {
        if let connection { return connection }
        let fresh = try RawConnection(configuration: configuration, role: "publisher", logger: logger)
        do {
            try fresh.openChannel(Self.channel)
            try fresh.declare(topology, channel: Self.channel)
            try fresh.confirmSelect(Self.channel)
        } catch {
            fresh.close()
            throw error
        }
        connection = fresh
        nextDeliveryTag = 1
        connectionsOpened += 1
        logger.info(
            "AMQP publisher connected",
            metadata: ["amqp.url": "\(fresh.address)", "amqp.heartbeat_s": "\(fresh.negotiatedHeartbeat)"])
        return fresh
    }

    private func dropConnection() {
        connection?.close()
        connection = nil
    }

    /// Publishes the given messages on the current connection with at most `window` unconfirmed, and waits
    /// until each has an outcome or the connection fails. Synchronous on purpose: no other call can interleave
    /// its frames with ours, so every confirm on the channel belongs to this step.
    private func publishStep(_ messages: [OutgoingMessage], indices: [Int], window: Int) -> Step {
        var step = Step()
        let connection: RawConnection
        do {
            connection = try ensureConnected()
        } catch {
            step.connectionFailure = error
            return step
        }
        var tracker = ConfirmTracker<Int>()
        var returned: [Int: AMQPError] = [:]
        do {
            for index in indices {
                while tracker.outstanding >= window {
                    try awaitConfirmEvent(connection, &tracker, &returned, &step, messages)
                }
                try connection.publish(messages[index], channel: Self.channel)
                tracker.add(tag: nextDeliveryTag, payload: index)
                nextDeliveryTag += 1
            }
            while tracker.outstanding > 0 {
                try awaitConfirmEvent(connection, &tracker, &returned, &step, messages)
            }
        } catch {
            // Outcome of everything still outstanding is unknown: leave it unsettled, to be published again.
            dropConnection()
            step.connectionFailure = error
        }
        return step
    }

    private func awaitConfirmEvent(
        _ connection: RawConnection, _ tracker: inout ConfirmTracker<Int>, _ returned: inout [Int: AMQPError],
        _ step: inout Step, _ messages: [OutgoingMessage]
    ) throws(AMQPError) {
        switch try connection.nextEvent(timeout: configuration.confirmTimeout) {
        case .ack(let tag, let multiple):
            for index in tracker.settle(tag: tag, multiple: multiple) {
                step.settled.append((index, returned.removeValue(forKey: index).map { .failure($0) } ?? .success(())))
            }
        case .nack(let tag, let multiple):
            for index in tracker.settle(tag: tag, multiple: multiple) {
                returned[index] = nil
                step.settled.append((index, .failure(.nacked(messageID: messages[index].properties.messageID))))
            }
        case .returned(let code, let text, let messageID):
            // The return precedes the ack of the same message; match it by message id (or, without one, to the
            // oldest unconfirmed message, which is what the broker returns first).
            let candidates = tracker.pendingPayloads.filter { returned[$0] == nil }
            let index = candidates.first { messages[$0].properties.messageID == messageID && messageID != nil }
                ?? candidates.first
            if let index { returned[index] = .unroutable(code: code, text: text, messageID: messageID) }
        case .channelClosed(_, let code, let text):
            // A channel error (e.g. 404 for a missing exchange) fails every unconfirmed message on it; the
            // channel is reopened for the rest.
            for index in tracker.removeAll() {
                step.settled.append((index, .failure(.channelClosed(code: code, text: text))))
            }
            returned.removeAll()
            logger.warning("AMQP publish channel closed", metadata: ["amqp.error": "\(code) \(text)"])
            try connection.openChannel(Self.channel)
            try connection.confirmSelect(Self.channel)
            nextDeliveryTag = 1
        case .timeout:
            throw AMQPError.confirmTimeout(configuration.confirmTimeout)
        case .delivery, .consumerCancelled, .other:
            break
        }
    }
}
