import Foundation
import KilnCore

/// What `WorkRequestOperations.submit` did.
public struct SubmitOutcome: Hashable, Sendable {
    /// The new work request's id.
    public var id: Int
    /// `true` when it could be unblocked at once: it is now pending-requested and `wr.unblocked` is queued.
    public var unblocked: Bool
    /// Work requests aborted because a dependency had already failed (the new one first).
    public var aborted: [Int]
}

/// The multi-row work-request operations the CLI and the services share: each loads the part of the graph
/// it reads, lets the core's pure state machine plan the change, and persists the plan with
/// compare-and-set writes and outbox events in the caller's transaction.
///
/// Run them through `PGPool.withTransaction`; a `RepositoryError.concurrentUpdate` means another writer won
/// a race and the whole operation was rolled back, so running it again is safe.
public enum WorkRequestOperations {
    /// Inserts a validated submission BLOCKED, adds its dependencies (refused per the core's dependency
    /// rule, which Kiln relaxes for standalone work requests), then settles it: pending-requested with a
    /// `wr.unblocked` event when it can be unblocked, ABORTED (cascading) when a dependency already failed,
    /// otherwise left BLOCKED until its dependencies terminate.
    public static func submit(
        _ validated: ValidatedWorkRequestSubmission,
        at now: Date = Date(),
        on conn: PGConnection
    ) async throws -> SubmitOutcome {
        guard await conn.isInTransaction else {
            throw PGError.notInTransaction(operation: "WorkRequestOperations.submit")
        }
        let id = try await WorkRequestRepository.insert(validated, on: conn)
        let graph = try await loadGraph(around: [id], on: conn)
        try checkDependencyRule(of: id, in: graph)
        let outcome = try graph.settlingBlocked(id, at: now)
        try await WorkRequestRepository.apply(outcome.edits, on: conn)
        return SubmitOutcome(id: id, unblocked: outcome.unblocked.contains(id), aborted: outcome.aborted)
    }

    /// A user's abort (Debusine `WorkRequest.abort`): the work request and, for a workflow, its unfinished descendants
    /// become ABORTED, their dependants are aborted or unblocked as `WorkRequest.unblock_reverse_dependencies` says,
    /// and a `wr.aborted` event per aborted work request names the worker to stop.
    ///
    /// - Throws: `RepositoryError.notFound`; `WorkRequestGraphError.invalidState` for a terminated or
    ///   superseded work request.
    public static func abort(
        _ id: Int,
        by userID: Int,
        at now: Date = Date(),
        on conn: PGConnection
    ) async throws -> UserAbortOutcome {
        _ = try await WorkRequestRepository.require(id: id, on: conn)
        let graph = try await loadGraph(around: [id], on: conn)
        let outcome = try graph.abortingByUser(id, user: userID, at: now)
        try await WorkRequestRepository.apply(outcome.edits, workersToStop: outcome.workersToStop, on: conn)
        return outcome
    }

    /// Sets a work request's priority adjustment, whatever its status (Debusine's `WorkRequestView.patch` with
    /// `WorkRequestUpdateSerializer`, which only takes `priority_adjustment`); one still waiting for a worker is
    /// announced again (`wr.pending`), so the scheduler ranks it by its new priority.
    ///
    /// - Returns: the work request before and after.
    /// - Throws: `RepositoryError.notFound`; `RepositoryError.concurrentUpdate` when it changed meanwhile.
    public static func setPriorityAdjustment(
        of id: Int, to adjustment: Int, on conn: PGConnection
    ) async throws -> (before: WorkRequest, after: WorkRequest) {
        let before = try await WorkRequestRepository.require(id: id, on: conn).workRequest
        var after = before
        after.priorityAdjustment = adjustment
        try await WorkRequestRepository.apply([WorkRequestEdit(before: before, after: after)], on: conn)
        return (before, after)
    }

