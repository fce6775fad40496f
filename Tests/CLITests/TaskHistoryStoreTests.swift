import Foundation
import KilnCore
import KilnTasks
import Store
import Testing

extension CLIIntegration {
    /// The task history against real PostgreSQL: the manager's pruning (Debusine's
    /// `server/collections/tests/test_task_history.py`) and the record a completion leaves
    /// (`db/models/tests/test_work_requests.py` `test_record_in_task_history*`).
    @Suite("Task history (real PostgreSQL)")
    struct TaskHistoryStoreTests {
        static func history(_ pool: PGPool, workspace: Int, data: [String: JSONValue] = [:]) async throws -> CollectionRecord {
            try await pool.withTransaction { conn in
                try await CollectionRepository.create(
                    workspaceID: workspace, name: "_", category: KnownCategories.taskHistory, data: data, on: conn)
            }
        }

        @discardableResult
        static func add(
            _ pool: PGPool, to history: CollectionRecord, _ workRequest: Int, subject: String = "base-files",
            context: String = "sid/amd64", taskName: String = "sbuild", taskType: String = "Worker", result: String
        ) async throws -> Int {
            try await pool.withTransaction { conn in
                try await CollectionRepository.addItem(
                    to: history,
                    CollectionItemAddition(
                        child: .bare(
                            category: KnownCategories.historicalTaskRun,
                            data: [
                                "task_type": .string(taskType), "task_name": .string(taskName),
                                "subject": .string(subject), "context": .string(context), "timestamp": 1,
                                "work_request_id": .int(workRequest), "result": .string(result),
                                "runtime_statistics": ["duration": 1],
                            ])),
                    on: conn
                ).item.id
            }
        }

        static func active(_ pool: PGPool, _ history: CollectionRecord) async throws -> [Int] {
            try await pool.withConnection { conn in
                try await CollectionRepository.items(collectionID: history.id, on: conn).map(\.id).sorted()
            }
        }

