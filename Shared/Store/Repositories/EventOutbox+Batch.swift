import Foundation
import KilnCore

extension EventOutbox {
    /// Enqueues many events (of any kinds) with a single statement, inside the caller's transaction.
    ///
    /// The scheduler commits hundreds of assignments per transaction, each announcing `wr.assigned` (and
    /// batch submissions and re-drive sweeps enqueue many at once); one
    /// `INSERT … SELECT unnest(…)` instead of one round trip per event keeps the outbox from dominating the
    /// commit. Every event is encoded by the same `MessageCodec` as
    /// ``enqueue(_:on:messageID:exchange:routingKey:)``, so the rows are indistinguishable from single enqueues
    /// once stored as jsonb.
    ///
    /// - Returns: the message ids, in the order of `events`.
    /// - Throws: `PGError.notInTransaction` outside a transaction.
    @discardableResult
    public static func enqueueAll(_ events: [KilnEvent], on conn: PGConnection) async throws -> [UUID] {
        guard !events.isEmpty else { return [] }
        guard await conn.isInTransaction else { throw PGError.notInTransaction(operation: "EventOutbox.enqueueAll") }
        var ids: [UUID] = []
        var bodies: [String] = []
        var keys: [String] = []
        ids.reserveCapacity(events.count)
        bodies.reserveCapacity(events.count)
        keys.reserveCapacity(events.count)
        for event in events {
            ids.append(UUID())
            keys.append(event.routingKey.rawValue)
            // The codec's bytes are already compact JSON; the jsonb cast parses them once, in PostgreSQL.
            bodies.append(String(decoding: try MessageCodec.encode(event.body), as: UTF8.self))
        }
        _ = try await conn.execute(
            """
            INSERT INTO outbox (message_id, exchange, routing_key, type, body, headers)
            SELECT m::uuid, $4, k, k, b::jsonb, '{}'::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS t(m, b, k)
            """, ids.map(\.uuidString), bodies, keys, exchange)
        return ids
    }
}
