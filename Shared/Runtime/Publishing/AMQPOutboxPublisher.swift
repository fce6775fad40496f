import AMQP
import Foundation
import Logging
import Metrics
import Store

/// Publishes outbox batches to RabbitMQ with publisher confirms: the ``OutboxPublishing`` the services'
/// relays use.
///
/// Every message is `mandatory` (an event no queue takes is an error, not silence), persistent, JSON, with
/// `message_id` = the outbox row's UUID (what consumers de-duplicate on), `type` = the row's type,
/// `timestamp` = when the row was written and `app_id` = the service. A row counts as published only when
/// the broker confirmed it and did not return it; the rest stay in the outbox for the next round.
public struct AMQPOutboxPublisher: OutboxPublishing {
    private let publisher: AMQPPublisher
    private let appID: String
    private let window: Int
    private let logger: Logger

    /// Creates a publisher.
    ///
    /// - Parameters:
    ///   - publisher: the confirming connection (shared with the consumer's dead-lettering is fine).
    ///   - appID: the service name, for `app_id`.
    ///   - window: messages kept unconfirmed at once (≥ 1).
    public init(publisher: AMQPPublisher, appID: String, window: Int = 64, logger: Logger) {
        self.publisher = publisher
        self.appID = appID
        self.window = max(1, window)
        self.logger = logger
    }

    /// The AMQP message for an outbox row.
    public func message(for record: OutboxRecord) -> OutgoingMessage {
        let properties = MessageProperties(
            contentType: "application/json", persistent: true,
            messageID: record.message.messageID.uuidString.lowercased(), type: record.message.type,
            timestamp: UInt64(max(0, record.createdAt.timeIntervalSince1970)), appID: appID,
            headers: record.message.headers.mapValues { .string($0) })
        return OutgoingMessage(
            exchange: record.message.exchange, routingKey: record.message.routingKey,
            text: record.message.body.compactJSON, properties: properties, mandatory: true)
    }

    /// Publishes the batch and says which rows the broker confirmed and which it refused, with the broker's
    /// own reason (`… returned as unroutable: 312 NO_ROUTE`); the others stay in the outbox for a later
    /// round, so an event is never lost, only delayed (and consumers de-duplicate repeats).
    public func publish(_ batch: [OutboxRecord]) async throws -> OutboxPublishResult {
        let outcomes = try await publisher.publish(batch.map(message(for:)), window: window)
        var result = OutboxPublishResult(confirmed: [])
        for (record, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .success:
                result.confirmed.insert(record.id)
            case .failure(let error):
                result.refused[record.id] = "\(error)"
                Counter(
                    label: "kiln_outbox_publish_failures_total",
                    dimensions: [("service", appID), ("reason", Self.reasonLabel(error))]
                ).increment()
                logger.warning(
                    "outbox event refused by the broker; it stays in the outbox and is tried again later",
                    metadata: [
                        "msg.id": "\(record.message.messageID.uuidString.lowercased())",
                        "amqp.routing_key": "\(record.message.routingKey)", "error": "\(error)",
                        "outbox.attempts": "\(record.attempts + 1)",
                    ])
            }
        }
        Counter(label: "kiln_outbox_published_total", dimensions: [("service", appID)]).increment(by: result.confirmed.count)
        return result
    }

    /// The `reason` label of `kiln_outbox_publish_failures_total`: `unroutable` (no queue is bound for the
    /// routing key — alert on it, nothing will consume the event until a binding exists), `nacked`, `other`.
    static func reasonLabel(_ error: any Error) -> String {
        switch error as? AMQPError {
        case .unroutable?: "unroutable"
        case .nacked?: "nacked"
        default: "other"
        }
    }
}
