import Foundation
import KilnCore

/// Work requests in PostgreSQL: insertion of validated submissions, loading into the core's `WorkRequest`
/// value, listings, dependencies, and compare-and-set writes of the edits the core's state machine plans.
///
/// Every state change here is a compare-and-set (`UPDATE … WHERE status = <expected> AND worker_id IS NOT
/// DISTINCT FROM <expected> AND assignment_epoch = <expected> AND pending_stage IS NOT DISTINCT FROM
/// <expected> AND dynamic_data_epoch IS NOT DISTINCT FROM <expected>`) and every event it causes — derived
/// from the before/after states by the core (`WorkRequest.events(since:workerToStop:)`) — is enqueued in
/// the same transaction through `EventOutbox`.
public enum WorkRequestRepository {
    static let selectColumns = """
        SELECT w.id, w.workspace_id, w.created_at, w.created_by_id, w.pending_at, w.started_at, w.completed_at,
               w.aborted_by_id, w.task_type, w.task_name, w.task_data, w.configured_task_data, w.dynamic_task_data,
               w.status, w.result, w.worker_id, w.priority_base, w.priority_adjustment, w.output_data,
               w.unblock_strategy, w.parent_id, w.workflow_root_id,
               ARRAY(SELECT d.depends_on_id FROM work_request_dependencies d
                     WHERE d.work_request_id = w.id ORDER BY d.depends_on_id) AS dependencies,
               w.workflow_data, w.supersedes_id, w.scheduler_tags_provided, w.scheduler_tags_required,
               w.assignment_epoch, w.pending_stage, w.pending_stage_data, w.dynamic_data_epoch, w.version,
               w.updated_at, w.event_reactions
        FROM work_requests w
        """

    // MARK: reading

    /// The work request `id`, if it exists.
    public static func load(id: Int, on conn: PGConnection) async throws -> StoredWorkRequest? {
        try await conn.query(selectColumns + " WHERE w.id = $1", id).first.map(stored(from:))
    }

    /// The work request `id`, or `RepositoryError.notFound` naming it.
    public static func require(id: Int, on conn: PGConnection) async throws -> StoredWorkRequest {
        guard let stored = try await load(id: id, on: conn) else {
            throw RepositoryError.notFound(kind: "work request", key: String(id))
        }
        return stored
    }

    /// The work requests with these ids (missing ids are skipped), in id order.
    public static func load(ids: [Int], on conn: PGConnection) async throws -> [StoredWorkRequest] {
        guard !ids.isEmpty else { return [] }
        return try await conn.query(selectColumns + " WHERE w.id = ANY($1) ORDER BY w.id", ids).rows.map(stored(from:))
    }

    /// The PENDING or RUNNING work requests assigned to a worker, in id order.
    public static func assigned(toWorker workerID: Int, on conn: PGConnection) async throws -> [StoredWorkRequest] {
        try await conn.query(
            selectColumns + " WHERE w.worker_id = $1 AND w.status IN ('pending', 'running') ORDER BY w.id",
            workerID
        ).rows.map(stored(from:))
    }

    /// Work requests matching `filter`, newest first.
    public static func list(_ filter: WorkRequestFilter, on conn: PGConnection) async throws -> [WorkRequestSummary] {
        guard filter.limit >= 1 else { throw RepositoryError.invalid("limit \(filter.limit) must be at least 1") }
        return try await conn.query(
            """
            SELECT w.id, s.name || '/' || ws.name, w.task_type, w.task_name, w.status, w.pending_stage, w.result,
                   k.name, w.priority_base + w.priority_adjustment, w.created_at, u.username, s.name, ws.name,
                   w.worker_id, w.created_by_id
            FROM work_requests w
                 JOIN workspaces ws ON ws.id = w.workspace_id JOIN scopes s ON s.id = ws.scope_id
                 LEFT JOIN workers k ON k.id = w.worker_id LEFT JOIN users u ON u.id = w.created_by_id
            WHERE (cardinality($1::text[]) = 0
                   OR (CASE WHEN w.pending_stage IS NULL THEN w.status ELSE 'pending' END) = ANY($1::text[]))
              AND ($2::text IS NULL OR lower(w.task_name) = lower($2::text))
              AND ($3::bigint IS NULL OR w.workspace_id = $3::bigint)
              AND ($4::bigint IS NULL OR w.worker_id = $4::bigint)
            ORDER BY w.id DESC LIMIT $5
            """,
            filter.statuses.map(\.rawValue),
            filter.taskName,
            filter.workspaceID,
            filter.workerID,
            filter.limit
        ).rows.map { row in
            WorkRequestSummary(
                id: try row.decode(Int.self, at: 0),
                workspace: try row.decode(String.self, at: 1),
                taskType: try decodeEnum(TaskType.self, row, at: 2),
                taskName: try row.decode(String.self, at: 3),
                status: try decodeEnum(WorkRequestStatus.self, row, at: 4),
                pendingStage: try row.decode(String?.self, at: 5).map { try parseStage($0) },
                result: try decodeEnum(WorkRequestResult.self, row, at: 6),
                worker: try row.decode(String?.self, at: 7),
                priority: try row.decode(Int.self, at: 8),
                createdAt: try row.decode(Date.self, at: 9),
                createdBy: try row.decode(String?.self, at: 10),
                scope: try row.decode(String.self, at: 11),
                workspaceName: try row.decode(String.self, at: 12),
                workerID: try row.decode(Int?.self, at: 13),
                createdByID: try row.decode(Int?.self, at: 14)
            )
        }
    }

