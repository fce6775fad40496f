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
/// 1. size cap, `message_id`, event type and body are checked and the body decoded into a ``KilnEvent`` once
///    (``MessageCodec``, `KilnEvent.init(_:body:)`); an event of a kind with no registered handler is refused;
///    a message failing any check is published, body unchanged, to `<service>.dead` (via `kiln.dlx`,
///    mandatory, confirmed) with `x-kiln-reason`, `x-kiln-service` and `x-kiln-routing-key`, and only then
///    acked — so the reason survives and the consumer keeps going;
/// 2. otherwise ONE PostgreSQL transaction claims the inbox row (`consumer` = service, `message_id`) and runs
///    the handler; a message id seen before commits nothing and is acked as a duplicate;
/// 3. after COMMIT the delivery is acked (never before: a crash in between means a redelivery, which the
///    inbox turns into a duplicate);
/// 4. any other failure (lost connection, serialization failure, a handler error) rolls back and nacks with
///    requeue (a database outage holds the delivery instead, ``DatabaseOutageHold``); at the last delivery
///    the quorum queue's limit allows, the consumer gives up itself: the event's work request ends in
///    `error` and the event goes to `<service>.dead` with reason `handler_failed` and the error.
///
/// Batches: with ``Options/batchSize`` above 1, the events that are waiting when a transaction starts (up to
/// that many) are applied in ONE transaction — one inbox statement, one commit, one ``TransactionCache`` —
/// and acked after its commit; if any of them fails, the whole transaction is rolled back and each event is
/// then applied alone by the steps above, so the outcome is always that of the events applied one by one.
/// A handler in a batch sees the uncommitted writes of the events before it.
///
/// Up to ``Options/concurrency`` transactions run at once (the channel prefetch is that times the batch
/// size). It is a ServiceLifecycle
/// `Service`: on graceful shutdown it stops taking deliveries, lets in-flight handlers finish and settle,
/// then closes the connection (unprocessed prefetched messages return to the queue).
public final class EventConsumer: Service, Sendable {
    /// Tuning.
    public struct Options: Sendable {
        /// Transactions (batches of events) applied at once.
        public var concurrency: Int
        /// Events one transaction applies at most (1 = each in its own). The prefetch is
        /// `concurrency × batchSize`. A batch is what has arrived when a transaction can start, so a quiet
        /// queue still gets one event per transaction and no added wait.
        public var batchSize: Int
        /// Largest event body accepted: events carry identifiers only, so anything near this is a bug or an
        /// attack, and is dead-lettered rather than parsed.
        public var maxBodySize: Int

        /// Attempts in all for an event whose transaction hits a serialization failure or deadlock, before it
        /// is requeued.
        public var conflictAttempts: Int
        /// Pauses between probes while the database is unreachable (the deliveries are held meanwhile).
        public var outageBackoff: Backoff
        /// Whether the database answers; `nil`: `SELECT 1` on the consumer's pool. Tests inject outages.
        public var databaseProbe: (@Sendable () async throws -> Void)?

        /// Creates options; `concurrency` and `batchSize` are clamped to 1…65535.
        public init(
            concurrency: Int = 8, batchSize: Int = 1, maxBodySize: Int = 64 * 1024, conflictAttempts: Int = 3,
            outageBackoff: Backoff = DatabaseOutageHold.defaultBackoff,
            databaseProbe: (@Sendable () async throws -> Void)? = nil
        ) {
            self.concurrency = BoundedDeliveryLoop.clamped(concurrency)
            self.batchSize = BoundedDeliveryLoop.clamped(batchSize)
            self.conflictAttempts = max(1, conflictAttempts)
            self.outageBackoff = outageBackoff
            self.databaseProbe = databaseProbe
            self.maxBodySize = maxBodySize
        }
    }

    private let queues: ServiceQueues
    private let pool: PGPool
    private let deadLetterPublisher: AMQPPublisher
    private let options: Options
    private let handlers: EventHandlers
    /// The kinds this inbox takes: those the queue accepts that have a handler.
    private let accepted: Set<RoutingKey>
    private let afterCommit: @Sendable () -> Void
    private let logger: Logger
    private let loop: BoundedDeliveryLoop
    private let totals = Mutex(EventConsumerStatistics())
    private let outage: DatabaseOutageHold

