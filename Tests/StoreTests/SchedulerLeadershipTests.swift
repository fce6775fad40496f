import Foundation
import KilnTestSupport
import Testing

@testable import Store

extension StoreIntegration {
    @Suite("Scheduler leadership generation (fencing)")
    struct SchedulerLeadershipTests {
        @Test("a claim starts a new generation; a check with an older one throws Deposed and writes nothing")
        func olderGenerationIsDeposed() async throws {
            try await TestDatabase.withSchema(poolSize: 2) { pool, _ in
                let first = try await pool.withTransaction { conn in try await SchedulerLeadership.claim(holder: "a", on: conn) }
                try await pool.withTransaction { conn in try await SchedulerLeadership.check(first, on: conn) }
                let second = try await pool.withTransaction { conn in try await SchedulerLeadership.claim(holder: "b", on: conn) }
                #expect(second == first + 1)
                try await pool.query("CREATE TABLE fenced_writes (n int)")
                let error = await #expect(throws: SchedulerLeadership.Deposed.self) {
                    try await pool.withTransaction { conn in
                        try await SchedulerLeadership.check(first, on: conn)
                        try conn.execute("INSERT INTO fenced_writes VALUES (1)")
                    }
                }
                #expect(error?.held == first)
                #expect(error?.current == second)
                #expect(try await pool.query("SELECT count(*) FROM fenced_writes").rows[0].decode(Int.self, at: 0) == 0)
                let current = try await pool.withConnection { conn in try await SchedulerLeadership.current(on: conn) }
                #expect(current.generation == second)
                #expect(current.holder == "b")
            }
        }

        @Test("a new generation waits for the old leader's write transaction in flight, then fences it out")
        func claimWaitsForTransactionsInFlight() async throws {
            try await TestDatabase.withSchema(poolSize: 3) { pool, _ in
                let old = try await pool.withTransaction { conn in try await SchedulerLeadership.claim(holder: "old", on: conn) }
                let holder = TestDatabase.makePool(schema: nil, size: 1)
                let marker = "kiln-fence-" + UUID().uuidString
                let claim: Task<Int, any Error> = try await pool.withConnection { oldLeader in
                    try await oldLeader.withTransaction { conn in
                        try await SchedulerLeadership.check(old, on: conn)
                        // The new leader's claim starts now, on another session, and must wait for this commit.
                        let claim = Task.detached {
                            try await pool.withTransaction { conn in
                                try conn.execute("SET LOCAL application_name = '\(marker)'")
                                return try await SchedulerLeadership.claim(holder: "new", on: conn)
                            }
                        }
                        let waiting = await eventually {
                            try await holder.query(
                                "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
                                marker
                            ).rows[0].decode(Int.self, at: 0) == 1
                        }
                        #expect(waiting, "the claim waits on the old leader's share lock")
                        return claim
                    }
                }
                await holder.close()
                #expect(try await claim.value == old + 1)
                await #expect(throws: SchedulerLeadership.Deposed.self) {
                    try await pool.withTransaction { conn in try await SchedulerLeadership.check(old, on: conn) }
                }
            }
        }
    }
}
