import Foundation

/// The bounds on self-registration (Debusine `RegisterView.post`): how many registrations are waiting for an admin, and
/// removing the ones nobody will ever enable.
extension WorkerRepository {
    /// Serialises self-registrations: a transaction-scoped advisory lock, held until the caller's transaction
    /// ends, so counting ``pendingRegistrations(within:on:)`` and the registration that follows are one step
    /// for every gateway processor and replica. Without it, concurrent hellos each saw room for one more and a
    /// flood overshot the limits (deploy/chaos: 33 accepted of a 30-a-minute limit).
    public static func lockSelfRegistration(on conn: PGConnection) async throws {
        guard await conn.isInTransaction else { throw PGError.notInTransaction(operation: "lockSelfRegistration") }
        try await conn.query("SELECT pg_advisory_xact_lock(hashtext('kiln.self-registration'))")
    }

    /// Self-registered workers never enabled: in all, and registered within the last `window`.
    public static func pendingRegistrations(within window: Duration, on conn: PGConnection) async throws
        -> (total: Int, recent: Int)
    {
        let row = try await conn.query(
            """
            SELECT count(*), count(*) FILTER (WHERE registered_at > now() - $1::bigint * interval '1 millisecond')
              FROM workers WHERE self_registered AND first_enabled_at IS NULL
            """, Int(window.wholeMilliseconds)
        ).first
        return (try row?.decode(Int.self, at: 0) ?? 0, try row?.decode(Int.self, at: 1) ?? 0)
    }

    /// Deletes self-registered workers that were never enabled and registered more than `age` ago, with
    /// their tokens (`kiln worker purge --never-enabled`); `dryRun` only lists them.
    ///
    /// - Returns: the names, oldest first.
    public static func purgeNeverEnabled(olderThan age: Duration, dryRun: Bool, on conn: PGConnection) async throws
        -> [String]
    {
        let selection = """
            SELECT id, name FROM workers
             WHERE self_registered AND first_enabled_at IS NULL AND NOT enabled
               AND registered_at < now() - $1::bigint * interval '1 millisecond'
            """
        if dryRun {
            return try await conn.query(selection + " ORDER BY registered_at, id", Int(age.wholeMilliseconds)).rows.map {
                try $0.decode(String.self, at: 1)
            }
        }
        return try await conn.query(
            """
            WITH doomed AS (\(selection) FOR UPDATE SKIP LOCKED),
                 gone_tokens AS (DELETE FROM tokens WHERE worker_id IN (SELECT id FROM doomed))
            DELETE FROM workers w USING doomed WHERE w.id = doomed.id RETURNING w.name, w.registered_at
            """, Int(age.wholeMilliseconds)
        ).rows.map { (try $0.decode(String.self, at: 0), try $0.decode(Date.self, at: 1)) }
            .sorted { $0.1 < $1.1 }.map(\.0)
    }
}