    /// The ids `id` depends on.
    public static func dependencies(of id: Int, on conn: PGConnection) async throws -> [Int] {
        try await conn.query(
            "SELECT depends_on_id FROM work_request_dependencies WHERE work_request_id = $1 ORDER BY 1",
            id
        ).rows.map { try $0.decode(Int.self, at: 0) }
    }

    /// The ids that depend on `id` (its reverse dependencies).
    public static func reverseDependencies(of id: Int, on conn: PGConnection) async throws -> [Int] {
        try await conn.query(
            "SELECT work_request_id FROM work_request_dependencies WHERE depends_on_id = $1 ORDER BY 1",
            id
        ).rows.map { try $0.decode(Int.self, at: 0) }
    }

    // MARK: writing

    /// Inserts a validated submission as BLOCKED with its dependencies, and returns its id.
    ///
    /// Does not unblock it: `WorkRequestOperations.submit` does that (and is what callers normally use).
    public static func insert(_ validated: ValidatedWorkRequestSubmission, on conn: PGConnection) async throws -> Int {
        let submission = validated.submission
        let row = try await conn.query(
            """
            INSERT INTO work_requests (workspace_id, created_by_id, task_type, task_name, task_data, priority_base,
                                       priority_adjustment, workflow_data, unblock_strategy)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
            """,
            submission.workspaceID,
            submission.createdBy,
            submission.taskType.rawValue,
            submission.taskName,
            submission.taskData,
            submission.priorityBase,
            submission.priorityAdjustment,
            try JSONValue.from(submission.workflowData),
            submission.unblockStrategy.rawValue
        ).first
        guard let id = try row?.decode(Int.self, at: 0) else {
            throw PGError.unexpectedResult(status: "no row", message: "INSERT INTO work_requests … RETURNING id")
        }
        try await addDependencies(of: id, on: Set(submission.dependencyIDs), conn: conn)
        return id
    }

