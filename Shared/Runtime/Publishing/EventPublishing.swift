import Foundation
import KilnCore
import Store

/// Writing events: always into the outbox, inside the transaction whose state change they report, never
/// straight to the broker (the relay publishes them after COMMIT).
public enum EventPublishing {
    /// Enqueues `event` as an outbox row (message id, exchange, routing key, type = routing key, JSON body)
    /// in the caller's open transaction.
    ///
    /// - Parameters:
    ///   - key: the event kind; also the routing key and AMQP `type`.
    ///   - event: checked against `key` first, so a producer bug fails here rather than in a consumer's
    ///     dead-letter queue.
    ///   - conn: a connection with an open transaction.
    ///   - messageID: the AMQP `message_id` consumers de-duplicate on (fresh by default; pass a derived one
    ///     to make a re-emitted event collapse with the original).
    ///   - exchange: `kiln.events` normally; `""` (the default exchange) with `routingKey` = a queue name
    ///     sends it to one queue only (re-driving a single service, tests).
    ///   - routingKey: overrides the routing key (the `type` stays `key`).
    /// - Returns: the message id.
    /// - Throws: `MessageError` for an event missing an identifier `key` needs; `PGError.notInTransaction`
    ///   outside a transaction; `PGError` from the insert.
    @discardableResult
    public static func enqueueEvent(
        _ key: RoutingKey, _ event: KilnEvent, on conn: PGConnection, messageID: UUID = UUID(),
        exchange: String = KilnTopology.eventsExchange, routingKey: String? = nil
    ) async throws -> UUID {
        try event.validate(for: key)
        let body = try JSONValue.parse(bytes: try MessageCodec.encode(event))
        try await Outbox.enqueue(
            OutboxMessage(
                messageID: messageID, exchange: exchange, routingKey: routingKey ?? key.rawValue, type: key.rawValue,
                body: body),
            on: conn)
        return messageID
    }
}
