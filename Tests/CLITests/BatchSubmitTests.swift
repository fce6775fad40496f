import Foundation
import KilnCore
import KilnTasks
import Store
import Testing

extension CLIIntegration {
    @Suite("Batch submission")
    struct BatchSubmitTests {
        /// What a submission leaves behind, comparable across two schemas: per work request (by position),
        /// status, stage, result, dependencies (by position, or the existing id), and the outbox's events.
        struct Trace: Equatable, CustomStringConvertible {
            var rows: [String]
            var events: [String]
            var description: String { (rows + events).joined(separator: "\n") }
        }

        static func trace(_ pool: PGPool, firstNewID: Int) async throws -> Trace {
            let rows = try await pool.query(
                """
                SELECT w.id, w.status, w.pending_stage, w.result, w.priority_base, w.task_data::text,
                       coalesce(array_agg(d.depends_on_id ORDER BY d.depends_on_id)
                                FILTER (WHERE d.depends_on_id IS NOT NULL), '{}')
                FROM work_requests w LEFT JOIN work_request_dependencies d ON d.work_request_id = w.id
                WHERE w.id >= $1 GROUP BY w.id ORDER BY w.id
                """, firstNewID
            ).rows.map { row in
                let dependencies = try row.decode([Int].self, at: 6).map { $0 >= firstNewID ? "#\($0 - firstNewID)" : "\($0)" }
                return [
                    try row.decode(String.self, at: 1), try row.decode(String?.self, at: 2) ?? "-",
                    try row.decode(String.self, at: 3), "\(try row.decode(Int.self, at: 4))",
                    try row.decode(String.self, at: 5), dependencies.joined(separator: ","),
                ].joined(separator: " ")
            }
            let events = try await pool.query(
                "SELECT routing_key, (body->>'work_request_id')::bigint FROM outbox ORDER BY routing_key, 2"
            ).rows.map { row in
                let id = try row.decode(Int.self, at: 1)
                return "\(try row.decode(String.self, at: 0)) \(id >= firstNewID ? "#\(id - firstNewID)" : "\(id)")"
            }
            return Trace(rows: rows, events: events)
        }

        /// Two existing work requests, one ABORTED and one pending-requested; returns their ids.
        static func existing(_ pool: PGPool, workspace: Int, user: Int) async throws -> (failed: Int, open: Int) {
            let failed = try await RepositoryTests.submit(pool, workspace: workspace, user: user).id
            try await pool.withTransaction { conn in
                _ = try await WorkRequestOperations.abort(failed, by: user, on: conn)
            }
            let open = try await RepositoryTests.submit(pool, workspace: workspace, user: user).id
            _ = try await pool.query("DELETE FROM outbox")
            return (failed, open)
        }

        /// Entries covering every way settling can go: unblocked, blocked behind the batch, blocked behind
        /// an existing work request, aborted because an existing dependency failed, aborted in cascade.
        static func entries(workspace: Int, user: Int, failed: Int, open: Int) throws -> [BatchSubmissionEntry] {
            let registry = try KilnTasks.registry()
            func entry(_ data: JSONValue = [:], priority: Int = 0, dependsOn: [Int] = [], after: [Int] = []) throws
                -> BatchSubmissionEntry
            {
                BatchSubmissionEntry(
                    try WorkRequestSubmission(
                        workspaceID: workspace, createdBy: user, taskName: "noop", taskData: data, priorityBase: priority,
                        dependencyIDs: dependsOn
                    ).validated(by: registry), afterPositions: after)
            }
            return [
                try entry(["result": "success"], priority: 3),
                try entry(after: [0]),
                try entry(dependsOn: [open]),
                try entry(dependsOn: [failed]),
                try entry(after: [3]),
                try entry(after: [1, 3]),
                try entry(["result": "failure"], dependsOn: [open], after: [0, 1]),
                try entry(priority: -2),
            ]
        }

        @Test("a batch leaves the same rows, dependencies and events as the same submissions one by one")
        func batchMatchesOneByOne() async throws {
            var traces: [Trace] = []
            for batched in [false, true] {
                let trace = try await CLITestDatabase.withSchema { pool, _ in
                    let (workspace, user) = try await RepositoryTests.setUp(pool)
                    let (failed, open) = try await Self.existing(pool, workspace: workspace.id, user: user.id)
                    let entries = try Self.entries(workspace: workspace.id, user: user.id, failed: failed, open: open)
                    let firstNewID = open + 1
                    if batched {
                        let outcomes = try await pool.withTransaction { conn in
                            try await WorkRequestOperations.submitBatch(entries, on: conn)
                        }
                        #expect(outcomes.map(\.id) == Array(firstNewID..<(firstNewID + entries.count)))
                        #expect(outcomes.map(\.unblocked) == [true, false, false, false, false, false, false, true])
                        // As one by one: each aborted entry reports its own abort (#4 and #5 found #3 already
                        // aborted), not #3 listing the later ones.
                        #expect(outcomes.map(\.aborted) == [[], [], [], [firstNewID + 3], [firstNewID + 4], [firstNewID + 5], [], []])
                    } else {
                        for entry in entries {
                            var submission = entry.validated.submission
                            submission.dependencyIDs += entry.afterPositions.map { firstNewID + $0 }
                            let validated = try submission.validated(by: try KilnTasks.registry())
                            _ = try await pool.withTransaction { conn in
                                try await WorkRequestOperations.submit(validated, on: conn)
                            }
                        }
                    }
                    return try await Self.trace(pool, firstNewID: firstNewID)
                }
                traces.append(trace)
            }
            #expect(traces[0] == traces[1], "one by one:\n\(traces[0])\nbatched:\n\(traces[1])")
            #expect(traces[1].rows.filter { $0.hasPrefix("aborted") }.count == 3)
        }

        @Test("a batch naming a later entry, or a work request that does not exist, writes nothing")
        func badBatchWritesNothing() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await RepositoryTests.setUp(pool)
                let registry = try KilnTasks.registry()
                let noop = try WorkRequestSubmission(workspaceID: workspace.id, createdBy: user.id, taskName: "noop")
                    .validated(by: registry)
                let missing = try WorkRequestSubmission(
                    workspaceID: workspace.id, createdBy: user.id, taskName: "noop", dependencyIDs: [424_242]
                ).validated(by: registry)
                await #expect(throws: RepositoryError.self) {
                    try await pool.withTransaction { conn in
                        try await WorkRequestOperations.submitBatch(
                            [BatchSubmissionEntry(noop), BatchSubmissionEntry(noop, afterPositions: [1])], on: conn)
                    }
                }
                await #expect(throws: RepositoryError.notFound(kind: "work request", key: "424242 (a dependency of batch entry 1)")) {
                    try await pool.withTransaction { conn in
                        try await WorkRequestOperations.submitBatch(
                            [BatchSubmissionEntry(noop), BatchSubmissionEntry(missing)], on: conn)
                    }
                }
                let count = try await pool.query("SELECT count(*)::bigint FROM work_requests").rows[0].decode(Int.self, at: 0)
                #expect(count == 0)
            }
        }
    }
}
