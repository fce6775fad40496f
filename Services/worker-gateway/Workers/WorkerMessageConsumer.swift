import AMQP
import Foundation
import KilnCore
import KilnRuntime
import Logging
import Metrics
import ServiceLifecycle
import Store

/// Consumes `worker-gateway.workers`, the queue every worker writes to (through `kiln.gateway`), with the
/// consumer contract of deploy/docs/runtime.md adapted to worker messages:
///
/// 1. size, `message_id`, kind (`type`) and body are checked; a message failing a check is published to
///    `worker-gateway.dead` with `x-kiln-reason` and only then acked;
/// 2. one transaction claims the inbox row (consumer `worker-gateway.workers`, the worker's `message_id`)
///    and applies the message (``WorkerMessageHandler``); a duplicate commits nothing;
/// 3. after COMMIT the replies it decided (`gateway.welcome`, `gateway.refused`, `gateway.abort`, resent
///    assignments) are sent, mandatory and confirmed; a returned reply marks the worker disconnected;
/// 4. then the delivery is acked. While PostgreSQL does not answer, a delivery is held and applied again
///    once it does (``DatabaseOutageHold``); any other failure rolls back and requeues (bounded by the
///    queue's delivery limit).
///
/// A refused hello, an unknown token or a stale result are normal outcomes, not failures: they are
/// logged, counted and acked.
final class WorkerMessageConsumer: Service, Sendable {
    static let inboxConsumer = KilnTopology.gatewayWorkerQueue

    private let configuration: RuntimeConfiguration
    private let pool: PGPool
    private let publisher: AMQPPublisher
    private let mailbox: WorkerMailbox
    private let handler: WorkerMessageHandler
    private let maxBodySize: Int
    private let logger: Logger
    private let afterCommit: @Sendable () -> Void
    private let loop: BoundedDeliveryLoop
    private let outage: DatabaseOutageHold

    init(
        runtime: ServiceRuntime, settings: GatewaySettings, mailbox: WorkerMailbox
    ) {
        configuration = runtime.configuration
        pool = runtime.pool
        publisher = runtime.publisher
        self.mailbox = mailbox
        handler = WorkerMessageHandler(settings: settings, service: runtime.service)
        maxBodySize = settings.maxMessageSize
        var logger = runtime.logger
        logger[metadataKey: "amqp.queue"] = "\(KilnTopology.gatewayWorkerQueue)"
        self.logger = logger
        let relay = runtime.relay
        afterCommit = { relay.wake() }
        outage = DatabaseOutageHold(
            service: runtime.service, pool: runtime.pool,
            backoff: DatabaseOutageHold.defaultBackoff, logger: logger)
        loop = BoundedDeliveryLoop(
            queue: KilnTopology.gatewayWorkerQueue, amqp: runtime.configuration.amqp,
            topology: KilnTopology.only(KilnTopology.workerGateway).merging(KilnTopology.gatewayWorkerMessages),
            concurrency: runtime.configuration.concurrency, startMessage: "consuming worker messages", logger: logger)
    }

    private var service: String { configuration.service }
    private var deadQueue: String { ServiceQueues.deadQueueName(service: service) }

    /// Consumes until graceful shutdown or ``stop()``: intake, bound and stop are the shared
    /// ``BoundedDeliveryLoop``'s, so this consumer drains exactly as the services' event consumers do.
    func run() async throws {
        try await loop.run { delivery in await self.process(delivery) }
        logger.info("stopped consuming worker messages")
    }

    func stop() { loop.stop() }

    /// Applies one delivery and settles it; never throws.
    private func process(_ delivery: Delivery) async {
        let started = ContinuousClock.now
        var logger = self.logger
        logger[metadataKey: "msg.id"] = "\(delivery.properties.messageID ?? "")"
        if delivery.redelivered { logger[metadataKey: "amqp.redelivered"] = "true" }

        let message: WorkerMessage
        let messageID: String
        switch WorkerMessage.decode(delivery, maxBodySize: maxBodySize) {
        case .failure(let reason):
            await answerUndecodableHello(delivery, reason: reason, logger: logger)
            await deadLetter(delivery, reason: reason, logger: logger)
            return
        case .success(let (decoded, id)):
            message = decoded
            messageID = id
        }
        logger[metadataKey: "event"] = "\(message.kind.rawValue)"
        do {
            let outcome: WorkerMessageOutcome?
            while true {
                do {
                    outcome = try await apply(message, messageID: messageID, logger: logger)
                    break
                } catch {
                    // A database outage holds the delivery instead of spending its delivery limit: a worker's
                    // result must not be dead-lettered because PostgreSQL restarted (found by deploy/chaos).
                    guard await outage.waitedOut(after: error, isStopping: { loop.isStopping }, logger: logger) else {
                        throw error
                    }
                }
            }
            guard let outcome else {
                delivery.ack()
                count(message.kind, outcome: "duplicate")
                Counter(label: "kiln_messages_duplicate_total", dimensions: [("service", service)]).increment()
                logger.info("duplicate worker message acknowledged without effect")
                return
            }
            afterCommit()
            for (key, value) in outcome.metadata { logger[metadataKey: key] = value }
            try await send(outcome.replies, logger: logger)
            delivery.ack()
            count(message.kind, outcome: outcome.outcome)
            logger.info(
                "worker message handled",
                metadata: ["outcome": "\(outcome.outcome)", "duration_ms": "\((ContinuousClock.now - started).wholeMilliseconds)"])
        } catch let error as MessageError {
            await deadLetter(delivery, reason: .badBody(error), logger: logger)
        } catch let error as RepositoryError {
            if case .invalid(let reason) = error {
                await deadLetter(delivery, reason: .rejectedByHandler(reason), logger: logger)
            } else {
                requeue(delivery, error: error, logger: logger)
            }
        } catch {
            requeue(delivery, error: error, logger: logger)
        }
    }

