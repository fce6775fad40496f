import Foundation

/// What a dependency operation changed, ready to persist.
public struct DependencyOutcome: Hashable, Sendable {
    /// The graph after the operation.
    public var graph: WorkRequestGraph
    /// The changed work requests, in the order they were changed, each once.
    public var edits: [WorkRequestEdit]
    /// The work requests that became PENDING, in order.
    public var unblocked: [Int]
    /// The work requests that became ABORTED, in order (cascade order for a termination).
    public var aborted: [Int]
}

extension WorkRequestGraph {
    /// *can be unblocked* (Debusine `WorkRequestQuerySet.can_be_unblocked`): BLOCKED, and either outside a workflow or
    /// its parent is RUNNING.
    public func canBeUnblocked(_ id: Int) throws(WorkRequestGraphError) -> Bool {
        let workRequest = try require(id)
        guard workRequest.status == .blocked else { return false }
        guard let parentID = workRequest.parentID else { return true }
        return try require(parentID, neededBy: id).status == .running
    }

    /// *automatically unblockable* (Debusine `WorkRequestQuerySet.can_be_automatically_unblocked`): can be unblocked,
    /// and either `deps` with every dependency terminated (Debusine 0.16: completed **or aborted**), or `incremental`.
    public func isAutomaticallyUnblockable(_ id: Int) throws(WorkRequestGraphError) -> Bool {
        guard try canBeUnblocked(id) else { return false }
        let workRequest = try require(id)
        switch workRequest.unblockStrategy {
        case .manual: return false
        case .incremental: return true
        case .deps:
            for dependencyID in workRequest.dependencyIDs {
                guard try require(dependencyID, neededBy: id).status.isTerminated else { return false }
            }
            return true
        }
    }

    /// Whether `dependant` may still run although `dependency` terminated (Debusine
    /// `WorkRequest.unblock_reverse_dependencies`): the dependency completed with success or skipped, or it allows
    /// failure, or Debusine 0.16 the dependant allows dependency failures.
    public static func tolerates(dependant: WorkRequest, terminated dependency: WorkRequest) -> Bool {
        dependency.succeededForDependants || dependency.workflowData.allowFailure
            || dependant.workflowData.allowDependencyFailures
    }

    /// What terminating `id` (already COMPLETED or ABORTED in this graph) does to its BLOCKED reverse
    /// dependencies (Debusine `WorkRequest.unblock_reverse_dependencies`): each one that tolerates the outcome becomes
    /// PENDING if it is automatically unblockable (else stays BLOCKED); each one that does not is ABORTED, and its own
    /// reverse dependencies are examined in turn, transitively.
    public func applyingTermination(of id: Int, at now: Date) throws(WorkRequestGraphError) -> DependencyOutcome {
        let terminated = try require(id)
        guard terminated.status.isTerminated else {
            throw .invalidState(
                workRequestID: id, reason: "status \(terminated.status.rawValue) is not terminated")
        }
        var log = WorkRequestEditLog(self)
        var unblocked: [Int] = []
        var aborted: [Int] = []
        var queue = [id]
        var next = 0
        while next < queue.count {
            let current = try log.graph.require(queue[next])
            next += 1
            for dependant in log.graph.reverseDependencies(of: current.id) where dependant.status == .blocked {
                if Self.tolerates(dependant: dependant, terminated: current) {
                    guard try log.graph.isAutomaticallyUnblockable(dependant.id) else { continue }
                    do {
                        log.write(try dependant.markedPending(at: now))
                    } catch {
                        throw .statusChange(error)
                    }
                    unblocked.append(dependant.id)
                } else {
                    log.write(dependant.markedAborted(at: now))
                    aborted.append(dependant.id)
                    queue.append(dependant.id)
                }
            }
        }
        return DependencyOutcome(graph: log.graph, edits: log.edits, unblocked: unblocked, aborted: aborted)
    }