    /// Compare-and-set of one edit the core planned: writes the columns `edit.after` changes, only if the row
    /// still has `edit.before`'s status, pending stage, worker, assignment epoch and dynamic-data epoch.
    ///
    /// Only changed columns are written: a pipeline step touches two or three of them, and writing every jsonb
    /// document of the row each time cost the pending transition a fifth of its throughput (BM1b, one sitting:
    /// 612/s and 2.65 ms CPU per work request writing every column, 686–752/s and 2.14–2.34 ms writing the
    /// changed ones).
    ///
    /// - Returns: `true` when the row changed; `false` when it changed meanwhile (nothing written).
    public static func compareAndSet(_ edit: WorkRequestEdit, on conn: PGConnection) async throws -> Bool {
        guard let before = edit.before else {
            throw RepositoryError.invalid("work request \(edit.id) has no previous state to compare with")
        }
        let after = edit.after
        var changes = ColumnChanges()
        changes.set("status", before.storedStatus.rawValue, after.storedStatus.rawValue)
        changes.set("result", before.result.rawValue, after.result.rawValue)
        changes.set("worker_id", before.workerID, after.workerID)
        changes.set("assignment_epoch", before.assignmentEpoch, after.assignmentEpoch)
        changes.set("pending_at", before.pendingAt, after.pendingAt)
        changes.set("started_at", before.startedAt, after.startedAt)
        changes.set("completed_at", before.completedAt, after.completedAt)
        changes.set("aborted_by_id", before.abortedBy, after.abortedBy)
        if before.outputData != after.outputData {
            changes.set("output_data", to: try after.outputData.map { try JSONValue.from($0) })
        }
        if before.workflowData != after.workflowData {
            changes.set("workflow_data", to: try JSONValue.from(after.workflowData))
        }
        changes.set("priority_base", before.priorityBase, after.priorityBase)
        changes.set("priority_adjustment", before.priorityAdjustment, after.priorityAdjustment)
        changes.set("pending_stage", before.pendingStage?.rawValue, after.pendingStage?.rawValue)
        changes.set("configured_task_data", before.configuredTaskData, after.configuredTaskData)
        changes.set("dynamic_task_data", before.dynamicTaskData, after.dynamicTaskData)
        changes.set("scheduler_tags_provided", before.schedulerTagsProvided.sorted(), after.schedulerTagsProvided.sorted())
        changes.set("scheduler_tags_required", before.schedulerTagsRequired.sorted(), after.schedulerTagsRequired.sorted())
        changes.set("pending_stage_data", before.pendingStageData, after.pendingStageData)
        changes.set("dynamic_data_epoch", before.dynamicDataEpoch, after.dynamicDataEpoch)
        var parameters: [any PGEncodable] = [
            after.id, before.storedStatus.rawValue, before.workerID, before.assignmentEpoch, before.pendingStage?.rawValue,
            before.dynamicDataEpoch,
        ]
        let assignments = changes.assignments(numberedFrom: parameters.count + 1)
        parameters += changes.values
        let changed = try await conn.query(
            """
            UPDATE work_requests SET \(assignments)updated_at = now()
            WHERE id = $1 AND status = $2 AND worker_id IS NOT DISTINCT FROM $3 AND assignment_epoch = $4
              AND pending_stage IS NOT DISTINCT FROM $5 AND dynamic_data_epoch IS NOT DISTINCT FROM $6
            """,
            parameters: parameters
        ).affectedRows
        guard changed == 1 else { return false }
        if after.dependencyIDs != before.dependencyIDs {
            let removed = before.dependencyIDs.subtracting(after.dependencyIDs)
            if !removed.isEmpty {
                try await conn.execute(
                    "DELETE FROM work_request_dependencies WHERE work_request_id = $1 AND depends_on_id = ANY($2)",
                    after.id,
                    removed.sorted()
                )
            }
            try await addDependencies(
                of: after.id,
                on: after.dependencyIDs.subtracting(before.dependencyIDs),
                conn: conn
            )
        }
        return true
    }

    /// The one way a work request's state is written: persists a planned set of edits in order, each a
    /// compare-and-set, with the events the core derives from each edit's before/after states
    /// (`WorkRequest.events(since:workerToStop:)`: `wr.unblocked`, `wr.inputs-resolved`, `wr.pending`,
    /// `wr.assigned`, `wr.dispatch`, `wr.completed`, `wr.aborted`). Edits without a `before` insert the work
    /// request (a superseding retry's replacement). Terminated work requests lose their lease and
    /// work-request tokens; de-assigned ones their lease.
    ///
    /// Must run inside a transaction: when one compare-and-set loses, it throws
    /// `RepositoryError.concurrentUpdate` and the caller's transaction rolls everything back.
    ///
    /// - Parameter workersToStop: for aborts, the worker each aborted work request's `wr.aborted` names when
    ///   its own assignment no longer does.
    public static func apply(
        _ edits: [WorkRequestEdit],
        workersToStop: [Int: Int] = [:],
        on conn: PGConnection
    ) async throws {
        guard await conn.isInTransaction else {
            throw PGError.notInTransaction(operation: "WorkRequestRepository.apply")
        }
        for edit in edits {
            let after = edit.after
            // Only a PENDING work request is in the unblocking pipeline: stored, a stage on any other status
            // would read back as PENDING (`PendingStage.coreStatus`) and the pipeline would carry it on.
            if after.pendingStage != nil && after.status != .pending {
                throw RepositoryError.invalid(
                    "work request \(after.id) would be stored \(after.status.rawValue) with pending stage "
                        + "\(after.pendingStage?.rawValue ?? "")")
            }
            if let before = edit.before {
                guard try await compareAndSet(edit, on: conn) else {
                    throw RepositoryError.concurrentUpdate(kind: "work request", key: String(after.id))
                }
                if after.status.isTerminated && !before.status.isTerminated {
                    try await releaseTerminated(after.id, on: conn)
                } else if before.workerID != nil && after.workerID == nil {
                    try await conn.execute("DELETE FROM leases WHERE work_request_id = $1", after.id)
                }
            } else {
                try await insertPlanned(after, on: conn)
            }
            try await EventOutbox.enqueueAll(
                after.events(since: edit.before, workerToStop: workersToStop[after.id]), on: conn)
        }
    }

