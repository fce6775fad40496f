import Foundation
import KilnCore

/// The one way a state change announces itself: a `KilnEvent` on `kiln.events`, written to the outbox in the
/// caller's transaction so the event exists exactly when the change it reports committed. Repositories, the
/// CLI and every service use this; the runtime's relay publishes the rows afterwards.
public enum EventOutbox {
    /// The topic exchange every `wr.*` and `worker.*` event goes to.
    public static let exchange = KilnExchange.events

    /// Enqueues `event` inside the caller's open transaction and returns its message id. The routing key and
    /// the AMQP `type` are the event's kind; the body carries exactly the identifiers that kind needs.
    ///
    /// - Parameters:
    ///   - messageID: the AMQP `message_id` consumers de-duplicate on; a fresh UUID unless a caller re-sends.
    ///   - exchange: where the relay publishes it (tests route to their own exchange or queue).
    ///   - routingKey: overrides the event's routing key; the message `type` stays the event's kind.
    /// - Throws: `PGError.notInTransaction` outside a transaction.
    @discardableResult
    public static func enqueue(
        _ event: KilnEvent, on conn: PGConnection, messageID: UUID = UUID(),
        exchange: String = EventOutbox.exchange, routingKey: String? = nil
    ) async throws -> UUID {
        let key = event.routingKey.rawValue
        let body = try JSONValue.parse(bytes: try MessageCodec.encode(event.body))
        let message = OutboxMessage(
            messageID: messageID, exchange: exchange, routingKey: routingKey ?? key, type: key, body: body)
        try await Outbox.enqueue(message, on: conn)
        return messageID
    }
}