    /// Creates a consumer; nothing connects until ``run()``.
    ///
    /// - Parameters:
    ///   - queues: the inbox to consume (its `service` is the inbox consumer name).
    ///   - amqp: broker connection settings (the consumer opens its own connection).
    ///   - topology: declared on every (re)connect; default: the exchanges plus `queues`.
    ///   - pool: where the handler's transactions run (the `inbox` table lives there).
    ///   - deadLetterPublisher: publishes refused messages to `<service>.dead`.
    ///   - afterCommit: called after each committed handler (e.g. wake the outbox relay).
    ///   - handlers: one per kind of event; every routing key bound to the inbox must have one.
    public init(
        queues: ServiceQueues, amqp: AMQPConnectionConfiguration, topology: Topology? = nil, pool: PGPool,
        deadLetterPublisher: AMQPPublisher, options: Options = Options(), logger: Logger,
        afterCommit: @escaping @Sendable () -> Void = {}, handlers: EventHandlers
    ) {
        let unhandled = Set(queues.routingKeys).subtracting(handlers.routingKeys)
        precondition(
            unhandled.isEmpty,
            "\(queues.inbox) is bound to \(unhandled.map(\.rawValue).sorted()) with no handler registered")
        self.queues = queues
        self.pool = pool
        self.deadLetterPublisher = deadLetterPublisher
        self.options = options
        self.handlers = handlers
        accepted = queues.accepted.intersection(handlers.routingKeys)
        self.afterCommit = afterCommit
        var logger = logger
        logger[metadataKey: "amqp.queue"] = "\(queues.inbox)"
        self.logger = logger
        outage = DatabaseOutageHold(
            service: queues.service, pool: pool, backoff: options.outageBackoff, probe: options.databaseProbe,
            logger: logger)
        loop = BoundedDeliveryLoop(
            queue: queues.inbox, amqp: amqp, topology: topology ?? KilnTopology.only(queues),
            concurrency: options.concurrency, batchSize: options.batchSize, startMessage: "consuming events", logger: logger)
    }

    /// Totals so far.
    public var statistics: EventConsumerStatistics { totals.withLock { $0 } }

    /// Whether deliveries are being held because the database does not answer (see ``Options/databaseProbe``).
    public var isHoldingForDatabase: Bool { outage.isHolding }

    /// Stops taking new deliveries; ``run()`` returns once in-flight handlers have settled. What graceful
    /// shutdown does; for callers running the consumer outside a `ServiceGroup`.
    public func stop() { loop.stop() }

    /// Consumes until graceful shutdown, ``stop()``, cancellation, or a broker error no reconnection can fix
    /// (which it throws, after in-flight handlers settled). The intake, the bound and the stop are
    /// ``BoundedDeliveryLoop``'s; what happens to each delivery is ``process(_:)``.
    public func run() async throws {
        try await loop.runBatches { deliveries in await self.process(deliveries) }
        logger.info("stopped consuming events", metadata: ["totals": "\(statistics)"])
    }

    /// A delivery that passed the checks, with what its handler gets.
    struct Accepted: Sendable {
        var delivery: Delivery
        var context: EventContext
        var started: ContinuousClock.Instant
    }

    /// Applies one delivery and settles it; never throws.
    func process(_ delivery: Delivery) async {
        await process([delivery])
    }

    /// Applies a batch of deliveries and settles each; never throws. Refused ones are dead-lettered; the
    /// rest are applied in ONE transaction when there are several (``applyTogether(_:)``), or one by one
    /// when that fails, so a batch has exactly the outcome of its events applied one after another.
    func process(_ deliveries: [Delivery]) async {
        var accepted: [Accepted] = []
        accepted.reserveCapacity(deliveries.count)
        for delivery in deliveries {
            if let one = await accept(delivery) { accepted.append(one) }
        }
        if accepted.count > 1, await applyTogether(accepted) { return }
        for one in accepted { await applyAlone(one) }
    }

    /// Checks a delivery and builds its context, or dead-letters it with the reason and returns `nil`.
    private func accept(_ delivery: Delivery) async -> Accepted? {
        let started = ContinuousClock.now
        var logger = self.logger
        logger[metadataKey: "msg.id"] = "\(delivery.properties.messageID ?? "")"
        logger[metadataKey: "amqp.routing_key"] = "\(delivery.routingKey)"
        if delivery.redelivered { logger[metadataKey: "amqp.redelivered"] = "true" }
        if let count = delivery.deliveryCount { logger[metadataKey: "amqp.delivery_count"] = "\(count)" }
        switch decode(delivery) {
        case .failure(let reason):
            await deadLetter(delivery, reason: reason, logger: logger)
            return nil
        case .success(let (event, messageID)):
            logger[metadataKey: "event"] = "\(event.routingKey.rawValue)"
            if let id = event.workRequestID { logger[metadataKey: "wr.id"] = "\(id)" }
            if let id = event.workerID { logger[metadataKey: "worker"] = "\(id)" }
            let context = EventContext(
                event: event, messageID: messageID, redelivered: delivery.redelivered,
                deliveryCount: delivery.deliveryCount, logger: logger)
            return Accepted(delivery: delivery, context: context, started: started)
        }
    }