    /// What a work request that has just terminated no longer holds: its lease and its work-request tokens.
    /// Every termination's transaction calls it (``apply(_:workersToStop:on:)``, and the bare completion
    /// of a row that cannot be read).
    static func releaseTerminated(_ id: Int, on conn: PGConnection) async throws {
        try await conn.execute("DELETE FROM leases WHERE work_request_id = $1", id)
        try await TokenRepository.deleteWorkRequestTokens(workRequestID: id, on: conn)
    }

    /// Reserves an id for a work request the core is about to plan (a retry's replacement).
    public static func allocateID(on conn: PGConnection) async throws -> Int {
        guard let row = try await conn.query("SELECT nextval(pg_get_serial_sequence('work_requests', 'id'))").first
        else {
            throw PGError.unexpectedResult(status: "no row", message: "nextval for work_requests.id")
        }
        return try row.decode(Int.self, at: 0)
    }

    // MARK: helpers

    private static func insertPlanned(_ workRequest: WorkRequest, on conn: PGConnection) async throws {
        try await conn.execute(
            """
            INSERT INTO work_requests (id, workspace_id, created_at, created_by_id, task_type, task_name, task_data,
                                       status, pending_stage, pending_at, priority_base, priority_adjustment,
                                       unblock_strategy, parent_id, workflow_root_id, workflow_data, supersedes_id)
            OVERRIDING SYSTEM VALUE
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            """,
            workRequest.id,
            workRequest.workspaceID,
            workRequest.createdAt,
            workRequest.storedCreatorID,
            workRequest.taskType.rawValue,
            workRequest.taskName,
            workRequest.taskData,
            workRequest.storedStatus.rawValue,
            workRequest.pendingStage?.rawValue,
            workRequest.pendingAt,
            workRequest.priorityBase,
            workRequest.priorityAdjustment,
            workRequest.unblockStrategy.rawValue,
            workRequest.parentID,
            workRequest.workflowRootID,
            try JSONValue.from(workRequest.workflowData),
            workRequest.supersedesID
        )
        if let superseded = workRequest.supersedesID {
            // As in Debusine's `WorkRequest._retry_supersede`: template, event reactions and expiration are copied with
            // the row.
            try await conn.execute(
                """
                UPDATE work_requests n SET workflow_template_name = o.workflow_template_name,
                       event_reactions = o.event_reactions, expiration_delay = o.expiration_delay
                FROM work_requests o WHERE n.id = $1 AND o.id = $2
                """,
                workRequest.id,
                superseded
            )
        }
        try await addDependencies(of: workRequest.id, on: workRequest.dependencyIDs, conn: conn)
    }

    private static func addDependencies(of id: Int, on dependencies: Set<Int>, conn: PGConnection) async throws {
        guard !dependencies.isEmpty else { return }
        let sorted = dependencies.sorted()
        let found = Set(
            // FOR SHARE: a dependency terminating concurrently (it locks its row first, see
            // `WorkRequestOperations.terminate`) either finishes before this reads it, or waits for this commit
            // and then sees the new dependant.
            try await conn.query("SELECT id FROM work_requests WHERE id = ANY($1) ORDER BY id FOR SHARE", sorted).rows.map {
                try $0.decode(Int.self, at: 0)
            }
        )
        if let missing = sorted.first(where: { !found.contains($0) }) {
            throw RepositoryError.notFound(kind: "work request", key: "\(missing) (a dependency of \(id))")
        }
        try await conn.execute(
            """
            INSERT INTO work_request_dependencies (work_request_id, depends_on_id)
            SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING
            """,
            id,
            sorted
        )
    }

    static func decodeEnum<Value: RawRepresentable>(
        _ type: Value.Type,
        _ row: PGRow,
        at index: Int
    ) throws -> Value where Value.RawValue == String {
        let text = try row.decode(String.self, at: index)
        guard let value = Value(rawValue: text) else {
            throw RepositoryError.invalid("column \(row.columns[index].name) has unknown value '\(text)'")
        }
        return value
    }

    static func decodeEnum<Value: RawRepresentable>(
        _ type: Value.Type,
        _ row: PGRow,
        named name: String
    ) throws -> Value where Value.RawValue == String {
        let text = try row.decode(String.self, named: name)
        guard let value = Value(rawValue: text) else {
            throw RepositoryError.invalid("column \(name) has unknown value '\(text)'")
        }
        return value
    }