    /// The message's transactions: the completion report first (Debusine's completion-in-progress check in
    /// `GetNextWorkRequestView.select_work_request`: committed before the result is applied, so a concurrent hello sees
    /// it), then the inbox claim and the handler. `nil`: a duplicate.
    private func apply(_ message: WorkerMessage, messageID: String, logger: Logger) async throws -> WorkerMessageOutcome? {
        let handler = self.handler
        if case .result(let report) = message {
            let recorded = try await pool.withTransaction { conn in
                try await ResultCompletion.recordInProgress(report, on: conn)
            }
            if recorded { logger.debug("completion report recorded as in progress") }
        }
        return try await pool.withTransaction { conn -> WorkerMessageOutcome? in
            guard try await Inbox.claim(conn, consumer: Self.inboxConsumer, messageID: messageID) else { return nil }
            return try await handler.handle(message, logger: logger, on: conn)
        }
    }

    private func requeue(_ delivery: Delivery, error: any Error, logger: Logger) {
        delivery.nack(requeue: true)
        logger.warning("worker message failed; requeued", metadata: ["error": "\(error)"])
    }

    /// A `worker.hello` that does not decode (a bad token, FQDN, worker type, …) is answered as Debusine's
    /// registration view answers (HTTP 400 `Cannot deserialize worker`), and dead-lettered all the same. Only
    /// when the body names a server-named (`amq.gen-`) queue that no connected worker uses and a session, as a
    /// decoded hello must: a refusal then reaches only the process that sent the hello (it echoes the session),
    /// never a service queue nor another worker.
    private func answerUndecodableHello(_ delivery: Delivery, reason: DeadLetterReason, logger: Logger) async {
        guard (delivery.properties.type ?? delivery.routingKey) == WorkerMessageKind.hello.rawValue,
            case .badBody(let error) = reason,
            let object = try? JSONValue.parse(bytes: delivery.body).objectValue,
            let queue = object["queue"]?.stringValue, WorkerHello.isServerNamedQueue(queue),
            let session = object["session"]?.stringValue, WorkerHello.isValidSession(session)
        else { return }
        do {
            let taken = try await pool.withConnection { conn in
                try await WorkerRepository.connectedWorker(usingQueue: queue, except: nil, on: conn)
            }
            guard taken == nil else { return }
            let refusal = GatewayRefusal(
                reason: "Cannot deserialize worker: \(error)", reasonCode: "INVALID_HELLO",
                session: session)
            _ = try await mailbox.send(.refused, refusal, to: queue)
        } catch {
            logger.warning("could not answer an undecodable hello", metadata: ["error": "\(error)"])
        }
    }

    /// Sends the replies in order; a returned one marks its worker disconnected (only while that queue is
    /// still the worker's) and skips the rest for that queue.
    private func send(_ replies: [OutboundReply], logger: Logger) async throws {
        var goneQueues: Set<String> = []
        for reply in replies where !goneQueues.contains(reply.queue) {
            var logger = logger
            if let id = reply.workRequestID { logger[metadataKey: "wr.id"] = "\(id)" }
            switch try await mailbox.send(reply.kind, reply.body, to: reply.queue) {
            case .delivered:
                logger.debug("reply sent to worker", metadata: ["reply": "\(reply.kind.rawValue)"])
            case .gone:
                goneQueues.insert(reply.queue)
                logger.warning("reply returned: the worker's queue is gone", metadata: ["reply": "\(reply.kind.rawValue)"])
                guard let workerID = reply.workerID else { continue }
                let disconnected = try await pool.withTransaction { conn in
                    try await WorkerRepository.markDisconnected(workerID: workerID, queue: reply.queue, on: conn)
                }
                if disconnected { afterCommit() }
            }
        }
    }

    private func deadLetter(_ delivery: Delivery, reason: DeadLetterReason, logger: Logger) async {
        await DeadLetterPublishing.deadLetter(
            delivery, reason: reason, service: service, deadQueue: deadQueue, publisher: publisher,
            subject: "worker message", logger: logger)
    }

    private func count(_ kind: WorkerMessageKind, outcome: String) {
        Counter(
            label: "kiln_worker_messages_total",
            dimensions: [("service", service), ("type", kind.rawValue), ("outcome", outcome)]
        ).increment()
    }
}
