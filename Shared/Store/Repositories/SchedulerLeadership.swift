/// The fencing value of the active scheduler (`scheduler_leadership`, migration 8).
///
/// The advisory lock says who should be active; the generation makes sure a scheduler that lost the lock
/// without noticing yet cannot write: ``claim(holder:on:)`` when becoming active, ``check(_:on:)`` at the
/// start of every write transaction of the active scheduler.
public enum SchedulerLeadership {
    /// Thrown by ``check(_:on:)``: another scheduler became active after this one (its transaction must roll
    /// back and the instance step down).
    public struct Deposed: Error, Sendable, CustomStringConvertible {
        /// The generation this instance was granted.
        public var held: Int
        /// The generation now current.
        public var current: Int

        public var description: String {
            "deposed: this scheduler holds leadership generation \(held), but generation \(current) is active"
        }
    }

    /// Starts a new generation for the instance that now holds the advisory lock and returns it. Run it in
    /// its own transaction before reading anything: it waits for the deposed instance's write transactions
    /// in flight (they hold the row `FOR SHARE`), so everything they wrote is visible to the new one.
    public static func claim(holder: String, on conn: PGConnection) async throws -> Int {
        let row = try await conn.query(
            """
            UPDATE scheduler_leadership SET generation = generation + 1, holder = $1, acquired_at = now()
            RETURNING generation
            """,
            holder
        ).first
        guard let row else { throw RepositoryError.invalid("scheduler_leadership has no row (run kiln migrate)") }
        return try row.decode(Int.self, at: 0)
    }

    /// Checks, inside a write transaction, that `generation` is still the current one, and holds the row
    /// `FOR SHARE` until the transaction ends, so no new generation can start meanwhile.
    ///
    /// - Throws: ``Deposed`` when a newer generation exists.
    public static func check(_ generation: Int, on conn: PGConnection) async throws {
        let current = try await conn.query("SELECT generation FROM scheduler_leadership FOR SHARE").first
            .map { try $0.decode(Int.self, at: 0) } ?? -1
        guard current == generation else { throw Deposed(held: generation, current: current) }
    }

    /// The current generation and its holder (for `kiln` and the tests).
    public static func current(on conn: PGConnection) async throws -> (generation: Int, holder: String) {
        guard let row = try await conn.query("SELECT generation, holder FROM scheduler_leadership").first else {
            throw RepositoryError.invalid("scheduler_leadership has no row (run kiln migrate)")
        }
        return (try row.decode(Int.self, at: 0), try row.decode(String.self, at: 1))
    }
}
