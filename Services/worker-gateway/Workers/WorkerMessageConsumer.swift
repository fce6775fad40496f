import AMQP
import Foundation
import KilnCore
import KilnRuntime
import Logging
import Metrics
import ServiceLifecycle
import Store
import Synchronization

/// Consumes `worker-gateway.workers`, the queue every worker writes to (through `kiln.gateway`), with the
/// consumer contract of deploy/docs/runtime.md adapted to worker messages:
///
/// 1. size, `message_id`, kind (`type`) and body are checked; a message failing a check is published to
///    `worker-gateway.dead` with `x-kiln-reason` and only then acked;
/// 2. one transaction claims the inbox row (consumer `worker-gateway.workers`, the worker's `message_id`)
///    and applies the message (``WorkerMessageHandler``); a duplicate commits nothing;
/// 3. after COMMIT the replies it decided (`gateway.welcome`, `gateway.refused`, `gateway.abort`, resent
///    assignments) are sent, mandatory and confirmed; a returned reply marks the worker disconnected;
/// 4. then the delivery is acked; any other failure rolls back and requeues (bounded by the queue's
///    delivery limit).
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
    private let intake = Mutex<AsyncStream<Delivery>.Continuation?>(nil)
    private let stopRequested = Mutex(false)

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
    }

    private var service: String { configuration.service }
    private var deadQueue: String { ServiceQueues.deadQueueName(service: service) }

    func run() async throws {
        let topology = KilnTopology.only(KilnTopology.workerGateway).merging(KilnTopology.gatewayWorkerMessages)
        let consumer = AMQPConsumer(configuration: configuration.amqp, topology: topology, logger: logger)
        let (stream, continuation) = AsyncStream.makeStream(of: Delivery.self)
        intake.withLock { $0 = continuation }
        if stopRequested.withLock({ $0 }) { continuation.finish() }
        try await consumer.addConsumer(
            queue: KilnTopology.gatewayWorkerQueue, prefetch: UInt16(min(configuration.concurrency, 65535))
        ) { delivery in
            continuation.yield(delivery)
        }
        logger.info("consuming worker messages", metadata: ["concurrency": "\(configuration.concurrency)"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { continuation.finish() }
                try await consumer.run()
            }
            await withGracefulShutdownHandler {
                await self.dispatch(stream)
            } onGracefulShutdown: {
                self.stop()
            }
            group.cancelAll()
            try await group.waitForAll()
        }
        logger.info("stopped consuming worker messages")
    }

    func stop() {
        stopRequested.withLock { $0 = true }
        intake.withLock { $0?.finish() }
    }

    private func dispatch(_ stream: AsyncStream<Delivery>) async {
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for await delivery in stream {
                if inFlight >= configuration.concurrency {
                    await group.next()
                    inFlight -= 1
                }
                group.addTask { await self.process(delivery) }
                inFlight += 1
            }
            await group.waitForAll()
        }
    }

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
            await deadLetter(delivery, reason: reason, logger: logger)
            return
        case .success(let (decoded, id)):
            message = decoded
            messageID = id
        }
        logger[metadataKey: "event"] = "\(message.kind.rawValue)"
        let handler = self.handler
        let handlerLogger = logger
        do {
            let outcome = try await pool.withTransaction { conn -> WorkerMessageOutcome? in
                guard try await Inbox.claim(conn, consumer: Self.inboxConsumer, messageID: messageID) else { return nil }
                return try await handler.handle(message, logger: handlerLogger, on: conn)
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

    private func requeue(_ delivery: Delivery, error: any Error, logger: Logger) {
        delivery.nack(requeue: true)
        logger.warning("worker message failed; requeued", metadata: ["error": "\(error)"])
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
        var properties = delivery.properties
        properties.headers["x-kiln-reason"] = .string(reason.detail)
        properties.headers["x-kiln-service"] = .string(service)
        properties.headers["x-kiln-routing-key"] = .string(delivery.routingKey)
        let message = OutgoingMessage(
            exchange: KilnTopology.deadLetterExchange, routingKey: deadQueue, body: delivery.body, properties: properties,
            mandatory: true)
        do {
            try await publisher.publish(message)
            delivery.ack()
            Counter(label: "kiln_messages_dead_lettered_total", dimensions: [("service", service), ("reason", reason.category)])
                .increment()
            logger.error("worker message dead-lettered", metadata: ["reason": "\(reason.detail)", "amqp.dead_queue": "\(deadQueue)"])
        } catch {
            delivery.nack(requeue: true)
            logger.error(
                "could not dead-letter a refused worker message; requeued",
                metadata: ["reason": "\(reason.detail)", "error": "\(error)"])
        }
    }

    private func count(_ kind: WorkerMessageKind, outcome: String) {
        Counter(
            label: "kiln_worker_messages_total",
            dimensions: [("service", service), ("type", kind.rawValue), ("outcome", outcome)]
        ).increment()
    }
}
