import Foundation
import KilnCore
import Store
import Testing

extension CLIIntegration {
    @Suite("Pending stage pipeline")
    struct PendingStageTests {
        static func tags() -> TaskTagSets {
            TaskTagSets(
                provided: ComputedTagSet(
                    tags: ["task:task:worker:noop"],
                    audit: [TagAuditEntry(tag: "task:task:worker:noop", provenance: .system, outcome: .added)]
                ),
                required: ComputedTagSet(
                    tags: ["worker:type:external"],
                    audit: [
                        TagAuditEntry(tag: "worker:type:external", provenance: .system, outcome: .added),
                        TagAuditEntry(
                            tag: "task:scope:debian",
                            provenance: .workspace,
                            outcome: .dropped(.provenanceNotAccepted(set: "task-required", accepted: [.system]))
                        ),
                    ]
                )
            )
        }

        @Test(
            "requested → inputs-resolved → pending, each step a compare-and-set with its event; show reports provenance"
        )
        func fullPipeline() async throws {
            try await CLITestDatabase.withSchema { pool, schema in
                let (workspace, user) = try await RepositoryTests.setUp(pool)
                let submitted = try await RepositoryTests.submit(pool, workspace: workspace.id, user: user.id)
                let resolved = ResolvedPendingInputs(
                    taskType: .worker,
                    taskName: "noop",
                    taskData: [:],
                    lookupContext: LookupContext(workspaceID: workspace.id),
                    pendingFieldValues: [:]
                )
                #expect(
                    try await pool.withTransaction { conn in
                        try await WorkRequestRepository.markInputsResolved(
                            try await WorkRequestRepository.require(id: submitted.id, on: conn).workRequest,
                            resolved: resolved,
                            on: conn
                        )
                    }
                )
                // A duplicate wr.unblocked finds the row past `requested`: nothing happens.
                #expect(
                    try await !pool.withTransaction { conn in
                        try await WorkRequestRepository.markInputsResolved(
                            try await WorkRequestRepository.require(id: submitted.id, on: conn).workRequest,
                            resolved: resolved,
                            on: conn
                        )
                    }
                )
                let stored = try await pool.withConnection { conn in
                    try WorkRequestRepository.resolvedPendingInputs(
                        of: try await WorkRequestRepository.require(id: submitted.id, on: conn).workRequest
                    )
                }
                #expect(stored == resolved)
                let result = PendingTransitionResult(
                    configuredTaskData: ["result": "success"],
                    pendingStageValues: ["task_input_fields": [:]],
                    tags: Self.tags(),
                    appliedConfigurationEntries: [],
                    subjectContext: TaskConfigurationSubjectContext(subject: nil, context: nil),
                    configurationCollectionID: nil
                )
                #expect(
                    try await pool.withTransaction { conn in
                        try await WorkRequestRepository.markPendingConfigured(
                            try await WorkRequestRepository.require(id: submitted.id, on: conn).workRequest,
                            result: result,
                            on: conn
                        )
                    }
                )
                try await pool.withConnection { conn in
                    let row = try await WorkRequestRepository.require(id: submitted.id, on: conn)
                    #expect(
                        row.workRequest.status == .pending && row.workRequest.pendingStage == nil
                            && row.workRequest.pendingAt != nil
                    )
                    #expect(row.workRequest.configuredTaskData == ["result": "success"])
                    #expect(row.workRequest.schedulerTagsRequired == ["worker:type:external"])
                }
                let keys = try await RepositoryTests.outbox(pool).map(\.key)
                #expect(keys == ["wr.unblocked", "wr.inputs-resolved", "wr.pending"])

                let shown = try await KilnBinary.succeed(["show", String(submitted.id)], schema: schema)
                #expect(shown.contains("Status:       pending"))
                #expect(shown.contains("  worker:type:external (system)"))
                #expect(
                    shown.contains(
                        "  task:scope:debian [required] (workspace): the task-required set accepts only system"
                    )
                )
                let json = try #require(
                    try await KilnBinary.json(["show", String(submitted.id), "--json"], schema: schema)
                        as? [String: Any]
                )
                // Debusine's serializer fields hold the tags as strings; Kiln's provenance sits beside them.
                let providedTags = try #require(json["scheduler_tags_provided"] as? [String], "\(json)")
                #expect(!providedTags.isEmpty && providedTags == providedTags.sorted())
                #expect((json["scheduler_tags_required"] as? [String])?.contains("worker:type:external") == true, "\(json)")
                let provided = try #require(json["scheduler_tags_provided_provenance"] as? [[String: Any]])
                #expect(provided.first?["provenance"] as? String == "system")
            }
        }

        @Test(
            "A failed pending transition completes the work request with error and settles its dependants in the same transaction (Debusine `db/models/tests/test_work_requests.py` `test_dependencies_failure`)"
        )
        func failedTransition() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await RepositoryTests.setUp(pool)
                let failing = try await RepositoryTests.submit(pool, workspace: workspace.id, user: user.id)
                let dependant = try await RepositoryTests.submit(
                    pool,
                    workspace: workspace.id,
                    user: user.id,
                    dependsOn: [failing.id]
                )
                let transitive = try await RepositoryTests.submit(
                    pool,
                    workspace: workspace.id,
                    user: user.id,
                    dependsOn: [dependant.id]
                )
                let tolerated = try await RepositoryTests.submit(pool, workspace: workspace.id, user: user.id)
                _ = try await pool.query(
                    "UPDATE work_requests SET workflow_data = workflow_data || '{\"allow_failure\": true}' WHERE id = $1",
                    tolerated.id
                )
                let unblocked = try await RepositoryTests.submit(
                    pool,
                    workspace: workspace.id,
                    user: user.id,
                    dependsOn: [tolerated.id]
                )
                _ = try await pool.query("DELETE FROM outbox")

                let error = WorkRequestPipelineError(code: .configureFailed, cause: .task("no such suite"))
                let cascade = try await pool.withTransaction { conn in
                    try await WorkRequestOperations.completeWithPipelineError(
                        failing.id,
                        error: error.workRequestError,
                        on: conn
                    )
                }
                #expect(cascade.aborted == [dependant.id, transitive.id])
                let toleratedCascade = try await pool.withTransaction { conn in
                    try await WorkRequestOperations.completeWithPipelineError(
                        tolerated.id,
                        error: error.workRequestError,
                        on: conn
                    )
                }
                #expect(toleratedCascade.unblocked == [unblocked.id])
                try await pool.withConnection { conn in
                    let row = try await WorkRequestRepository.require(id: failing.id, on: conn).workRequest
                    #expect(row.status == .completed && row.result == .error)
                    #expect(
                        row.outputData?.errors == [WorkRequestError(message: error.message, code: "configure-failed")]
                    )
                    for id in [dependant.id, transitive.id] {
                        #expect(
                            try await WorkRequestRepository.require(id: id, on: conn).workRequest.status == .aborted
                        )
                    }
                    let released = try await WorkRequestRepository.require(id: unblocked.id, on: conn)
                    #expect(released.workRequest.status == .pending && released.workRequest.pendingStage == .requested)
                }
                let events = try await RepositoryTests.outbox(pool).map {
                    "\($0.key) \($0.body.value(atPath: "work_request_id") ?? .null)"
                }
                #expect(
                    events == [
                        "wr.completed \(failing.id)", "wr.aborted \(dependant.id)", "wr.aborted \(transitive.id)",
                        "wr.completed \(tolerated.id)", "wr.unblocked \(unblocked.id)",
                    ]
                )
            }
        }

        @Test(
            "A poison work request ends in error: through the core with its cascade, or by its status alone when its row cannot be read"
        )
        func unprocessableWorkRequestsEnd() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await RepositoryTests.setUp(pool)
                let readable = try await RepositoryTests.submit(pool, workspace: workspace.id, user: user.id)
                let dependant = try await RepositoryTests.submit(
                    pool,
                    workspace: workspace.id,
                    user: user.id,
                    dependsOn: [readable.id]
                )
                let unreadable = try await RepositoryTests.submit(pool, workspace: workspace.id, user: user.id)
                _ = try await pool.query(
                    "UPDATE work_requests SET workflow_data = '[]'::jsonb WHERE id = $1",
                    unreadable.id
                )
                _ = try await pool.query("DELETE FROM outbox")
                let failure = WorkRequestError(
                    message: "the test-service could not apply wr.unblocked",
                    code: "event-handling-failed"
                )

                #expect(
                    try await WorkRequestOperations.endUnprocessable(readable.id, error: failure, pool: pool)
                        == .completed
                )
                #expect(
                    try await WorkRequestOperations.endUnprocessable(unreadable.id, error: failure, pool: pool)
                        == .completedUnreadable
                )
                #expect(
                    try await WorkRequestOperations.endUnprocessable(readable.id, error: failure, pool: pool)
                        == .alreadyTerminated
                )
                #expect(
                    try await WorkRequestOperations.endUnprocessable(unreadable.id, error: failure, pool: pool)
                        == .alreadyTerminated
                )
                #expect(
                    try await WorkRequestOperations.endUnprocessable(987_654_321, error: failure, pool: pool)
                        == .notFound
                )

                try await pool.withConnection { conn in
                    let row = try await WorkRequestRepository.require(id: readable.id, on: conn).workRequest
                    #expect(row.status == .completed && row.result == .error && row.outputData?.errors == [failure])
                    #expect(
                        try await WorkRequestRepository.require(id: dependant.id, on: conn).workRequest.status
                            == .aborted
                    )
                }
                let bare = try #require(
                    try await pool.query(
                        "SELECT status, result, output_data -> 'errors' -> 0 ->> 'code', pending_stage FROM work_requests WHERE id = $1",
                        unreadable.id
                    ).first
                )
                #expect(try bare.decode(String.self, at: 0) == "completed")
                #expect(try bare.decode(String.self, at: 1) == "error")
                #expect(try bare.decode(String.self, at: 2) == "event-handling-failed")
                #expect(try bare.decode(String?.self, at: 3) == nil)
                let events = try await RepositoryTests.outbox(pool).map {
                    "\($0.key) \($0.body.value(atPath: "work_request_id") ?? .null)"
                }
                #expect(
                    events == [
                        "wr.completed \(readable.id)", "wr.aborted \(dependant.id)", "wr.completed \(unreadable.id)",
                    ]
                )
            }
        }
    }
}
