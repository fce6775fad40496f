import Foundation
import KilnCore
import KilnTasks
import Store
import Testing

extension CLIIntegration {
    @Suite("Repositories")
    struct RepositoryTests {
        /// A workspace, a user, and a validated noop submission in it.
        static func setUp(_ pool: PGPool) async throws -> (workspace: WorkspaceRecord, user: UserRecord) {
            try await pool.withTransaction { conn in
                let workspace = try await WorkspaceRepository.create(
                    WorkspacePath(scope: "debian", name: "tests"),
                    on: conn
                )
                return (workspace, try await WorkspaceRepository.findOrCreateUser("alice", on: conn))
            }
        }

        static func submit(
            _ pool: PGPool,
            workspace: Int,
            user: Int,
            data: JSONValue = [:],
            dependsOn: [Int] = []
        ) async throws -> SubmitOutcome {
            let submission = WorkRequestSubmission(
                workspaceID: workspace,
                createdBy: user,
                taskName: "noop",
                taskData: data,
                dependencyIDs: dependsOn
            )
            let validated = try submission.validated(by: try KilnTasks.registry())
            return try await pool.withTransaction { conn in try await WorkRequestOperations.submit(validated, on: conn)
            }
        }

        static func outbox(_ pool: PGPool) async throws -> [(key: String, body: JSONValue)] {
            try await pool.query("SELECT routing_key, body, exchange FROM outbox ORDER BY id").rows.map { row in
                #expect(try row.decode(String.self, at: 2) == "kiln.events")
                return (try row.decode(String.self, at: 0), try row.decode(JSONValue.self, at: 1))
            }
        }

