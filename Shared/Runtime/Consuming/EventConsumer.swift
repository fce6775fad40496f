import AMQP
import Foundation
import KilnCore
import Logging
import Metrics
import ServiceLifecycle
import Store
import Synchronization

/// Consumes a service's inbox and applies each event exactly once in effect — the consumer contract of
/// deploy/docs/runtime.md.
///
/// For every delivery:
/// 1. size cap, `message_id`, event type and body are checked (``MessageCodec``, `KilnEvent.validate(for:)`);
///    a message failing any check is published, body unchanged, to `<service>.dead` (via `kiln.dlx`,
///    mandatory, confirmed) with `x-kiln-reason`, `x-kiln-service` and `x-kiln-routing-key`, and only then
///    acked — so the reason survives and the consumer keeps going;
/// 2. otherwise ONE PostgreSQL transaction claims the inbox row (`consumer` = service, `message_id`) and runs
///    the handler; a message id seen before commits nothing and is acked as a duplicate;
/// 3. after COMMIT the delivery is acked (never before: a crash in between means a redelivery, which the
///    inbox turns into a duplicate);
/// 4. any other failure (lost connection, serialization failure, a handler error) rolls back and nacks with
///    requeue; the quorum queue's delivery limit bounds the loop and then dead-letters the message to
///    `<service>.dead` with `x-death` reason `delivery_limit`.
///
/// Up to ``Options/concurrency`` handlers run at once (also the channel prefetch). It is a ServiceLifecycle
/// `Service`: on graceful shutdown it stops taking deliveries, lets in-flight handlers finish and settle,
/// then closes the connection (unprocessed prefetched messages return to the queue).
public final class EventConsumer: Service, Sendable {
    /// Tuning.
    public struct Options: Sendable, Hashable {
        /// Handlers running at once, and the channel prefetch.
        public var concurrency: Int
        /// Largest event body accepted: events carry identifiers only, so anything near this is a bug or an
        /// attack, and is dead-lettered rather than parsed.
        public var maxBodySize: Int

        /// Creates options; `concurrency` is clamped to 1…65535.
        public init(concurrency: Int = 8, maxBodySize: Int = 64 * 1024) {
            self.concurrency = min(max(1, concurrency), Int(UInt16.max))
            self.maxBodySize = maxBodySize
        }
    }

    private let queues: ServiceQueues
    private let pool: PGPool
    private let deadLetterPublisher: AMQPPublisher
    private let options: Options
    private let handler: EventHandler
    private let afterCommit: @Sendable () -> Void
    private let logger: Logger
    private let loop: BoundedDeliveryLoop
    private let totals = Mutex(EventConsumerStatistics())

    /// Creates a consumer; nothing connects until ``run()``.
    ///
    /// - Parameters:
    ///   - queues: the inbox to consume (its `service` is the inbox consumer name).
    ///   - amqp: broker connection settings (the consumer opens its own connection).
    ///   - topology: declared on every (re)connect; default: the exchanges plus `queues`.
    ///   - pool: where the handler's transactions run (the `inbox` table lives there).
    ///   - deadLetterPublisher: publishes refused messages to `<service>.dead`.
    ///   - afterCommit: called after each committed handler (e.g. wake the outbox relay).
    ///   - handler: applies one event.
    public init(
        queues: ServiceQueues, amqp: AMQPConnectionConfiguration, topology: Topology? = nil, pool: PGPool,
        deadLetterPublisher: AMQPPublisher, options: Options = Options(), logger: Logger,
        afterCommit: @escaping @Sendable () -> Void = {}, handler: @escaping EventHandler
    ) {
        self.queues = queues
        self.pool = pool
        self.deadLetterPublisher = deadLetterPublisher
        self.options = options
        self.handler = handler
        self.afterCommit = afterCommit
        var logger = logger
        logger[metadataKey: "amqp.queue"] = "\(queues.inbox)"
        self.logger = logger
        loop = BoundedDeliveryLoop(
            queue: queues.inbox, amqp: amqp, topology: topology ?? KilnTopology.only(queues),
            concurrency: options.concurrency, startMessage: "consuming events", logger: logger)
    }

    /// Totals so far.
    public var statistics: EventConsumerStatistics { totals.withLock { $0 } }

    /// Stops taking new deliveries; ``run()`` returns once in-flight handlers have settled. What graceful
    /// shutdown does; for callers running the consumer outside a `ServiceGroup`.
    public func stop() { loop.stop() }

    /// Consumes until graceful shutdown, ``stop()``, cancellation, or a broker error no reconnection can fix
    /// (which it throws, after in-flight handlers settled). The intake, the bound and the stop are
    /// ``BoundedDeliveryLoop``'s; what happens to each delivery is ``process(_:)``.
    public func run() async throws {
        try await loop.run { delivery in await self.process(delivery) }
        logger.info("stopped consuming events", metadata: ["totals": "\(statistics)"])
    }