    /// A manual retry (Debusine `WorkRequest.retry`, reason MANUAL: `retry_count` back to 0): a new work request
    /// supersedes the unsuccessful one, takes over its dependencies and dependants, and is pending-requested when it
    /// can be unblocked.
    ///
    /// As Debusine's `_verify_retry`, a Worker or Signing task is retried only if the data it last ran with still
    /// resolves its inputs and computes its dynamic data (`WorkRequestCreationCheck.canSatisfyDynamicData`, read
    /// with its creator's lookups on `conn`): otherwise `Task dependencies cannot be satisfied`. Promise
    /// re-pointing (Debusine `WorkRequest._retry_supersede`) only concerns workflow children, which the CLI does not
    /// create.
    ///
    /// - Throws: `RepositoryError.notFound`; `RetryRefusal` with Debusine's wording when not retryable; database
    ///   errors met while looking up.
    public static func retry(
        _ id: Int,
        registry: TaskRegistry,
        settings: InputResolutionSettings,
        at now: Date = Date(),
        on conn: PGConnection
    ) async throws -> SupersedingRetryPlan {
        let old = try await WorkRequestRepository.require(id: id, on: conn).workRequest
        let graph = try await loadGraph(around: [id], on: conn)
        // The cheap refusals first, in Debusine's order; the lookups only for what could otherwise be retried.
        try graph.checkRetryable(id)
        if old.taskType == .worker || old.taskType == .signing {
            let context = try await WorkRequestRepository.lookupContext(of: old, on: conn)
            let satisfiable = try await conn.withSynchronousAccess { session in
                let store = FaultRecordingLookupStore(PGLookupStore(session))
                let answer = WorkRequestCreationCheck.canSatisfyDynamicData(
                    registry: registry, taskType: old.taskType, taskName: old.taskName,
                    taskData: old.configuredTaskData ?? old.taskData, lookups: LookupResolver(store: store),
                    context: context, settings: settings)
                if let fault = store.fault { throw fault }
                return answer
            }
            try graph.checkRetryable(id, inputsResolve: satisfiable)
        }
        let newID = try await WorkRequestRepository.allocateID(on: conn)
        let plan = try graph.supersedingRetry(of: id, reason: .manual, newID: newID, at: now)
        try await WorkRequestRepository.apply([WorkRequestEdit(before: nil, after: plan.newWorkRequest)] + plan.edits, on: conn)
        return plan
    }

    /// The core's dependency rule for a freshly inserted work request, as Kiln relaxes it for standalone
    /// work requests (`WorkRequestGraph.addingDependency`): each of its dependencies is added, in id order,
    /// to a copy of `graph` in which it has none yet.
    ///
    /// - Throws: `WorkRequestGraphError.dependencyRefused` for the first dependency the rule refuses.
    static func checkDependencyRule(of id: Int, in graph: WorkRequestGraph) throws {
        var bare = try graph.require(id)
        let dependencies = bare.dependencyIDs
        guard !dependencies.isEmpty else { return }
        bare.dependencyIDs = []
        var check = graph.replacing(bare)
        for dependency in dependencies.sorted() {
            check = try check.addingDependency(id, on: dependency, allowStandalone: true).graph
        }
    }

    /// Loads every work request connected to `seeds` through dependencies (both ways), parent/child links
    /// and supersession: exactly what the core's graph operations may read, so none of them meets an
    /// unloaded work request.
    ///
    public static func loadGraph(around seeds: [Int], on conn: PGConnection) async throws -> WorkRequestGraph {
        var known = Set(seeds)
        var frontier = seeds
        while !frontier.isEmpty {
            let neighbours = try await conn.query(
                """
                SELECT depends_on_id FROM work_request_dependencies WHERE work_request_id = ANY($1)
                UNION SELECT work_request_id FROM work_request_dependencies WHERE depends_on_id = ANY($1)
                UNION SELECT id FROM work_requests WHERE parent_id = ANY($1)
                UNION SELECT id FROM work_requests WHERE supersedes_id = ANY($1)
                UNION SELECT parent_id FROM work_requests WHERE id = ANY($1) AND parent_id IS NOT NULL
                UNION SELECT supersedes_id FROM work_requests WHERE id = ANY($1) AND supersedes_id IS NOT NULL
                """,
                frontier
            ).rows.map { try $0.decode(Int.self, at: 0) }
            frontier = neighbours.filter { known.insert($0).inserted }
        }
        return try WorkRequestGraph(try await WorkRequestRepository.load(ids: known.sorted(), on: conn).map(\.workRequest))
    }
}