        @Test("A compare-and-set refuses a stale update and writes nothing")
        func compareAndSetRefusesStaleUpdate() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await Self.setUp(pool)
                let submitted = try await Self.submit(pool, workspace: workspace.id, user: user.id)
                try await pool.withConnection { conn in
                    let read = try await WorkRequestRepository.require(id: submitted.id, on: conn).workRequest
                    #expect(read.status == .pending && read.pendingStage == .requested)
                    // Another writer moves the row on to inputs-resolved first: an edit planned from `requested`
                    // has the right status but a stale stage, and is refused.
                    let resolved = try read.markedInputsResolved(["resolved": true])
                    #expect(try await WorkRequestRepository.compareAndSet(WorkRequestEdit(before: read, after: resolved), on: conn))
                    let aborted = read.markedAborted(by: user.id, at: Date())
                    #expect(try await !WorkRequestRepository.compareAndSet(WorkRequestEdit(before: read, after: aborted), on: conn))
                    let current = try await WorkRequestRepository.require(id: submitted.id, on: conn).workRequest
                    #expect(current.pendingStage == .inputsResolved && current.pendingStageData == ["resolved": true])
                    // From the current state it goes through, and the same edit again is refused.
                    let abortedNow = current.markedAborted(by: user.id, at: Date())
                    let edit = WorkRequestEdit(before: current, after: abortedNow)
                    #expect(try await WorkRequestRepository.compareAndSet(edit, on: conn))
                    #expect(try await !WorkRequestRepository.compareAndSet(edit, on: conn))
                    let final = try await WorkRequestRepository.require(id: submitted.id, on: conn)
                    #expect(final.workRequest.status == .aborted && final.workRequest.abortedBy == user.id)
                    #expect(final.workRequest.pendingStage == nil)
                }
            }
        }

        @Test("A worker's compare-and-set checks worker and epoch: a stale assignment cannot complete")
        func compareAndSetChecksEpoch() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await Self.setUp(pool)
                let submitted = try await Self.submit(pool, workspace: workspace.id, user: user.id)
                let worker = try await pool.withTransaction { conn in
                    try await WorkerRepository.create(fqdn: "w1.example.org", on: conn).worker
                }
                // What the services would have done: configured, pending, assigned with epoch 1.
                try await pool.query(
                    """
                    UPDATE work_requests SET status = 'pending', pending_stage = NULL, configured_task_data = task_data,
                           worker_id = $2, assignment_epoch = 1 WHERE id = $1
                    """,
                    submitted.id,
                    worker.id
                )
                try await pool.withConnection { conn in
                    let read = try await WorkRequestRepository.require(id: submitted.id, on: conn).workRequest
                    var staleBefore = read
                    staleBefore.assignmentEpoch = 0
                    let completed = try read.markedCompleted(result: .success, at: Date())
                    #expect(
                        try await !WorkRequestRepository.compareAndSet(
                            WorkRequestEdit(before: staleBefore, after: completed),
                            on: conn
                        )
                    )
                    // The dynamic data's epoch is compared too: a writer that read the row before the
                    // lookup-resolver recorded this assignment's data is refused.
                    let ready = try read.recordingDynamicData(["task_input_fields": [:]], forEpoch: 1)
                    #expect(try await WorkRequestRepository.compareAndSet(WorkRequestEdit(before: read, after: ready), on: conn))
                    #expect(
                        try await !WorkRequestRepository.compareAndSet(
                            WorkRequestEdit(before: read, after: completed), on: conn))
                    let completedReady = try ready.markedCompleted(result: .success, at: Date())
                    #expect(
                        try await WorkRequestRepository.compareAndSet(
                            WorkRequestEdit(before: ready, after: completedReady),
                            on: conn
                        )
                    )
                }
            }
        }

        @Test("Submit writes an outbox event (wr.unblocked) in the same transaction; a refused submit writes none")
        func submitEnqueuesEvent() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await Self.setUp(pool)
                let first = try await Self.submit(pool, workspace: workspace.id, user: user.id)
                #expect(first.unblocked)
                let waiting = try await Self.submit(pool, workspace: workspace.id, user: user.id, dependsOn: [first.id])
                #expect(!waiting.unblocked && waiting.aborted.isEmpty)
                await #expect(throws: RepositoryError.self) {
                    _ = try await Self.submit(pool, workspace: workspace.id, user: user.id, dependsOn: [9999])
                }
                let events = try await Self.outbox(pool)
                #expect(events.map(\.key) == ["wr.unblocked"])
                #expect(events.first?.body == ["schema_version": 1, "work_request_id": .int(first.id)])
                let count = try await pool.query("SELECT count(*) FROM work_requests").rows[0].decode(Int.self, at: 0)
                #expect(count == 2)
            }
        }

        @Test("Abort cascades to dependants, tells the assigned worker to stop and writes one wr.aborted each")
        func abortCascades() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await Self.setUp(pool)
                let first = try await Self.submit(pool, workspace: workspace.id, user: user.id)
                let second = try await Self.submit(pool, workspace: workspace.id, user: user.id, dependsOn: [first.id])
                let worker = try await pool.withTransaction { conn in
                    try await WorkerRepository.create(fqdn: "w1.example.org", on: conn).worker
                }
                try await pool.query(
                    """
                    UPDATE work_requests SET status = 'running', pending_stage = NULL, configured_task_data = task_data,
                           worker_id = $2, assignment_epoch = 4, started_at = now() WHERE id = $1
                    """,
                    first.id,
                    worker.id
                )
                try await pool.query(
                    "INSERT INTO leases (work_request_id, worker_id, epoch, expires_at) VALUES ($1, $2, 4, now() + interval '1 minute')",
                    first.id,
                    worker.id
                )
                let outcome = try await pool.withTransaction { conn in
                    try await WorkRequestOperations.abort(first.id, by: user.id, on: conn)
                }
                #expect(outcome.aborted == [first.id, second.id])
                #expect(outcome.workersToStop == [first.id: worker.id])
                let events = try await Self.outbox(pool).filter { $0.key == "wr.aborted" }
                #expect(
                    events.map(\.body) == [
                        [
                            "schema_version": 1, "work_request_id": .int(first.id), "worker_id": .int(worker.id),
                            "epoch": 4,
                        ],
                        ["schema_version": 1, "work_request_id": .int(second.id)],
                    ]
                )
                let leases = try await pool.query("SELECT count(*) FROM leases").rows[0].decode(Int.self, at: 0)
                #expect(leases == 0)
                // Aborting again is refused by the state machine.
                await #expect(throws: WorkRequestGraphError.self) {
                    try await pool.withTransaction { conn in
                        _ = try await WorkRequestOperations.abort(first.id, by: user.id, on: conn)
                    }
                }
            }
        }

        @Test("A submission depending on an already-failed work request is aborted at once")
        func submitAfterFailedDependency() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await Self.setUp(pool)
                let first = try await Self.submit(pool, workspace: workspace.id, user: user.id)
                _ = try await pool.withTransaction { conn in
                    try await WorkRequestOperations.abort(first.id, by: user.id, on: conn)
                }
                let late = try await Self.submit(pool, workspace: workspace.id, user: user.id, dependsOn: [first.id])
                #expect(late.aborted == [late.id] && !late.unblocked)
            }
        }

        @Test("Manual retry supersedes, re-points dependants, resets retry_count and is refused a second time")
        func manualRetry() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await Self.setUp(pool)
                let first = try await Self.submit(pool, workspace: workspace.id, user: user.id, data: ["result": "failure"])
                let dependant = try await Self.submit(
                    pool,
                    workspace: workspace.id,
                    user: user.id,
                    dependsOn: [first.id]
                )
                try await pool.query(
                    """
                    UPDATE work_requests SET status = 'completed', result = 'failure', pending_stage = NULL,
                           completed_at = now(), workflow_data = '{"retry_count": 2}' WHERE id = $1
                    """,
                    first.id
                )
                let plan = try await pool.withTransaction { conn in
                    try await WorkRequestOperations.retry(first.id, registry: Self.registry, settings: Self.settings, on: conn)
                }
                // Debusine `test_retry_supersede_manual_resets_retry_count`: only what was set is stored.
                let storedFlow = try await pool.query("SELECT workflow_data FROM work_requests WHERE id = $1", plan.newWorkRequest.id)
                    .rows[0].decode(JSONValue.self, at: 0)
                #expect(storedFlow == ["retry_count": 0])
                try await pool.withConnection { conn in
                    let replacement = try await WorkRequestRepository.require(id: plan.newWorkRequest.id, on: conn)
                    #expect(replacement.workRequest.supersedesID == first.id)
                    #expect(replacement.workRequest.taskData == ["result": "failure"])
                    #expect(replacement.workRequest.workflowData.retryCount == 0)
                    #expect(replacement.workRequest.pendingStage == .requested)
                    #expect(
                        try await WorkRequestRepository.dependencies(of: dependant.id, on: conn) == [
                            plan.newWorkRequest.id
                        ]
                    )
                    #expect(try await WorkRequestRepository.supersededBy(first.id, on: conn) == plan.newWorkRequest.id)
                }
                #expect(
                    try await Self.outbox(pool).last?.body.objectValue?["work_request_id"]
                        == .int(plan.newWorkRequest.id)
                )
                await #expect(throws: RetryRefusal.superseded(workRequestID: first.id)) {
                    try await pool.withTransaction { conn in
                        _ = try await WorkRequestOperations.retry(
                            first.id, registry: Self.registry, settings: Self.settings, on: conn)
                    }
                }
            }
        }

        static let registry = try! KilnTasks.registry()
        static let settings = try! InputResolutionSettings()

        // Debusine `db/models/tests/test_work_requests.py` `test_verify_retry_if_lookups_fail`,
        // `test_verify_retry_invalid_task_data`.
        @Test("A Worker task whose inputs no longer resolve, or whose data no longer builds, is not retried")
        func retryNeedsSatisfiableInputs() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await Self.setUp(pool)
                for data in [#"{"input": {"source_artifact": 999}}"#, #"{"input": {}}"#] {
                    let failed = try await Self.submit(pool, workspace: workspace.id, user: user.id)
                    try await pool.query(
                        """
                        UPDATE work_requests SET task_name = 'lintian', task_data = $2::jsonb, status = 'completed',
                               result = 'failure', pending_stage = NULL, completed_at = now() WHERE id = $1
                        """,
                        failed.id, data)
                    await #expect(throws: RetryRefusal.dependenciesUnsatisfiable(workRequestID: failed.id), "\(data)") {
                        try await pool.withTransaction { conn in
                            _ = try await WorkRequestOperations.retry(
                                failed.id, registry: Self.registry, settings: Self.settings, on: conn)
                        }
                    }
                }
                // The same task whose source package still exists is retried.
                let source = try await pool.withTransaction { conn in
                    try await ArtifactRepository.create(
                        workspaceID: workspace.id, category: KnownCategories.sourcePackage,
                        data: ["name": "hello", "version": "1.0", "type": "dpkg", "dsc_fields": [:]], on: conn)
                }
                let failed = try await Self.submit(pool, workspace: workspace.id, user: user.id)
                try await pool.query(
                    """
                    UPDATE work_requests SET task_name = 'lintian', task_data = $2::jsonb, status = 'completed',
                           result = 'failure', pending_stage = NULL, completed_at = now() WHERE id = $1
                    """,
                    failed.id, #"{"input": {"source_artifact": \#(source.id)}}"#)
                let plan = try await pool.withTransaction { conn in
                    try await WorkRequestOperations.retry(failed.id, registry: Self.registry, settings: Self.settings, on: conn)
                }
                #expect(plan.newWorkRequest.taskName == "lintian")
            }
        }

        @Test("List filters by status, task, workspace and worker, newest first, with a limit")
        func listFilters() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await Self.setUp(pool)
                let first = try await Self.submit(pool, workspace: workspace.id, user: user.id)
                let second = try await Self.submit(pool, workspace: workspace.id, user: user.id, dependsOn: [first.id])
                try await pool.withConnection { conn in
                    let all = try await WorkRequestRepository.list(WorkRequestFilter(), on: conn)
                    #expect(all.map(\.id) == [second.id, first.id])
                    #expect(all.first?.workspace == "debian/tests" && all.first?.createdBy == "alice")
                    let blocked = try await WorkRequestRepository.list(
                        WorkRequestFilter(statuses: [.blocked]),
                        on: conn
                    )
                    // The first is being unblocked, which is PENDING in Debusine's terms; the second waits on it.
                    #expect(blocked.map(\.id) == [second.id])
                    #expect(
                        try await WorkRequestRepository.list(WorkRequestFilter(statuses: [.pending]), on: conn)
                            .map(\.id) == [first.id])
                    #expect(
                        try await WorkRequestRepository.list(WorkRequestFilter(statuses: [.running]), on: conn).isEmpty
                    )
                    #expect(
                        try await WorkRequestRepository.list(WorkRequestFilter(taskName: "NOOP", limit: 1), on: conn)
                            .map(\.id) == [second.id]
                    )
                    #expect(
                        try await WorkRequestRepository.list(WorkRequestFilter(taskName: "sbuild"), on: conn).isEmpty
                    )
                    #expect(
                        try await WorkRequestRepository.list(WorkRequestFilter(workspaceID: workspace.id + 1), on: conn)
                            .isEmpty
                    )
                    #expect(try await WorkRequestRepository.list(WorkRequestFilter(workerID: 1), on: conn).isEmpty)
                    #expect(all.last?.displayStatus == "pending-requested")
                }
            }
        }

        @Test("One active item per name: a clash is refused unless replacing, and a replaced item stays as history (Debusine `server/collections/tests/test_workflow_internal.py`)")
        func oneActiveItemPerName() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, _) = try await Self.setUp(pool)
                try await pool.withTransaction { conn in
                    let workflowCollection = try await CollectionRepository.create(
                        workspaceID: workspace.id,
                        name: "wf",
                        category: "debusine:workflow-internal",
                        on: conn
                    )
                    let artifact = try await ArtifactRepository.create(
                        workspaceID: workspace.id,
                        category: "debian:source-package",
                        data: ["name": "hello"],
                        on: conn
                    )
                    let first = try await CollectionRepository.addItem(
                        to: workflowCollection,
                        CollectionItemAddition(child: .artifact(artifact, variables: nil), name: "hello"),
                        on: conn
                    )
                    #expect(first.replacedItemIDs.isEmpty && first.item.category == "debian:source-package")
                    let bare = CollectionItemChild.bare(category: "debusine:test", data: ["a": 1])
                    await #expect(throws: ItemAdditionError.duplicateName("hello", collectionID: workflowCollection.id)) {
                        try await CollectionRepository.addItem(
                            to: workflowCollection, CollectionItemAddition(child: bare, name: "hello"), on: conn)
                    }
                    let second = try await CollectionRepository.addItem(
                        to: workflowCollection,
                        CollectionItemAddition(child: .artifact(artifact, variables: ["x": 1]), name: "hello", replace: true),
                        on: conn
                    )
                    #expect(second.replacedItemIDs == [first.item.id] && second.item.data == ["x": 1])
                    let active = try await CollectionRepository.items(collectionID: workflowCollection.id, on: conn)
                    #expect(active.map(\.id) == [second.item.id])
                    let history = try await CollectionRepository.items(
                        collectionID: workflowCollection.id,
                        includeRemoved: true,
                        on: conn
                    )
                    #expect(history.map(\.id) == [first.item.id, second.item.id] && history[0].removedAt != nil)
                    #expect(
                        try await CollectionRepository.removeItem(from: workflowCollection, name: "hello", on: conn)
                            == [second.item.id]
                    )
                    #expect(try await CollectionRepository.items(collectionID: workflowCollection.id, on: conn).isEmpty)
                    await #expect(throws: RepositoryError.self) {
                        try await CollectionRepository.removeItem(from: workflowCollection, name: "hello", on: conn)
                    }
                    _ = try await CollectionRepository.create(
                        workspaceID: workspace.id, name: "sid", category: "debian:suite", on: conn)
                    await #expect(throws: RepositoryError.alreadyExists(kind: "collection", key: "sid@debian:suite")) {
                        _ = try await CollectionRepository.create(
                            workspaceID: workspace.id,
                            name: "sid",
                            category: "debian:suite",
                            on: conn
                        )
                    }
                }
                // The partial unique index enforces the rule even against a writer that skips the repository.
                let suiteID = try await pool.query("SELECT id FROM collections").rows[0].decode(Int.self, at: 0)
                try await pool.query(
                    "INSERT INTO collection_items (parent_collection_id, name, child_type, category) VALUES ($1, 'x', 'bare', 'c')",
                    suiteID
                )
                await #expect {
                    try await pool.query(
                        "INSERT INTO collection_items (parent_collection_id, name, child_type, category) VALUES ($1, 'x', 'bare', 'c')",
                        suiteID
                    )
                } throws: { error in
                    (error as? PGError)?.serverError?.constraint == "db_collectionitem_unique_active_name"
                }
            }
        }

        @Test("Tokens: only SHA-256 digests are stored; lookups by secret and digest find the worker")
        func tokenDigestsOnly() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let created = try await pool.withTransaction { conn in
                    try await WorkerRepository.create(fqdn: "Builder-1.Example.org", workerType: .signing, on: conn)
                }
                #expect(created.worker.name == "builder-1-example-org" && !created.worker.enabled)
                let secret = created.activationToken
                let rows = try await pool.query("SELECT digest, comment, kind, expires_at FROM tokens").rows
                #expect(rows.count == 1)
                #expect(try rows[0].decode(String.self, at: 0) == TokenRepository.digest(of: secret))
                #expect(try !rows[0].decode(String.self, at: 1).contains(secret))
                #expect(try rows[0].decode(String.self, at: 2) == "activation")
                #expect(try rows[0].decode(Date?.self, at: 3) != nil)
                let anywhere = try await pool.query(
                    "SELECT count(*) FROM tokens t WHERE position($1 in t::text) > 0",
                    secret
                ).rows[0].decode(Int.self, at: 0)
                #expect(anywhere == 0)
                try await pool.withConnection { conn in
                    #expect(try await TokenRepository.find(secret: secret, on: conn)?.workerID == created.worker.id)
                    #expect(try await TokenRepository.find(secret: secret + "x", on: conn) == nil)
                    #expect(
                        try await WorkerRepository.find(tokenDigest: TokenRepository.digest(of: secret), on: conn)?.id
                            == created.worker.id
                    )
                    // A second worker for the same FQDN gets the next free name.
                    let again = try await pool.withTransaction { conn in
                        try await WorkerRepository.create(fqdn: "builder-1.example.org", on: conn)
                    }
                    #expect(again.worker.name == "builder-1-example-org-2")
                }
            }
        }

        @Test("Enable needs an explicit signing type for signing workers; disable de-assigns work and announces it")
        func enableDisable() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await Self.setUp(pool)
                let signer = try await pool.withTransaction { conn in
                    try await WorkerRepository.create(fqdn: "signer.example.org", workerType: .signing, on: conn)
                }.worker
                await #expect(throws: RepositoryError.self) {
                    try await pool.withTransaction { conn in
                        _ = try await WorkerRepository.enable(nameOrToken: signer.name, on: conn)
                    }
                }
                #expect(
                    try await pool.withTransaction { conn in
                        try await WorkerRepository.enable(nameOrToken: signer.name, confirmedType: .signing, on: conn)
                    } == (signer.name, true)
                )
                let worker = try await pool.withTransaction { conn in
                    let created = try await WorkerRepository.create(fqdn: "w.example.org", on: conn).worker
                    try await TokenRepository.create(
                        secret: TokenRepository.generateSecret(),
                        kind: .worker,
                        enabled: false,
                        workerID: created.id,
                        on: conn
                    )
                    _ = try await WorkerRepository.enable(nameOrToken: created.name, on: conn)
                    return created
                }
                let submitted = try await Self.submit(pool, workspace: workspace.id, user: user.id)
                try await pool.query(
                    """
                    UPDATE work_requests SET status = 'running', pending_stage = NULL, configured_task_data = task_data,
                           worker_id = $2, assignment_epoch = 1, started_at = now() WHERE id = $1
                    """,
                    submitted.id,
                    worker.id
                )
                let deAssigned = try await pool.withTransaction { conn in
                    try await WorkerRepository.disable(nameOrToken: worker.name, on: conn)
                }
                #expect(deAssigned.name == worker.name && deAssigned.deAssigned == [submitted.id])
                let again = try await pool.withTransaction { conn in
                    try await WorkerRepository.disable(nameOrToken: worker.name, on: conn)
                }
                #expect(again.deAssigned == nil)
                try await pool.withConnection { conn in
                    let request = try await WorkRequestRepository.require(id: submitted.id, on: conn).workRequest
                    #expect(request.status == .pending && request.workerID == nil && request.startedAt == nil)
                    #expect(
                        try await TokenRepository.tokens(ofWorker: worker.id, on: conn).filter { $0.kind == .worker }
                            .allSatisfy { !$0.enabled }
                    )
                }
                let keys = try await Self.outbox(pool).map(\.key)
                #expect(keys == ["worker.metadata", "worker.metadata", "wr.unblocked", "wr.pending", "worker.gone", "worker.disabled"])
            }
        }

        // Debusine `server/management/commands/worker.py` `Command.get_worker`; tests `test_enable_not_found`,
        // `test_enable_wrong_type` (`server/management/commands/tests/test_worker.py`).
        @Test("Enable and disable find a worker by name or by its worker token; unknown and mistyped ones are refused")
        func workerByNameOrToken() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let secret = TokenRepository.generateSecret()
                let activation = try await pool.withTransaction { conn in
                    let created = try await WorkerRepository.create(fqdn: "w.example.org", on: conn)
                    try await TokenRepository.create(
                        secret: secret, kind: .worker, enabled: false, workerID: created.worker.id, on: conn)
                    return created.activationToken
                }
                let enabled = try await pool.withTransaction { conn in
                    try await WorkerRepository.enable(nameOrToken: secret, on: conn)
                }
                #expect(enabled == ("w-example-org", true))
                // An activation token is not the worker's token.
                await #expect(throws: RepositoryError.workerNotFound(name: activation, byToken: true)) {
                    try await pool.withTransaction { conn in
                        try await WorkerRepository.disable(nameOrToken: activation, on: conn)
                    }
                }
                await #expect(throws: RepositoryError.workerNotFound(name: "ghost", byToken: true)) {
                    try await pool.withTransaction { conn in try await WorkerRepository.enable(nameOrToken: "ghost", on: conn) }
                }
                let mismatch = RepositoryError.workerTypeMismatch(
                    name: "w-example-org", actual: "external", requested: "signing")
                await #expect(throws: mismatch) {
                    try await pool.withTransaction { conn in
                        try await WorkerRepository.disable(nameOrToken: secret, confirmedType: .signing, on: conn)
                    }
                }
                #expect(mismatch.description == #"Worker "w-example-org" is of type "external", not "signing""#)
                let disabled = try await pool.withTransaction { conn in
                    try await WorkerRepository.disable(nameOrToken: secret, on: conn)
                }
                #expect(disabled.name == "w-example-org" && disabled.deAssigned == [])
            }
        }

        @Test("Workspaces keep their inheritance order and members; groups and tag audit round-trip")
        func workspacesGroupsAudit() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                try await pool.withTransaction { conn in
                    let base = try await WorkspaceRepository.create(
                        WorkspacePath(scope: "debian", name: "base"),
                        on: conn
                    )
                    let extra = try await WorkspaceRepository.create(
                        WorkspacePath(scope: "debian", name: "extra"),
                        on: conn
                    )
                    let dev = try await WorkspaceRepository.create(
                        WorkspacePath(scope: "debian", name: "dev"),
                        isPublic: false,
                        inheritsFrom: [
                            WorkspacePath(scope: "debian", name: "extra"), WorkspacePath(scope: "debian", name: "base"),
                        ],
                        members: [("bob", .owner), ("carol", .viewer)],
                        on: conn
                    )
                    #expect(dev.inheritsFrom == [extra.id, base.id] && !dev.isPublic)
                    #expect(dev.members == ["bob", "carol"])
                    await #expect(throws: RepositoryError.alreadyExists(kind: "workspace", key: "debian/dev")) {
                        _ = try await WorkspaceRepository.create(WorkspacePath(scope: "debian", name: "dev"), on: conn)
                    }
                    let group = try await WorkspaceRepository.createGroup(scope: "debian", name: "uploaders", on: conn)
                    try await WorkspaceRepository.addGroupMember(groupID: group.id, username: "bob", on: conn)
                    try await WorkspaceRepository.addGroupMember(groupID: group.id, username: "bob", on: conn)
                    #expect(try await WorkspaceRepository.groups(ofUser: "bob", on: conn) == [group])
                    #expect(
                        try await WorkspaceRepository.findGroup(scope: "debian", name: "uploaders", on: conn) == group
                    )

                    let entries = [
                        TagAuditEntry(tag: "worker:build-arch:amd64", provenance: .system, outcome: .added),
                        TagAuditEntry(
                            tag: "worker:cpu-fast",
                            provenance: .workspace,
                            outcome: .added,
                            derivedBy: "cores>8"
                        ),
                    ]
                    try await TagAuditRepository.record(
                        entries,
                        subject: .workRequest(7),
                        setKind: .required,
                        rule: "entry x",
                        on: conn
                    )
                    let events = try await TagAuditRepository.events(for: .workRequest(7), on: conn)
                    #expect(events.map(\.action) == [.added, .derived])
                    #expect(events.map(\.rule) == ["entry x", "cores>8"])
                    #expect(events.map(\.provenance) == ["system", "workspace"])
                    #expect(try await TagAuditRepository.events(for: .worker(7), on: conn).isEmpty)
                }
            }
        }
    }
}
