import Foundation

/// The result of planning a superseding retry (Debusine `db/models/work_requests.py` `WorkRequest._retry_supersede`):
/// the new work request and every edit to persist.
public struct SupersedingRetryPlan: Hashable, Sendable {
    /// The replacement: BLOCKED, or already PENDING when it was automatically unblockable.
    public var newWorkRequest: WorkRequest
    /// The changes to existing work requests, in order: the old one forced to ABORTED (only with
    /// `forceStatus`), re-pointed reverse dependencies, parent workflows set back to RUNNING.
    public var edits: [WorkRequestEdit]
    /// The graph with the new work request and every edit applied.
    public var graph: WorkRequestGraph
    /// `true` when the old work request is in a workflow: its root's `debusine:promise` items that name
    /// the old id must be re-pointed to the new id (Debusine `WorkRequest._retry_supersede` re-points them; collections are the store's business).
    public var repointsPromises: Bool
}

extension WorkRequestGraph {
    /// Plans the superseding retry of `id` (Worker, Signing and Internal synchronisation points; Debusine
    /// `WorkRequest.retry`, `WorkRequest._retry_supersede`).
    ///
    /// Steps: (0) with `forceStatus`, a work request that is not ABORTED is first ABORTED without cascading;
    /// (1) a new BLOCKED work request `newID` copies workspace, creator, type, name, the **original**
    /// `task_data` (configuration is recomputed when it becomes pending), priorities, unblock strategy,
    /// parent, root and workflow data, with `supersedes` = `id`; (2) it gets the old dependencies; (3)
    /// every reverse dependency is re-pointed to it, going back to BLOCKED if it was PENDING; (4)
    /// terminated ancestors are set back to RUNNING (Debusine 0.16: up the whole tree); (5) `retry_count`
    /// follows `reason`; (6) it becomes PENDING if automatically unblockable.
    ///
    /// Template, event reactions and expiration are copied by the store with the row; they play no part in
    /// the state machine.
    ///
    /// - Parameters:
    ///   - newID: the id the store allocated for the replacement.
    ///   - inputsResolve: whether the old work request's lookups still resolve (Worker/Signing only).
    /// - Throws: `RetryRefusal` when the retry is not allowed, `WorkRequestGraphError` when the graph lacks
    ///   a work request the plan needs or `newID` is taken.
    public func supersedingRetry(
        of id: Int, reason: WorkRequestRetryReason, newID: Int, at now: Date, forceStatus: Bool = false,
        inputsResolve: Bool = true
    ) throws -> SupersedingRetryPlan {
        let original = try require(id)
        if self[newID] != nil { throw WorkRequestGraphError.duplicateWorkRequest(id: newID) }
        guard original.taskType != .workflow, !(original.taskType == .internal && original.taskName == "workflow")
        else {
            throw RetryRefusal.notSupersedable(
                workRequestID: id, taskType: original.taskType, taskName: original.taskName)
        }
        var log = WorkRequestEditLog(self)
        if forceStatus && original.status != .aborted {
            // force_status: abort without the reverse-dependency cascade, since they are re-pointed below.
            log.write(original.markedAborted(at: now))
        }
        try log.graph.checkRetryable(id, inputsResolve: inputsResolve)
        let old = try log.graph.require(id)

        var workflowData = old.workflowData
        workflowData.retryCount = try reason.retryCount(after: old.workflowData.retryCount)
        var replacement = WorkRequest(
            id: newID, workspaceID: old.workspaceID, createdAt: now, createdBy: old.createdBy,
            taskType: old.taskType, taskName: old.taskName, taskData: old.taskData, status: .blocked,
            priorityBase: old.priorityBase, priorityAdjustment: old.priorityAdjustment,
            unblockStrategy: old.unblockStrategy, parentID: old.parentID, workflowRootID: old.workflowRootID,
            dependencyIDs: old.dependencyIDs, workflowData: workflowData, supersedesID: old.id)
        var graph = log.graph.replacing(replacement)

        var edits = log.edits
        for dependant in graph.reverseDependencies(of: id) {
            var repointed = dependant
            repointed.dependencyIDs.remove(id)
            repointed.dependencyIDs.insert(newID)
            // Debusine's `add_dependency`: only a PENDING `deps` dependant waits again for the new request.
            if repointed.status == .pending && repointed.unblockStrategy == .deps {
                repointed = repointed.markedBlocked()
            }
            edits.append(WorkRequestEdit(before: dependant, after: repointed))
            graph = graph.replacing(repointed)
        }

        var ancestorID = old.parentID
        var visited: Set<Int> = []
        while let currentID = ancestorID, visited.insert(currentID).inserted {
            let ancestor = try graph.require(currentID, neededBy: id)
            if ancestor.status.isTerminated {
                var revived = ancestor
                revived.status = .running
                revived.result = .none
                revived.completedAt = nil
                edits.append(WorkRequestEdit(before: ancestor, after: revived))
                graph = graph.replacing(revived)
            }
            ancestorID = ancestor.parentID
        }

        if try graph.isAutomaticallyUnblockable(newID) {
            replacement = try replacement.markedPending(at: now)
            graph = graph.replacing(replacement)
        }
        return SupersedingRetryPlan(
            newWorkRequest: replacement, edits: edits, graph: graph, repointsPromises: old.workflowRootID != nil)
    }
}