    static func parseStage(_ text: String) throws -> PendingStage {
        guard let stage = PendingStage(rawValue: text) else {
            throw RepositoryError.invalid("column pending_stage has unknown value '\(text)'")
        }
        return stage
    }

    static func stored(from row: PGRow) throws -> StoredWorkRequest {
        let outputJSON = try row.decode(JSONValue?.self, named: "output_data")
        let stage = try row.decode(String?.self, named: "pending_stage").map { try parseStage($0) }
        let workRequest = WorkRequest(
            id: try row.decode(Int.self, named: "id"),
            workspaceID: try row.decode(Int.self, named: "workspace_id"),
            createdAt: try row.decode(Date.self, named: "created_at"),
            // A creator deleted since (ON DELETE SET NULL) reads as user 0, which no row has.
            createdBy: try row.decode(Int?.self, named: "created_by_id") ?? 0,
            taskType: try decodeEnum(TaskType.self, row, named: "task_type"),
            taskName: try row.decode(String.self, named: "task_name"),
            taskData: try row.decode(JSONValue.self, named: "task_data"),
            status: PendingStage.coreStatus(stored: try decodeEnum(WorkRequestStatus.self, row, named: "status"), at: stage),
            result: try decodeEnum(WorkRequestResult.self, row, named: "result"),
            pendingAt: try row.decode(Date?.self, named: "pending_at"),
            startedAt: try row.decode(Date?.self, named: "started_at"),
            completedAt: try row.decode(Date?.self, named: "completed_at"),
            abortedBy: try row.decode(Int?.self, named: "aborted_by_id"),
            configuredTaskData: try row.decode(JSONValue?.self, named: "configured_task_data"),
            dynamicTaskData: try row.decode(JSONValue?.self, named: "dynamic_task_data"),
            dynamicDataEpoch: try row.decode(Int?.self, named: "dynamic_data_epoch"),
            pendingStage: stage,
            pendingStageData: try row.decode(JSONValue?.self, named: "pending_stage_data"),
            workerID: try row.decode(Int?.self, named: "worker_id"),
            priorityBase: try row.decode(Int.self, named: "priority_base"),
            priorityAdjustment: try row.decode(Int.self, named: "priority_adjustment"),
            outputData: try outputJSON.map { try $0.decode(OutputData.self) },
            unblockStrategy: try decodeEnum(UnblockStrategy.self, row, named: "unblock_strategy"),
            parentID: try row.decode(Int?.self, named: "parent_id"),
            workflowRootID: try row.decode(Int?.self, named: "workflow_root_id"),
            dependencyIDs: Set(try row.decode([Int].self, named: "dependencies")),
            workflowData: try row.decode(JSONValue.self, named: "workflow_data").decode(WorkflowData.self),
            supersedesID: try row.decode(Int?.self, named: "supersedes_id"),
            schedulerTagsProvided: Set(try row.decode([String].self, named: "scheduler_tags_provided")),
            schedulerTagsRequired: Set(try row.decode([String].self, named: "scheduler_tags_required")),
            assignmentEpoch: try row.decode(Int.self, named: "assignment_epoch")
        )
        return StoredWorkRequest(
            workRequest: workRequest,
            version: try row.decode(Int.self, named: "version"),
            updatedAt: try row.decode(Date.self, named: "updated_at"),
            eventReactions: try row.decode(JSONValue.self, named: "event_reactions")
        )
    }
}

extension WorkRequestRepository {
    /// The work request that superseded `id` through a retry, if any.
    public static func supersededBy(_ id: Int, on conn: PGConnection) async throws -> Int? {
        try await conn.query("SELECT id FROM work_requests WHERE supersedes_id = $1", id).first?.decode(Int.self, at: 0)
    }
}

/// The `SET` list of a compare-and-set: the columns an edit changes, with their new values.
struct ColumnChanges {
    private(set) var columns: [String] = []
    private(set) var values: [any PGEncodable] = []

    /// Records `column = new` when it differs from `old`.
    mutating func set<Value: Equatable & PGEncodable>(_ column: String, _ old: Value, _ new: Value) {
        guard old != new else { return }
        set(column, to: new)
    }

    /// Records `column = value` (the caller compared).
    mutating func set(_ column: String, to value: any PGEncodable) {
        columns.append(column)
        values.append(value)
    }

    /// `a = $n, b = $n+1, ` (each followed by a comma and a space), numbering the values from `first`.
    func assignments(numberedFrom first: Int) -> String {
        columns.enumerated().map { "\($0.element) = $\(first + $0.offset), " }.joined()
    }
}
