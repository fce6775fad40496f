import AMQP
import KilnCore
import Metrics

/// Sends `gateway.*` messages to a worker's private queue through the default exchange, `mandatory` and
/// confirmed: a message the broker returns means the queue is gone, hence the worker (its exclusive queue
/// dies with its connection).
struct WorkerMailbox: Sendable {
    /// What became of a message.
    enum Outcome: Sendable, Hashable {
        /// The broker confirmed it into the worker's queue.
        case delivered
        /// The broker returned it: no such queue, the worker is gone.
        case gone
    }

    let publisher: AMQPPublisher
    let service: String

    /// Publishes `body` as `kind` to `queue` and waits for the confirm.
    ///
    /// - Throws: broker failures other than a return (the caller retries the whole message).
    func send(_ kind: GatewayMessageKind, _ body: some VersionedMessage, to queue: String) async throws -> Outcome {
        let message = OutgoingMessage(
            exchange: "", routingKey: queue, body: try MessageCodec.encode(body),
            properties: MessageProperties(persistent: false, type: kind.rawValue, appID: service), mandatory: true)
        do {
            try await publisher.publish(message)
            Counter(label: "kiln_gateway_messages_sent_total", dimensions: [("service", service), ("type", kind.rawValue)])
                .increment()
            return .delivered
        } catch AMQPError.unroutable {
            Counter(label: "kiln_gateway_worker_queue_returns_total", dimensions: [("service", service), ("type", kind.rawValue)])
                .increment()
            return .gone
        }
    }
}

/// A message to a worker decided inside a transaction and sent only after it committed, so a worker is
/// never told something the database then rolls back.
struct OutboundReply: Sendable {
    /// What to send.
    var kind: GatewayMessageKind
    /// The body.
    var body: any VersionedMessage
    /// The worker's queue.
    var queue: String
    /// The worker it is for, when known (a return then marks it disconnected).
    var workerID: Int?
    /// The work request it concerns, for the log.
    var workRequestID: Int?
}
