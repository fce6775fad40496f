import KilnCore

/// The one way a repository announces a state change: a `KilnEvent` on `kiln.events`, written to the outbox
/// in the caller's transaction so the event exists exactly when the change it reports committed.
public enum EventOutbox {
    /// The topic exchange every `wr.*` and `worker.*` event goes to.
    public static let exchange = "kiln.events"

    /// Enqueues `event` under `key` inside the caller's open transaction.
    ///
    /// - Throws: `MessageError` when the event lacks an identifier the key needs (a programming error
    ///   caught before anything is written), `PGError.notInTransaction` outside a transaction.
    @discardableResult
    public static func enqueue(_ key: RoutingKey, _ event: KilnEvent, on conn: PGConnection) async throws -> Int {
        try event.validate(for: key)
        let body = try JSONValue.parse(bytes: try MessageCodec.encode(event))
        let message = OutboxMessage(exchange: exchange, routingKey: key.rawValue, type: key.rawValue, body: body)
        return try await Outbox.enqueue(message, on: conn)
    }
}
