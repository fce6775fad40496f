import Foundation
import KilnCore
import KilnTasks
import Store
import KilnTestSupport
import Testing

extension CLIIntegration {
    @Suite("Concurrent terminations (real PostgreSQL)")
    struct TerminationRaceTests {
        /// A dependant of two work requests that terminate in two transactions at once: each used to see
        /// the other still unfinished, so neither unblocked it and it stayed BLOCKED for ever (the scheduler's
        /// second cascade on `wr.completed` used to hide this). `terminate` now locks the terminated row and
        /// its BLOCKED dependants first, so the second transaction waits for the first and sees its result.
        @Test("two dependencies completing at once: the dependant is unblocked exactly once")
        func concurrentCompletionsUnblockTheDependant() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await RepositoryTests.setUp(pool)
                let first = try await RepositoryTests.submit(pool, workspace: workspace.id, user: user.id).id
                let second = try await RepositoryTests.submit(pool, workspace: workspace.id, user: user.id).id
                let dependant = try await RepositoryTests.submit(
                    pool, workspace: workspace.id, user: user.id, dependsOn: [first, second]).id
                // Both dependencies running on a worker, as when two results arrive together.
                _ = try await pool.query(
                    """
                    UPDATE work_requests SET status = 'running', pending_stage = NULL, started_at = now()
                    WHERE id = ANY($1)
                    """, [first, second])
                _ = try await pool.query("DELETE FROM outbox")

                let (firstDone, signalFirstDone) = AsyncStream<Int>.makeStream()
                let (release, signalRelease) = AsyncStream<Void>.makeStream()
                async let completingFirst: Void = pool.withTransaction { conn in
                    let stored = try await WorkRequestRepository.require(id: first, on: conn)
                    let completed = try stored.workRequest.markedCompleted(result: .success, outputData: nil, at: Date())
                    try await WorkRequestOperations.terminate(stored, as: completed, on: conn)
                    let backend = try conn.query("SELECT pg_backend_pid()::bigint").rows[0].decode(Int.self, at: 0)
                    signalFirstDone.yield(backend)
                    for await _ in release { break }  // hold the transaction open while the other one starts
                }
                var firstBackend = -1
                for await backend in firstDone {
                    firstBackend = backend
                    break
                }
                async let completingSecond: Void = pool.withTransaction { conn in
                    let stored = try await WorkRequestRepository.require(id: second, on: conn)
                    let completed = try stored.workRequest.markedCompleted(result: .success, outputData: nil, at: Date())
                    try await WorkRequestOperations.terminate(stored, as: completed, on: conn)
                }
                // Release the first transaction once the second waits for a lock the first holds (the dependant's:
                // other tests' lock waits, in this database at the same time, do not count), or once the second has
                // finished without waiting — what the old code did, reading the first dependency as
                // still running; the assertions below then fail.
                let monitor = PGConnection(configuration: pool.configuration)
                _ = await eventually(timeout: .seconds(120)) {
                    let waiting = try await monitor.query(
                        """
                        SELECT count(*)::bigint FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))
                        """, firstBackend
                    ).rows[0].decode(Int.self, at: 0)
                    let secondDone = try await monitor.query(
                        "SELECT status FROM work_requests WHERE id = $1", second
                    ).rows[0].decode(String.self, at: 0) == "completed"
                    return waiting > 0 || secondDone
                }
                await monitor.close()
                signalRelease.yield()
                try await completingFirst
                try await completingSecond

                let row = try await pool.withConnection { conn in
                    try await WorkRequestRepository.require(id: dependant, on: conn)
                }
                #expect(row.workRequest.status == .pending && row.workRequest.pendingStage == .requested, "\(row)")
                let unblocks = try await pool.query(
                    "SELECT count(*)::bigint FROM outbox WHERE routing_key = 'wr.unblocked' AND (body ->> 'work_request_id')::bigint = $1",
                    dependant
                ).rows[0].decode(Int.self, at: 0)
                #expect(unblocks == 1)
            }
        }
    }
}
