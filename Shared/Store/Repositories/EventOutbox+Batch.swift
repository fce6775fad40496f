import Foundation
import KilnCore

extension EventOutbox {
    /// Enqueues many events of one kind with a single statement, inside the caller's transaction.
    ///
    /// The scheduler commits hundreds of assignments per transaction, each announcing `wr.assigned` (and
    /// batch submissions and re-drive sweeps enqueue many at once); one
    /// `INSERT … SELECT unnest(…)` instead of one round trip per event keeps the outbox from dominating the
    /// commit. Every event is validated and encoded by the same `MessageCodec` as
    /// ``enqueue(_:_:on:messageID:exchange:routingKey:)``, so the rows are indistinguishable from single enqueues
    /// once stored as jsonb.
    ///
    /// - Returns: the message ids, in the order of `events`.
    /// - Throws: `MessageError` for an event missing an identifier `key` needs (nothing is written),
    ///   `PGError.notInTransaction` outside a transaction.
    @discardableResult
    public static func enqueueAll(_ key: RoutingKey, _ events: [KilnEvent], on conn: PGConnection) async throws -> [UUID] {
        guard !events.isEmpty else { return [] }
        guard await conn.isInTransaction else { throw PGError.notInTransaction(operation: "EventOutbox.enqueueAll") }
        var ids: [UUID] = []
        var bodies: [String] = []
        ids.reserveCapacity(events.count)
        bodies.reserveCapacity(events.count)
        for event in events {
            try event.validate(for: key)
            ids.append(UUID())
            // The codec's bytes are already compact JSON; the jsonb cast parses them once, in PostgreSQL.
            bodies.append(String(decoding: try MessageCodec.encode(event), as: UTF8.self))
        }
        _ = try await conn.execute(
            """
            INSERT INTO outbox (message_id, exchange, routing_key, type, body, headers)
            SELECT m::uuid, $3, $4, $4, b::jsonb, '{}'::jsonb FROM unnest($1::text[], $2::text[]) AS t(m, b)
            """, ids.map(\.uuidString), bodies, exchange, key.rawValue)
        return ids
    }
}
