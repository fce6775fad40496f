import Foundation
import Store
import Testing

/// Restarts the shared cluster, so it must never run beside the other suites: `deploy/test` runs every suite
/// whose name contains "Disruptive" last and alone (`swift test --skip Disruptive`, then
/// `swift test --filter Disruptive`). The type name carries the word too, whichever name the filter sees.
@Suite("Disruptive: PostgreSQL restart", .serialized, .timeLimit(.minutes(2)))
struct DisruptivePostgreSQLRestartTests {
    @Suite("Reconnect after a server restart")
    struct ReconnectTests {
        @Test("after deploy/local/postgres restart the next query on the pool succeeds on a new session")
        func poolRecoversAfterRestart() async throws {
            try TestDatabase.ensureServer()
            let pool = TestDatabase.makePool(schema: nil, size: 2)
            let before = try await pool.withConnection { conn in
                try await conn.query("SELECT 1")
                return try #require(await conn.backendPID)
            }
            try TestDatabase.runPostgresScript("restart")
            let (value, after) = try await pool.withConnection { conn in
                let value = try await conn.query("SELECT 41 + $1", 1).rows[0].decode(Int.self, at: 0)
                return (value, try #require(await conn.backendPID))
            }
            #expect(value == 42)
            #expect(after != before, "a new server session was opened")
        }

        @Test("a statement in flight when the server restarts throws connectionLost instead of hanging")
        func inFlightStatementFailsFast() async throws {
            try TestDatabase.ensureServer()
            let pool = TestDatabase.makePool(schema: nil, size: 2)
            let sleeper = TestDatabase.makePool(schema: nil, size: 1)
            let marker = "kiln-sleep-" + UUID().uuidString
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let error = await #expect(throws: PGError.self) {
                        try await sleeper.query("SELECT pg_sleep(60), $1::text", marker)
                    }
                    #expect(error?.isConnectionLost == true, "got \(String(describing: error))")
                }
                // Wait (bounded) until the sleep is running on the server, then restart under it.
                var running = false
                for _ in 0..<200 where !running {
                    running =
                        try await pool.query(
                            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'"
                        ).rows[0].decode(Int.self, at: 0) > 0
                    if !running { try await Task.sleep(for: .milliseconds(25)) }
                }
                #expect(running, "the long statement started")
                try TestDatabase.runPostgresScript("restart")
                try await group.waitForAll()
            }
            // The same connection serves again.
            #expect(try await sleeper.query("SELECT $1::text", marker).rows[0].decode(String.self, at: 0) == marker)
        }
    }
}
