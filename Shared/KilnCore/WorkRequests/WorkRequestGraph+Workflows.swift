/// How a running workflow ends once none of its children is in progress (Debusine `WorkRequest.maybe_finish_workflow`).
public enum WorkflowCompletion: Hashable, Sendable {
    /// A child that must succeed did not complete: the workflow is ABORTED.
    case aborted
    /// Every child completed; the result is `success` unless a child that must succeed did not.
    case completed(WorkRequestResult)
}

extension WorkRequestGraph {
    /// Decides whether the workflow `id` is finished and how (`maybe_finish_workflow`), or `nil` when it is not RUNNING
    /// or a child is still in progress.
    ///
    /// Only unsuperseded children count (a retried child is represented by its replacement). Order:
    /// any child not COMPLETED and not `allow_failure` → aborted; else any child whose result is not
    /// success/skipped and not `allow_failure` → completed/failure; else completed/success. Debusine 0.16: a
    /// workflow with `allow_dependency_failures` skips both checks.
    public func workflowCompletion(of id: Int) throws(WorkRequestGraphError) -> WorkflowCompletion? {
        let workflow = try require(id)
        guard workflow.status == .running else { return nil }
        let children = children(of: id).filter { !isSuperseded($0.id) }
        guard !children.contains(where: { $0.status.isInProgress }) else { return nil }
        if !workflow.workflowData.allowDependencyFailures {
            let mustSucceed = children.filter { !$0.workflowData.allowFailure }
            if mustSucceed.contains(where: { $0.status != .completed }) { return .aborted }
            if mustSucceed.contains(where: { !$0.result.letsDependantsRun }) { return .completed(.failure) }
        }
        return .completed(.success)
    }
}
