import Foundation
import KilnCore

/// The transactional outbox: events are written in the same transaction as the state change that causes
/// them, and published later by `OutboxRelay`. No "commit then publish" gap can lose an event.
public enum Outbox {
    /// Adds `message` to the outbox inside the caller's open transaction.
    ///
    /// - Returns: the outbox row id.
    /// - Throws: `PGError.notInTransaction` when no transaction is open (the event would not be atomic
    ///   with the change it reports); `PGError.server` with `isUniqueViolation` for a reused message id.
    @discardableResult
    public static func enqueue(_ message: OutboxMessage, on conn: PGConnection) async throws -> Int {
        guard await conn.isInTransaction else { throw PGError.notInTransaction(operation: "Outbox.enqueue") }
        let headers = JSONValue.object(message.headers.mapValues { .string($0) })
        let row = try await conn.query(
            """
            INSERT INTO outbox (message_id, exchange, routing_key, type, body, headers)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """,
            message.messageID,
            message.exchange,
            message.routingKey,
            message.type,
            message.body,
            headers
        ).first
        guard let row else { throw PGError.unexpectedResult(status: "no row", message: "INSERT … RETURNING id") }
        return try row.decode(Int.self, at: 0)
    }

    /// How many rows still wait to be published (for the `outbox_backlog` gauge and tests).
    public static func unpublishedCount(on conn: PGConnection) async throws -> Int {
        guard let row = try await conn.query("SELECT count(*) FROM outbox WHERE published_at IS NULL").first else {
            return 0
        }
        return try row.decode(Int.self, at: 0)
    }

    /// Deletes at most `limit` published rows older than `cutoff`, in one short statement; unpublished rows
    /// are never deleted (they still have to reach the broker). Call it again while it returns `limit`: a
    /// bounded batch keeps each statement's locks and WAL small however big the backlog (see
    /// `MessagePruner` in KilnRuntime, which does so periodically in every service).
    ///
    /// Rows another session is deleting right now are skipped (`SKIP LOCKED`), so replicas pruning at the
    /// same time take disjoint batches instead of waiting for each other.
    ///
    /// - Returns: how many rows were deleted.
    @discardableResult
    public static func prunePublished(olderThan cutoff: Date, limit: Int, on conn: PGConnection) async throws -> Int {
        try await conn.execute(
            """
            DELETE FROM outbox WHERE id IN (
                SELECT id FROM outbox WHERE published_at IS NOT NULL AND published_at < $1
                LIMIT $2 FOR UPDATE SKIP LOCKED)
            """,
            cutoff, limit)
    }
}
