import Foundation

/// What a user's abort changed (Debusine `db/models/work_requests.py` `WorkRequest.abort`).
public struct UserAbortOutcome: Hashable, Sendable {
    /// The graph afterwards.
    public var graph: WorkRequestGraph
    /// The changed work requests, each once, in order.
    public var edits: [WorkRequestEdit]
    /// Every work request that became ABORTED: the ones aborted by the user, then the cascade.
    public var aborted: [Int]
    /// The workers that were running or holding an aborted work request, by work-request id: Kiln tells
    /// each to stop (Debusine never does, so its workers only notice on their next get-next).
    public var workersToStop: [Int: Int]
}

extension WorkRequestGraph {
    /// A user's abort of `id` (Debusine `WorkRequest.abort`): the work request and, for a workflow, every descendant
    /// (sub-workflows and invisible steps included) that is unsuperseded and BLOCKED, PENDING or RUNNING is ABORTED
    /// with `aborted_by` and its worker cleared; then the reverse dependencies of each react as after any termination
    /// (`WorkRequest.unblock_reverse_dependencies`).
    ///
    /// Refused for a work request that is already terminated or superseded, as the user API refuses it.
    public func abortingByUser(_ id: Int, user: Int, at now: Date) throws(WorkRequestGraphError) -> UserAbortOutcome {
        let target = try require(id)
        guard target.status.isInProgress else {
            throw .invalidState(workRequestID: id, reason: "status \(target.status.rawValue) cannot be aborted")
        }
        guard !isSuperseded(id) else {
            throw .invalidState(workRequestID: id, reason: "a superseded work request cannot be aborted")
        }
        var selected: [WorkRequest] = []
        var stack = [target]
        var seen: Set<Int> = []
        while let current = stack.popLast() {
            guard seen.insert(current.id).inserted else { continue }
            if current.status.isInProgress && !isSuperseded(current.id) { selected.append(current) }
            stack.append(contentsOf: children(of: current.id))
        }
        selected.sort { $0.id < $1.id }

        var log = WorkRequestEditLog(self)
        var workersToStop: [Int: Int] = [:]
        for workRequest in selected {
            var aborted = workRequest.markedAborted(by: user, at: now)
            if let worker = workRequest.workerID { workersToStop[workRequest.id] = worker }
            aborted.workerID = nil
            log.write(aborted)
        }
        var abortedIDs = selected.map(\.id)
        for workRequest in selected {
            let cascade = try log.graph.applyingTermination(of: workRequest.id, at: now)
            for edit in cascade.edits { log.write(edit.after) }
            abortedIDs += cascade.aborted
        }
        return UserAbortOutcome(graph: log.graph, edits: log.edits, aborted: abortedIDs, workersToStop: workersToStop)
    }
}