    /// Settles a BLOCKED `deps` work request whose dependencies may already have terminated (a freshly
    /// submitted `kiln submit --depends-on`, or a sweep finding a missed event): if a terminated
    /// dependency is not tolerated it is ABORTED (cascading); else, if it is automatically unblockable, it
    /// becomes PENDING; otherwise nothing changes.
    ///
    /// This applies the termination rule to every dependency at once, so a work request created after its
    /// dependency failed is aborted rather than run (`is_automatically_unblockable` alone would run it).
    public func settlingBlocked(_ id: Int, at now: Date) throws(WorkRequestGraphError) -> DependencyOutcome {
        let workRequest = try require(id)
        let unchanged = DependencyOutcome(graph: self, edits: [], unblocked: [], aborted: [])
        guard workRequest.status == .blocked else { return unchanged }
        for dependencyID in workRequest.dependencyIDs.sorted() {
            let dependency = try require(dependencyID, neededBy: id)
            if dependency.status.isTerminated && !Self.tolerates(dependant: workRequest, terminated: dependency) {
                let abortedGraph = replacing(workRequest.markedAborted(at: now))
                let cascade = try abortedGraph.applyingTermination(of: id, at: now)
                let edit = WorkRequestEdit(before: workRequest, after: try abortedGraph.require(id))
                return DependencyOutcome(
                    graph: cascade.graph, edits: [edit] + cascade.edits, unblocked: cascade.unblocked,
                    aborted: [id] + cascade.aborted)
            }
        }
        guard try isAutomaticallyUnblockable(id) else { return unchanged }
        let pending: WorkRequest
        do {
            pending = try workRequest.markedPending(at: now)
        } catch {
            throw .statusChange(error)
        }
        return DependencyOutcome(
            graph: replacing(pending), edits: [WorkRequestEdit(before: workRequest, after: pending)],
            unblocked: [id], aborted: [])
    }

    /// Adds the dependency `id` → `dependencyID` (Debusine `WorkRequest.add_dependency`).
    ///
    /// The rule: both work requests belong to the same workflow root, and Debusine 0.16 a work request outside
    /// any workflow may not have dependencies at all. **Kiln relaxes this** when `allowStandalone` is
    /// `true`: users of `kiln submit --depends-on` chain plain work requests without writing a workflow,
    /// so two work requests that are both outside any workflow may depend on each other. A standalone
    /// work request still may not depend on a workflow's work request (or the reverse), because workflow
    /// completion and retries only reason about their own tree.
    ///
    /// Also refused: depending on itself, a cycle, and adding to a work request that already runs or
    /// terminated (Kiln's choice: its outcome could no longer respect the new dependency).
    /// A PENDING `deps` work request whose new dependency is neither completed nor aborted goes back to BLOCKED (and
    /// loses its worker assignment, if any).
    public func addingDependency(
        _ id: Int, on dependencyID: Int, allowStandalone: Bool = false
    ) throws(WorkRequestGraphError) -> DependencyOutcome {
        let workRequest = try require(id)
        let dependency = try require(dependencyID, neededBy: id)
        func refuse(_ reason: String) -> WorkRequestGraphError {
            .dependencyRefused(workRequestID: id, dependencyID: dependencyID, reason: reason)
        }
        guard id != dependencyID else { throw refuse("a work request cannot depend on itself") }
        switch (workRequest.workflowRootID, dependency.workflowRootID) {
        case (nil, nil):
            guard allowStandalone else {
                throw refuse("work requests outside a workflow may not have dependencies")
            }
        case (let root?, let dependencyRoot?) where root == dependencyRoot:
            break
        case (let root, let dependencyRoot):
            let describe = { (root: Int?) in root.map { "workflow root \($0)" } ?? "no workflow" }
            throw refuse("\(describe(root)) differs from \(describe(dependencyRoot))")
        }
        guard workRequest.status == .blocked || workRequest.status == .pending else {
            throw refuse("status \(workRequest.status.rawValue), expected blocked or pending")
        }
        if workRequest.dependencyIDs.contains(dependencyID) {
            return DependencyOutcome(graph: self, edits: [], unblocked: [], aborted: [])
        }
        if try dependsTransitively(dependencyID, on: id) {
            throw refuse("work request \(dependencyID) already depends on work request \(id) (a cycle)")
        }
        var changed = workRequest
        changed.dependencyIDs.insert(dependencyID)
        // Debusine's `add_dependency`: a terminated dependency (completed or aborted) does not re-block
        // (test `test_add_dependency_no_auto_block_already_aborted`).
        if changed.status == .pending && changed.unblockStrategy == .deps && !dependency.status.isTerminated {
            changed = changed.markedBlocked()
        }
        return DependencyOutcome(
            graph: replacing(changed), edits: [WorkRequestEdit(before: workRequest, after: changed)],
            unblocked: [], aborted: [])
    }

