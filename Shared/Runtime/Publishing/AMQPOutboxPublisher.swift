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

    /// Publishes the batch and returns the ids of the rows the broker confirmed; the others stay in the outbox
    /// for the next round, so an event is never lost, only delayed (and consumers de-duplicate repeats).
    public func publishConfirmed(_ batch: [OutboxRecord]) async throws -> Set<Int> {
        let outcomes = try await publisher.publish(batch.map(message(for:)), window: window)
        var confirmed: Set<Int> = []
        for (record, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .success:
                confirmed.insert(record.id)
            case .failure(let error):
                Counter(label: "kiln_outbox_publish_failures_total", dimensions: [("service", appID)]).increment()
                logger.warning(
                    "outbox event not accepted by the broker; it stays in the outbox",
                    metadata: [
                        "msg.id": "\(record.message.messageID.uuidString.lowercased())",
                        "amqp.routing_key": "\(record.message.routingKey)", "error": "\(error)",
                        "outbox.attempts": "\(record.attempts + 1)",
                    ])
            }
        }
        Counter(label: "kiln_outbox_published_total", dimensions: [("service", appID)]).increment(by: confirmed.count)
        return confirmed
    }
}
