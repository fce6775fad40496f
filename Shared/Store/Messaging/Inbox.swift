import Foundation

/// Inbox de-duplication for idempotent consumers.
///
/// AMQP delivers at least once; a consumer claims each message id inside the transaction that applies the
/// message's effect, and skips the effect when the claim says "seen before". Ack only after commit.
///
/// ```swift
/// try await pool.withTransaction { conn in
///     guard try await Inbox.claim(conn, consumer: "scheduler", messageID: delivery.messageID) else { return }
///     … apply the effect …
/// }
/// ```
public enum Inbox {
    /// Records that `consumer` has seen `messageID`.
    ///
    /// Concurrent claims of the same id (two replicas got the same redelivery) serialise on the primary
    /// key: the second waits for the first transaction and then sees the row.
    ///
    /// - Returns: `true` the first time (apply the effect), `false` for a duplicate (skip it).
    /// - Throws: `PGError.server` with `checkViolation` for an empty or over-long (> 255) id.
    public static func claim(_ conn: PGConnection, consumer: String, messageID: String) async throws -> Bool {
        let inserted = try await conn.execute(
            "INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            consumer,
            messageID
        )
        return inserted == 1
    }

    /// Records that `consumer` has seen each of `messageIDs`, in one statement: the batch form of
    /// ``claim(_:consumer:messageID:)``, for a consumer applying several messages in one transaction.
    ///
    /// - Returns: the ids claimed now (apply their effect once each); an id seen before, or repeated in
    ///   `messageIDs`, is claimed at most once.
    public static func claim(_ conn: PGConnection, consumer: String, messageIDs: [String]) async throws -> Set<String> {
        let rows = try await conn.query(
            """
            INSERT INTO inbox (consumer, message_id) SELECT $1, id FROM unnest($2::text[]) AS id
            ON CONFLICT DO NOTHING RETURNING message_id
            """,
            consumer,
            messageIDs
        ).rows
        return Set(try rows.map { try $0.decode(String.self, at: 0) })
    }

    /// Deletes at most `limit` inbox rows received before `cutoff`, in one short statement. Keep rows longer
    /// than any redelivery can take, or a late duplicate is applied twice; call it again while it returns
    /// `limit` (`MessagePruner` in KilnRuntime does both, periodically, in every service).
    ///
    /// Rows another session is deleting right now are skipped (`SKIP LOCKED`), so replicas pruning at the
    /// same time take disjoint batches instead of waiting for each other.
    ///
    /// - Returns: how many rows were deleted.
    @discardableResult
    public static func prune(olderThan cutoff: Date, limit: Int, on conn: PGConnection) async throws -> Int {
        try await conn.execute(
            """
            DELETE FROM inbox WHERE (consumer, message_id) IN (
                SELECT consumer, message_id FROM inbox WHERE received_at < $1
                LIMIT $2 FOR UPDATE SKIP LOCKED)
            """,
            cutoff, limit)
    }
}