    /// Applies several events in one transaction (one inbox statement, one commit, one transaction cache),
    /// then acks them all. Any failure rolls the whole batch back and returns `false`: the caller then
    /// applies each alone, so a poison message is dead-lettered or requeued on its own and never takes its
    /// neighbours with it.
    private func applyTogether(_ batch: [Accepted]) async -> Bool {
        let service = queues.service
        let handlers = self.handlers
        let applied: [Bool]
        do {
            applied = try await pool.withTransaction { conn in
                var claimed = try await Inbox.claim(
                    conn, consumer: service, messageIDs: batch.map(\.context.messageID))
                let cache = TransactionCache()
                var applied: [Bool] = []
                applied.reserveCapacity(batch.count)
                for one in batch {
                    // A message id delivered twice in one batch is claimed once: the second is a duplicate.
                    guard claimed.remove(one.context.messageID) != nil else {
                        applied.append(false)
                        continue
                    }
                    var context = one.context
                    context.cache = cache
                    try await handlers.handle(context, on: conn)
                    applied.append(true)
                }
                return applied
            }
        } catch {
            totals.withLock { $0.batchesRetriedAlone += 1 }
            logger.info(
                "a batch of events failed; applying them one by one",
                metadata: ["batch_size": "\(batch.count)", "error": "\(error)"])
            return false
        }
        totals.withLock { $0.batches += 1 }
        Recorder(label: "kiln_event_batch_size", dimensions: [("service", service)]).record(batch.count)
        for (one, wasApplied) in zip(batch, applied) {
            one.delivery.ack()
            settled(one, applied: wasApplied)
        }
        return true
    }

    /// Applies one event in its own transaction and settles its delivery.
    ///
    /// A failure is not always the event's fault, so it is not always requeued at once (a requeue counts
    /// toward the delivery limit, which is for poison messages):
    /// - a serialization failure or deadlock is retried here, up to ``Options/conflictAttempts`` times;
    /// - a failure while the database is unreachable holds the delivery (unacked, uncounted) and waits,
    ///   backing off, until ``Options/databaseProbe`` answers, then applies it again — so this processor
    ///   takes nothing new meanwhile, and a service whose database is down stops consuming;
    /// - anything else, or a transient failure with the database answering, is requeued (counted).
    private func applyAlone(_ one: Accepted) async {
        let service = queues.service
        let handlers = self.handlers
        var context = one.context
        var conflicts = 0
        while true {
            // Each attempt reads afresh: nothing remembered by a rolled-back attempt (before an outage, say).
            context.cache = TransactionCache()
            do {
                let applied = try await pool.withTransaction { conn in
                    guard try await Inbox.claim(conn, consumer: service, messageID: context.messageID) else { return false }
                    try await handlers.handle(context, on: conn)
                    return true
                }
                one.delivery.ack()
                settled(one, applied: applied)
                return
            } catch let rejected as EventRejected {
                await deadLetter(one.delivery, reason: .rejectedByHandler(rejected.reason), logger: context.logger)
                return
            } catch where Self.isConflict(error) && conflicts + 1 < options.conflictAttempts {
                conflicts += 1
                totals.withLock { $0.conflictRetries += 1 }
                context.logger.info(
                    "event conflicted with another transaction; applying it again",
                    metadata: ["error": "\(error)", "attempt": "\(conflicts + 1)"])
                try? await Task.sleep(for: .milliseconds(Int.random(in: 2...10) << min(conflicts, 5)))
            } catch {
                if await outage.waitedOut(after: error, isStopping: { loop.isStopping }, logger: context.logger) {
                    totals.withLock { $0.heldThroughOutage += 1 }
                    continue
                }
                // Only a failure that is the message's own ends its work request: a transient one (conflicts
                // past their attempts, a lost connection while the probe answers, a shutdown) or a broker error
                // is requeued as before, and the broker's limit stays the backstop for those.
                if isLastDelivery(one.delivery), Self.isTheMessagesOwn(error) {
                    await giveUp(one, context: context, error: error)
                    return
                }
                one.delivery.nack(requeue: true)
                totals.withLock { $0.requeued += 1 }
                count(outcome: "requeued", key: context.routingKey)
                let transient = DatabaseOutageHold.isTransient(error)
                context.logger.log(
                    level: transient ? .warning : .error,
                    transient ? "event failed transiently; requeued" : "event handler failed; requeued",
                    metadata: ["error": "\(error)", "delivery_limit": "\(queues.deliveryLimit)"])
                return
            }
        }
    }

