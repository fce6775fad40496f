import Foundation
import KilnTestSupport
import Testing

@testable import Store

extension StoreIntegration {
    @Suite("Purging never-enabled self-registrations")
    struct WorkerPurgeTests {
        @Test("only old, self-registered, never-enabled workers go, with their tokens; --dry-run deletes nothing")
        func purgeSelectsExactlyTheAbandoned() async throws {
            try await TestDatabase.withSchema { pool, _ in
                try await pool.withTransaction { conn in
                    for name in ["old-a.lan", "old-b.lan", "recent.lan", "enabled-once.lan"] {
                        _ = try await WorkerRepository.registerSelf(
                            fqdn: name, workerType: .external, tokenSecret: TokenRepository.generateSecret(), on: conn)
                    }
                    _ = try await WorkerRepository.create(fqdn: "admin-made.lan", on: conn)
                    // Enabled once, disabled since: never purged.
                    try await WorkerRepository.enable(nameOrToken: "enabled-once-lan", on: conn)
                    _ = try await WorkerRepository.disable(nameOrToken: "enabled-once-lan", on: conn)
                    try conn.execute("UPDATE workers SET registered_at = now() - interval '3 days' WHERE name <> 'recent-lan'")
                }
                let dry = try await pool.withTransaction { conn in
                    try await WorkerRepository.purgeNeverEnabled(olderThan: .seconds(86_400), dryRun: true, on: conn)
                }
                #expect(dry == ["old-a-lan", "old-b-lan"])
                #expect(try await pool.query("SELECT count(*) FROM workers").rows[0].decode(Int.self, at: 0) == 5)
                let pending = try await pool.withConnection { conn in
                    try await WorkerRepository.pendingRegistrations(within: .seconds(60), on: conn)
                }
                #expect(pending.total == 3)
                #expect(pending.recent == 1)

                let purged = try await pool.withTransaction { conn in
                    try await WorkerRepository.purgeNeverEnabled(olderThan: .seconds(86_400), dryRun: false, on: conn)
                }
                #expect(purged == ["old-a-lan", "old-b-lan"])
                let left = try await pool.query("SELECT name FROM workers ORDER BY name").rows.map { try $0.decode(String.self, at: 0) }
                #expect(left == ["admin-made-lan", "enabled-once-lan", "recent-lan"])
                let orphanTokens = try await pool.query(
                    "SELECT count(*) FROM tokens t WHERE t.worker_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM workers w WHERE w.id = t.worker_id)"
                ).rows[0].decode(Int.self, at: 0)
                #expect(orphanTokens == 0)
                #expect(try await pool.query("SELECT count(*) FROM tokens WHERE comment LIKE 'self-registered by old-%'").rows[0]
                    .decode(Int.self, at: 0) == 0)
            }
        }
    }
}
