import Foundation
import KilnCore

/// The one way a state change announces itself: a `KilnEvent` on `kiln.events`, written to the outbox in the
/// caller's transaction so the event exists exactly when the change it reports committed. Repositories, the
/// CLI and every service use this; the runtime's relay publishes the rows afterwards.
public enum EventOutbox {
    /// The topic exchange every `wr.*` and `worker.*` event goes to.
    public static let exchange = KilnExchange.events

    /// Enqueues `event` under `key` inside the caller's open transaction and returns its message id.
    ///
    /// - Parameters:
    ///   - messageID: the AMQP `message_id` consumers de-duplicate on; a fresh UUID unless a caller re-sends.
    ///   - exchange: where the relay publishes it (tests route to their own exchange or queue).
    ///   - routingKey: overrides `key.rawValue` as the routing key; the message `type` stays `key.rawValue`.
    /// - Throws: `MessageError` when the event lacks an identifier the key needs (a programming error
    ///   caught before anything is written), `PGError.notInTransaction` outside a transaction.
    @discardableResult
    public static func enqueue(
        _ key: RoutingKey, _ event: KilnEvent, on conn: PGConnection, messageID: UUID = UUID(),
        exchange: String = EventOutbox.exchange, routingKey: String? = nil
    ) async throws -> UUID {
        try event.validate(for: key)
        let body = try JSONValue.parse(bytes: try MessageCodec.encode(event))
        let message = OutboxMessage(
            messageID: messageID, exchange: exchange, routingKey: routingKey ?? key.rawValue, type: key.rawValue,
            body: body)
        try await Outbox.enqueue(message, on: conn)
        return messageID
    }
}