        @Test(
            "older runs are pruned to the most recent five per subject and context, keeping the last success and the last failure (`test_add_bare_data_keeps_last_success`, `…_keeps_last_failure`)",
            arguments: [("success", "failure"), ("failure", "success")])
        func keepsLastOfEachOutcome(first: String, others: String) async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, _) = try await RepositoryTests.setUp(pool)
                let history = try await Self.history(pool, workspace: workspace.id)
                var items: [Int] = []
                for (taskType, taskName, subject, context) in [
                    ("Worker", "sbuild", "base-files", "sid/amd64"), ("Worker", "sbuild", "base-files", "trixie/amd64"),
                    ("Worker", "sbuild", "hello", "sid/amd64"), ("Server", "aptmirror", "base-files", "sid/amd64"),
                ] {
                    for index in 0..<6 {
                        items.append(
                            try await Self.add(
                                pool, to: history, items.count + 1, subject: subject, context: context, taskName: taskName,
                                taskType: taskType, result: index == 0 ? first : others))
                    }
                }
                items.append(try await Self.add(pool, to: history, items.count + 1, result: others))
                #expect(try await Self.active(pool, history) == [items[0]] + items[2...])
            }
        }

        @Test("the number of old runs kept is the collection's old_items_to_keep (`test_add_bare_data_old_items_to_keep`)")
        func oldItemsToKeep() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, _) = try await RepositoryTests.setUp(pool)
                let history = try await Self.history(pool, workspace: workspace.id, data: ["old_items_to_keep": 3])
                var items: [Int] = []
                for id in 1...6 { items.append(try await Self.add(pool, to: history, id, result: "success")) }
                #expect(try await Self.active(pool, history) == Array(items[3...]))
            }
        }

        /// A noop work request of `workspace`, running since now with dynamic data, as a worker's result finds it.
        static func runningNoop(_ pool: PGPool, workspace: Int, user: Int) async throws -> StoredWorkRequest {
            let id = try await RepositoryTests.submit(pool, workspace: workspace, user: user, data: ["result": "success"]).id
            try await pool.query(
                """
                UPDATE work_requests
                   SET status = 'running', pending_stage = NULL, started_at = now(), dynamic_data_epoch = 0,
                       dynamic_task_data = '{"subject": "hello", "runtime_context": "sid:amd64"}'::jsonb
                 WHERE id = $1
                """, id)
            return try await pool.withConnection { conn in try await WorkRequestRepository.require(id: id, on: conn) }
        }

        @Test("a completion records the run in the task history the workspace inherits, found by last-success (`test_record_in_task_history_with_subject_and_context`, `…_no_collection`)")
        func completionRecordsTheRun() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await RepositoryTests.setUp(pool)
                // Without a task history nothing is recorded and the completion goes ahead.
                let unrecorded = try await Self.runningNoop(pool, workspace: workspace.id, user: user.id)
                try await pool.withTransaction { conn in
                    let completed = try unrecorded.workRequest.markedCompleted(
                        result: .success, outputData: OutputData(runtimeStatistics: ["duration": 3]), at: Date())
                    try await WorkRequestOperations.terminate(unrecorded, as: completed, on: conn)
                }
                // The history lives in a workspace this one inherits from.
                let parent = try await pool.withTransaction { conn in
                    let parent = try await WorkspaceRepository.create(WorkspacePath(scope: "debian", name: "base"), on: conn)
                    try await WorkspaceRepository.setInheritance(workspaceID: workspace.id, parents: [parent.id], on: conn)
                    return parent
                }
                let history = try await Self.history(pool, workspace: parent.id)
                let running = try await Self.runningNoop(pool, workspace: workspace.id, user: user.id)
                let aborted = try await Self.runningNoop(pool, workspace: workspace.id, user: user.id)
                try await pool.withTransaction { conn in
                    let completed = try running.workRequest.markedCompleted(
                        result: .failure, outputData: OutputData(runtimeStatistics: ["duration": 3]), at: Date())
                    try await WorkRequestOperations.terminate(running, as: completed, on: conn)
                    let abort = aborted.workRequest.markedAborted(by: user.id, at: Date())
                    try await WorkRequestOperations.terminate(aborted, as: abort, on: conn)
                }
                let items = try await pool.withConnection { conn in
                    try await CollectionRepository.items(collectionID: history.id, on: conn)
                }
                #expect(items.map(\.name) == ["Worker:noop:hello:sid%3Aamd64:\(running.workRequest.id)"], "only the completion")
                let record = try #require(items.first)
                #expect(record.category == KnownCategories.historicalTaskRun && record.childType == .bare)
                let startedAt = try #require(running.workRequest.startedAt)
                #expect(
                    record.data == [
                        "task_type": "Worker", "task_name": "noop", "subject": "hello", "context": "sid:amd64",
                        "timestamp": .int(Int(startedAt.timeIntervalSince1970.rounded(.down))),
                        "work_request_id": .int(running.workRequest.id), "result": "failure",
                        "runtime_statistics": ["duration": 3],
                    ])
                let creator = try await pool.query("SELECT created_by_id FROM collection_items WHERE id = $1", record.id)
                    .rows[0].decode(Int?.self, at: 0)
                #expect(creator == user.id, "added as the work request's creator")

                let found = try await pool.withConnection { conn in
                    try await conn.withSynchronousAccess { session in
                        try LookupResolver(store: PGLookupStore(session)).lookupSingle(
                            "_@debusine:task-history/last-failure:Worker:noop:hello:sid%3Aamd64", expect: .bare,
                            defaultCategory: nil, context: LookupContext(workspaceID: workspace.id, user: user.username))
                    }
                }
                #expect(found.collectionItem?.id == record.id)
            }
        }

        @Test("same_work_request and same_workflow read the work requests from PostgreSQL (`test_lookup_filter_same_workflow_single`)")
        func sameWorkflowFilter() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await RepositoryTests.setUp(pool)
                let history = try await Self.history(pool, workspace: workspace.id)
                var ids: [Int] = []
                for _ in 0..<4 {
                    ids.append(try await RepositoryTests.submit(pool, workspace: workspace.id, user: user.id).id)
                }
                // ids[0] and ids[1] are children of ids[3] (standing for a workflow); ids[2] is in none.
                try await pool.query("UPDATE work_requests SET parent_id = $1 WHERE id = ANY($2)", ids[3], [ids[0], ids[1]])
                for id in ids[..<3] { try await Self.add(pool, to: history, id, context: "sid", result: "success") }
                let upload = try await pool.withTransaction { conn in
                    try await ArtifactRepository.create(
                        workspaceID: workspace.id, category: "debian:upload", data: [:], createdByWorkRequestID: ids[0],
                        on: conn)
                }
                func found(_ filter: String) async throws -> [Int] {
                    try await pool.withConnection { conn in
                        try await conn.withSynchronousAccess { session in
                            try LookupResolver(store: PGLookupStore(session)).resolve(
                                LookupMultiple(parsing: [
                                    .object([
                                        "collection": "_@debusine:task-history", "child_type": "bare",
                                        .init(stringLiteral: "lookup__\(filter)"):
                                            .string("\(upload.id)@artifacts"),
                                    ])
                                ]),
                                expect: .any, defaultCategory: nil,
                                context: LookupContext(workspaceID: workspace.id, user: user.username)
                            ).compactMap { $0.collectionItem?.data["work_request_id"]?.intValue }
                        }
                    }
                }
                let sameWorkRequest = try await found("same_work_request")
                #expect(sameWorkRequest == [ids[0]], "\(ids)")
                #expect(try await found("same_workflow") == [ids[0], ids[1]])
            }
        }

        @Test("a run the history refuses, or whose creator is gone, never holds back the completion")
        func recordingNeverBlocksCompletion() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await RepositoryTests.setUp(pool)
                let history = try await Self.history(pool, workspace: workspace.id)
                // An item of the run's name added by hand: the run is not recorded, the work request completes.
                let clashing = try await Self.runningNoop(pool, workspace: workspace.id, user: user.id)
                try await Self.add(
                    pool, to: history, clashing.workRequest.id, subject: "hello", context: "sid:amd64", taskName: "noop",
                    result: "success")
                // A creator deleted since the work request was made (its column is set to NULL).
                let orphan = try await Self.runningNoop(pool, workspace: workspace.id, user: user.id)
                try await pool.query("UPDATE work_requests SET created_by_id = NULL WHERE id = $1", orphan.workRequest.id)
                let reread = try await pool.withConnection { conn in
                    try await WorkRequestRepository.require(id: orphan.workRequest.id, on: conn)
                }
                for stored in [clashing, reread] {
                    try await pool.withTransaction { conn in
                        let completed = try stored.workRequest.markedCompleted(
                            result: .success, outputData: OutputData(runtimeStatistics: ["duration": 1]), at: Date())
                        try await WorkRequestOperations.terminate(stored, as: completed, on: conn)
                    }
                }
                let statuses = try await pool.query(
                    "SELECT status FROM work_requests WHERE id = ANY($1) ORDER BY id",
                    [clashing.workRequest.id, orphan.workRequest.id]
                ).rows.map { try $0.decode(String.self, at: 0) }
                #expect(statuses == ["completed", "completed"])
                let recorded = try await pool.query(
                    """
                    SELECT data->>'work_request_id', created_by_id FROM collection_items
                     WHERE parent_collection_id = $1 AND removed_at IS NULL ORDER BY id
                    """, history.id
                ).rows.map { (try $0.decode(String.self, at: 0), try $0.decode(Int?.self, at: 1)) }
                #expect(recorded.map(\.0) == [String(clashing.workRequest.id), String(orphan.workRequest.id)])
                #expect(recorded.last?.1 == nil, "recorded without a creator")
            }
        }

        @Test("replacing a run removes the old one, and later pruning leaves removed runs alone (`test_add_bare_data_replace`)")
        func replaceAndPrune() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, _) = try await RepositoryTests.setUp(pool)
                let history = try await Self.history(pool, workspace: workspace.id)
                let data: [String: JSONValue] = [
                    "task_type": "Worker", "task_name": "sbuild", "subject": "base-files", "context": "sid/amd64",
                    "timestamp": 1, "work_request_id": 1, "result": "success", "runtime_statistics": ["duration": 1],
                ]
                func add() async throws -> (item: CollectionItemRecord, replacedItemIDs: [Int], reused: Bool) {
                    try await pool.withTransaction { conn in
                        try await CollectionRepository.addItem(
                            to: history,
                            CollectionItemAddition(
                                child: .bare(category: KnownCategories.historicalTaskRun, data: data), replace: true),
                            on: conn)
                    }
                }
                let old = try await add().item
                let new = try await add()
                #expect(new.replacedItemIDs == [old.id] && new.item.name == "Worker:sbuild:base-files:sid/amd64:1")
                let removedAt = { (id: Int) async throws -> Date? in
                    try await pool.query("SELECT removed_at FROM collection_items WHERE id = $1", id).rows[0]
                        .decode(Date?.self, at: 0)
                }
                let firstRemoval = try #require(try await removedAt(old.id))
                try await pool.query("UPDATE collections SET data = '{\"old_items_to_keep\": 0}' WHERE id = $1", history.id)
                let latest = CollectionRecord(
                    id: history.id, name: history.name, category: history.category, workspaceID: history.workspaceID,
                    data: ["old_items_to_keep": 0])
                _ = try await pool.withTransaction { conn in
                    try await CollectionRepository.addItem(
                        to: latest,
                        CollectionItemAddition(
                            child: .bare(category: KnownCategories.historicalTaskRun, data: data), replace: true),
                        on: conn)
                }
                #expect(try await removedAt(old.id) == firstRemoval, "an already removed run keeps its removal")
            }
        }
    }
}