    /// `true` when `id` depends on `target` directly or through other dependencies held by the graph.
    public func dependsTransitively(_ id: Int, on target: Int) throws(WorkRequestGraphError) -> Bool {
        var seen: Set<Int> = []
        var stack = [id]
        while let current = stack.popLast() {
            guard seen.insert(current).inserted else { continue }
            let dependencies = try require(current).dependencyIDs
            if dependencies.contains(target) { return true }
            stack.append(contentsOf: dependencies.filter { workRequests[$0] != nil })
        }
        return false
    }

    /// The BLOCKED children a workflow unblocks when it starts running (Debusine
    /// `WorkRequest.unblock_workflow_children`): each automatically unblockable child becomes PENDING.
    public func unblockingChildren(ofStartedWorkflow id: Int, at now: Date) throws(WorkRequestGraphError)
        -> DependencyOutcome
    {
        var log = WorkRequestEditLog(self)
        var unblocked: [Int] = []
        for child in children(of: id) where try isAutomaticallyUnblockable(child.id) {
            do {
                log.write(try child.markedPending(at: now))
            } catch {
                throw .statusChange(error)
            }
            unblocked.append(child.id)
        }
        return DependencyOutcome(graph: log.graph, edits: log.edits, unblocked: unblocked, aborted: [])
    }

    /// Records a manual review of a BLOCKED `manual` work request inside a workflow (Debusine
    /// `WorkRequest.review_manual_unblock`): the review is appended to `workflow_data.manual_unblock.log`; ACCEPT makes
    /// it PENDING, REJECT aborts it (and cascades to its dependants); a review without action only adds to the log.
    public func reviewingManualUnblock(
        _ id: Int, review: ManualUnblockReview
    ) throws(WorkRequestGraphError) -> DependencyOutcome {
        let workRequest = try require(id)
        guard workRequest.parentID != nil else {
            throw .invalidState(workRequestID: id, reason: "manual unblock is only for work requests in a workflow")
        }
        guard workRequest.unblockStrategy == .manual else {
            throw .invalidState(
                workRequestID: id, reason: "unblock strategy \(workRequest.unblockStrategy.rawValue), expected manual")
        }
        guard workRequest.status == .blocked else {
            throw .invalidState(workRequestID: id, reason: "status \(workRequest.status.rawValue), expected blocked")
        }
        var reviewed = workRequest
        var manual = reviewed.workflowData.manualUnblock ?? ManualUnblockData()
        manual.log.append(review)
        reviewed.workflowData.manualUnblock = manual
        switch review.action {
        case nil:
            return DependencyOutcome(
                graph: replacing(reviewed), edits: [WorkRequestEdit(before: workRequest, after: reviewed)],
                unblocked: [], aborted: [])
        case .accept:
            let pending: WorkRequest
            do {
                pending = try reviewed.markedPending(at: review.timestamp)
            } catch {
                throw .statusChange(error)
            }
            return DependencyOutcome(
                graph: replacing(pending), edits: [WorkRequestEdit(before: workRequest, after: pending)],
                unblocked: [id], aborted: [])
        case .reject:
            let rejected = reviewed.markedAborted(by: review.userID, at: review.timestamp)
            let cascade = try replacing(rejected).applyingTermination(of: id, at: review.timestamp)
            return DependencyOutcome(
                graph: cascade.graph, edits: [WorkRequestEdit(before: workRequest, after: rejected)] + cascade.edits,
                unblocked: cascade.unblocked, aborted: [id] + cascade.aborted)
        }
    }
}
