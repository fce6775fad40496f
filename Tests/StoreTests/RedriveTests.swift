import Foundation
import KilnCore
import Store
import Testing

extension StoreIntegration {
    /// `WorkRequestRepository.redrive`, the one re-drive every service's sweeps use.
    @Suite("Re-drive sweeps (real PostgreSQL)")
    struct RedriveTests {
        /// A work request in the given state, last touched `age` seconds ago; returns its id.
        static func row(
            _ pool: PGPool, status: String, stage: String? = nil, workerID: Int? = nil, epoch: Int = 0,
            dynamicDataEpoch: Int? = nil, age: Int
        ) async throws -> Int {
            try await pool.withTransaction { conn in
                try conn.query(
                    """
                    INSERT INTO work_requests (workspace_id, task_type, task_name, status, pending_stage, worker_id,
                                               assignment_epoch, dynamic_data_epoch, updated_at)
                    VALUES ((SELECT id FROM workspaces LIMIT 1), 'Worker', 'noop', $1, $2, $3, $4, $5,
                            now() - make_interval(secs => $6))
                    RETURNING id
                    """, status, stage, workerID, epoch, dynamicDataEpoch, age
                ).rows[0].decode(Int.self, at: 0)
            }
        }

        @Test("each stage re-drives only its own rows older than the grace, oldest first, and touches them so the next sweep skips them")
        func redrivesEachStage() async throws {
            try await TestDatabase.withSchema { pool, _ in
                try await pool.withTransaction { conn in
                    try conn.execute("INSERT INTO scopes (name) VALUES ('debian')")
                    try conn.execute("INSERT INTO workspaces (scope_id, name) SELECT id, 'dev' FROM scopes")
                    try conn.execute(
                        """
                        INSERT INTO workers (name, enabled, connected_at) VALUES ('up', true, now()), ('down', true, NULL)
                        """)
                }
                let up = try await pool.query("SELECT id FROM workers WHERE name = 'up'").rows[0].decode(Int.self, at: 0)
                let down = try await pool.query("SELECT id FROM workers WHERE name = 'down'").rows[0].decode(Int.self, at: 0)
                let requestedOld = try await Self.row(pool, status: "blocked", stage: "requested", age: 600)
                let requestedOlder = try await Self.row(pool, status: "blocked", stage: "requested", age: 900)
                _ = try await Self.row(pool, status: "blocked", stage: "requested", age: 1)  // within the grace
                let resolved = try await Self.row(pool, status: "blocked", stage: "inputs-resolved", age: 600)
                let noData = try await Self.row(pool, status: "pending", workerID: up, epoch: 2, dynamicDataEpoch: 1, age: 600)
                let ready = try await Self.row(pool, status: "pending", workerID: up, epoch: 2, dynamicDataEpoch: 2, age: 600)
                // Ready, but its worker is not connected: its hello re-dispatches it, not the sweep.
                _ = try await Self.row(pool, status: "pending", workerID: down, epoch: 1, dynamicDataEpoch: 1, age: 600)
                _ = try await Self.row(pool, status: "running", workerID: up, epoch: 1, dynamicDataEpoch: 1, age: 600)

                func redrive(_ stage: RedriveStage) async throws -> [KilnEvent] {
                    try await pool.withTransaction { conn in
                        try await WorkRequestRepository.redrive(stage, olderThan: .seconds(60), limit: 10, on: conn)
                    }
                }
                #expect(try await redrive(.unblockingRequested) == [.unblocked(WorkRequestID(requestedOlder)), .unblocked(WorkRequestID(requestedOld))])
                #expect(try await redrive(.inputsResolved) == [.inputsResolved(WorkRequestID(resolved))])
                #expect(
                    try await redrive(.awaitingDynamicData)
                        == [.assigned(Assignment(workRequest: WorkRequestID(noData), worker: WorkerID(up), epoch: 2))])
                #expect(
                    try await redrive(.awaitingDispatch)
                        == [.dispatch(Assignment(workRequest: WorkRequestID(ready), worker: WorkerID(up), epoch: 2))])
                // Touched: a second sweep within the grace finds nothing.
                for stage in RedriveStage.allCases { #expect(try await redrive(stage).isEmpty, "\(stage)") }
                let keys = try await pool.query("SELECT routing_key FROM outbox ORDER BY id").rows.map {
                    try $0.decode(String.self, at: 0)
                }
                #expect(keys == ["wr.unblocked", "wr.unblocked", "wr.inputs-resolved", "wr.assigned", "wr.dispatch"])
            }
        }

        @Test("nothing is re-driven while an event of the stage waits unpublished in the outbox, unless the broker refused it (queued behind an outage, not lost)")
        func unpublishedEventHoldsTheSweep() async throws {
            try await TestDatabase.withSchema { pool, _ in
                try await pool.withTransaction { conn in
                    try conn.execute("INSERT INTO scopes (name) VALUES ('debian')")
                    try conn.execute("INSERT INTO workspaces (scope_id, name) SELECT id, 'dev' FROM scopes")
                }
                let stuck = try await Self.row(pool, status: "blocked", stage: "requested", age: 600)
                let redrive = { (stage: RedriveStage) in
                    try await pool.withTransaction { conn in
                        try await WorkRequestRepository.redrive(stage, olderThan: .seconds(60), limit: 10, on: conn)
                    }
                }
                try await pool.withTransaction { conn in
                    try await EventOutbox.enqueue(.unblocked(999), on: conn)
                }
                #expect(try await redrive(.unblockingRequested).isEmpty)
                // However old, a row still waiting for the broker holds it back…
                _ = try await pool.query("UPDATE outbox SET created_at = now() - interval '2 hours'")
                #expect(try await redrive(.unblockingRequested).isEmpty)
                // …but one the broker refused (the relay backs it off) does not: it may never go.
                _ = try await pool.query("UPDATE outbox SET next_attempt_at = now() + interval '1 minute'")
                #expect(try await redrive(.unblockingRequested) == [.unblocked(WorkRequestID(stuck))])
            }
        }

        @Test("two sweeps at once split the rows (SKIP LOCKED): every row is re-driven exactly once")
        func concurrentSweepsSplitRows() async throws {
            try await TestDatabase.withSchema(poolSize: 4) { pool, _ in
                try await pool.withTransaction { conn in
                    try conn.execute("INSERT INTO scopes (name) VALUES ('debian')")
                    try conn.execute("INSERT INTO workspaces (scope_id, name) SELECT id, 'dev' FROM scopes")
                }
                var ids: [Int] = []
                for _ in 0..<40 { ids.append(try await Self.row(pool, status: "blocked", stage: "requested", age: 600)) }
                let batches = try await withThrowingTaskGroup(of: [Int].self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            var mine: [Int] = []
                            while true {
                                let events = try await pool.withTransaction { conn in
                                    let events = try await WorkRequestRepository.redrive(
                                        .unblockingRequested, olderThan: .seconds(60), limit: 3, on: conn)
                                    // The relay's part: a sweep waits while an event of its stage is unpublished.
                                    try conn.execute("UPDATE outbox SET published_at = now() WHERE published_at IS NULL")
                                    return events
                                }
                                if events.isEmpty { return mine }
                                mine += events.compactMap { $0.workRequestID?.rawValue }
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(batches.flatMap { $0 }.sorted() == ids.sorted())
            }
        }
    }
}