    /// Applies one delivery and settles it; never throws.
    func process(_ delivery: Delivery) async {
        let started = ContinuousClock.now
        var logger = self.logger
        logger[metadataKey: "msg.id"] = "\(delivery.properties.messageID ?? "")"
        logger[metadataKey: "amqp.routing_key"] = "\(delivery.routingKey)"
        if delivery.redelivered { logger[metadataKey: "amqp.redelivered"] = "true" }
        if let count = delivery.deliveryCount { logger[metadataKey: "amqp.delivery_count"] = "\(count)" }

        let decoded: (RoutingKey, KilnEvent, String)
        switch decode(delivery) {
        case .failure(let reason):
            await deadLetter(delivery, reason: reason, logger: logger)
            return
        case .success(let value):
            decoded = value
        }
        let (key, event, messageID) = decoded
        logger[metadataKey: "event"] = "\(key.rawValue)"
        if let id = event.workRequestID { logger[metadataKey: "wr.id"] = "\(id)" }
        if let id = event.workerID { logger[metadataKey: "worker"] = "\(id)" }
        let context = EventContext(
            routingKey: key, event: event, messageID: messageID, redelivered: delivery.redelivered,
            deliveryCount: delivery.deliveryCount, logger: logger)
        let service = queues.service
        let handler = self.handler
        do {
            let applied = try await pool.withTransaction { conn in
                guard try await Inbox.claim(conn, consumer: service, messageID: messageID) else { return false }
                try await handler(context, conn)
                return true
            }
            delivery.ack()
            let elapsed = ContinuousClock.now - started
            Timer(label: "kiln_event_handling_duration_seconds", dimensions: [("service", service)])
                .recordNanoseconds(elapsed.saturatingNanoseconds)
            if applied {
                afterCommit()
                totals.withLock { $0.handled += 1 }
                count(outcome: "handled", key: key)
                logger.info("event handled", metadata: ["duration_ms": "\(elapsed.wholeMilliseconds)"])
            } else {
                totals.withLock { $0.duplicates += 1 }
                count(outcome: "duplicate", key: key)
                Counter(label: "kiln_messages_duplicate_total", dimensions: [("service", service)]).increment()
                logger.info("duplicate event acknowledged without effect")
            }
        } catch let rejected as EventRejected {
            await deadLetter(delivery, reason: .rejectedByHandler(rejected.reason), logger: logger)
        } catch {
            delivery.nack(requeue: true)
            totals.withLock { $0.requeued += 1 }
            count(outcome: "requeued", key: key)
            let transient = Self.isTransient(error)
            logger.log(
                level: transient ? .warning : .error,
                transient ? "event failed transiently; requeued" : "event handler failed; requeued",
                metadata: ["error": "\(error)", "delivery_limit": "\(queues.deliveryLimit)"])
        }
    }

    /// Failures expected to go away by themselves (the log level is the only difference: every failure but
    /// ``EventRejected`` is requeued, and the delivery limit stops the ones that do not go away).
    static func isTransient(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        if let error = error as? PGError {
            switch error {
            case .connectionLost, .connectionFailed, .poolClosed: return true
            default:
                if error.isRetryable { return true }
                switch error.code {
                case .adminShutdown?, .lockNotAvailable?, .queryCanceled?: return true
                default: return false
                }
            }
        }
        return false
    }

    // MARK: Decoding

    /// Checks size, message id, event type and body.
    func decode(_ delivery: Delivery) -> Result<(RoutingKey, KilnEvent, String), DeadLetterReason> {
        guard delivery.body.count <= options.maxBodySize else {
            return .failure(.tooLarge(bytes: delivery.body.count, limit: options.maxBodySize))
        }
        guard let messageID = delivery.properties.messageID, (1...255).contains(messageID.utf8.count) else {
            return .failure(.missingMessageID)
        }
        // Kiln publishers set `type` to the routing key; the type wins so that a message re-driven straight
        // into a queue (default exchange, routing key = queue name) still says what it is.
        let kind = delivery.properties.type ?? delivery.routingKey
        guard let key = RoutingKey(rawValue: kind) else { return .failure(.unknownEventType(kind)) }
        guard queues.routingKeys.contains(key) else { return .failure(.unexpectedEventType(kind)) }
        do throws(MessageError) {
            let event = try MessageCodec.decode(KilnEvent.self, from: delivery.body)
            try event.validate(for: key)
            return .success((key, event, messageID))
        } catch {
            return .failure(.badBody(error))
        }
    }

    // MARK: Dead-lettering

    /// Dead-letters with the reason (``DeadLetterPublishing``) and counts the outcome in the totals.
    private func deadLetter(_ delivery: Delivery, reason: DeadLetterReason, logger: Logger) async {
        let acked = await DeadLetterPublishing.deadLetter(
            delivery, reason: reason, service: queues.service, deadQueue: queues.dead, publisher: deadLetterPublisher,
            subject: "message", logger: logger)
        totals.withLock {
            if acked { $0.deadLettered += 1 } else { $0.requeued += 1 }
        }
    }

    private func count(outcome: String, key: RoutingKey) {
        Counter(
            label: "kiln_events_consumed_total",
            dimensions: [("service", queues.service), ("event", key.rawValue), ("outcome", outcome)]
        ).increment()
    }
}