    /// Another transaction got there first: a serialization failure or deadlock, or a compare-and-set that
    /// lost (`RepositoryError.concurrentUpdate`). Applied again in place, never taken for poison.
    static func isConflict(_ error: any Error) -> Bool {
        if let error = error as? PGError { return error.isRetryable }
        if case RepositoryError.concurrentUpdate = error { return true }
        return false
    }

    /// Whether a failure says the message itself cannot be applied (its work request then ends as poison at
    /// the last delivery): not a transient database failure, not a conflict, not a broker failure a
    /// reconnect can fix — those stay the broker's `delivery_limit` to dead-letter.
    static func isTheMessagesOwn(_ error: any Error) -> Bool {
        if DatabaseOutageHold.isTransient(error) || isConflict(error) { return false }
        if let error = error as? AMQPError, error.isRecoverableByReconnecting { return false }
        return true
    }

    /// Whether the broker would dead-letter this delivery if it were requeued: its `x-delivery-count` (the
    /// failed deliveries before it) has reached the limit less one. One delivery early on purpose: RabbitMQ
    /// versions differ on whether the limit counts the first delivery.
    private func isLastDelivery(_ delivery: Delivery) -> Bool {
        (delivery.deliveryCount ?? 0) >= queues.deliveryLimit - 1
    }

    /// A poison event: it failed on every delivery. Its work request, if it names one, ends in `error` with
    /// the reason (``WorkRequestOperations/endUnprocessable(_:error:pool:)``) — otherwise it would stay
    /// where it is while each re-drive sweep sent another copy to fail again — and the event is
    /// dead-lettered with the error (`handler_failed`), counted like every other dead letter.
    private func giveUp(_ one: Accepted, context: EventContext, error: any Error) async {
        let deliveries = (one.delivery.deliveryCount ?? 0) + 1
        if let id = context.event.workRequestID {
            let failure = WorkRequestError(
                message: "the \(queues.service) could not apply \(context.routingKey.rawValue) to this work request "
                    + "(\(deliveries) deliveries): \(error)",
                code: "event-handling-failed")
            do {
                let outcome = try await WorkRequestOperations.endUnprocessable(id.rawValue, error: failure, pool: pool)
                if outcome == .completed || outcome == .completedUnreadable { afterCommit() }
                context.logger.error(
                    "poison event: its work request ended in error", metadata: ["outcome": "\(outcome)", "error": "\(error)"])
            } catch let ending {
                context.logger.error(
                    "poison event: its work request could not be ended; the next re-drive tries again",
                    metadata: ["error": "\(error)", "ending_error": "\(ending)"])
            }
        }
        await deadLetter(
            one.delivery, reason: .failedEveryDelivery(deliveries: deliveries, error: "\(error)"), logger: context.logger)
    }

    /// Counts and logs an event whose transaction committed (applied, or a duplicate without effect).
    private func settled(_ one: Accepted, applied: Bool) {
        let service = queues.service
        let key = one.context.routingKey
        let elapsed = ContinuousClock.now - one.started
        Timer(label: "kiln_event_handling_duration_seconds", dimensions: [("service", service)])
            .recordNanoseconds(elapsed.saturatingNanoseconds)
        if applied {
            afterCommit()
            totals.withLock { $0.handled += 1 }
            count(outcome: "handled", key: key)
            one.context.logger.info("event handled", metadata: ["duration_ms": "\(elapsed.wholeMilliseconds)"])
        } else {
            totals.withLock { $0.duplicates += 1 }
            count(outcome: "duplicate", key: key)
            Counter(label: "kiln_messages_duplicate_total", dimensions: [("service", service)]).increment()
            one.context.logger.info("duplicate event acknowledged without effect")
        }
    }

    // MARK: Decoding

    /// Checks size, message id, event type and body, and decodes the event.
    func decode(_ delivery: Delivery) -> Result<(KilnEvent, String), DeadLetterReason> {
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
        guard accepted.contains(key) else { return .failure(.unexpectedEventType(kind)) }
        do throws(MessageError) {
            let body = try MessageCodec.decode(EventBody.self, from: delivery.body)
            return .success((try KilnEvent(key, body: body), messageID))
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
