/// One (work request, worker) pair the index proposes. The index has already applied it tentatively (the
/// work request left the queue, the worker lost a free slot); the service commits it with a compare-and-set
/// and then calls `confirm` or `rollback`.
public struct ProposedAssignment: Hashable, Sendable, CustomStringConvertible {
    /// The work request to assign.
    public let workRequestID: Int
    /// The worker to assign it to.
    public let workerID: Int

    public init(workRequestID: Int, workerID: Int) {
        self.workRequestID = workRequestID
        self.workerID = workerID
    }

    public var description: String { "work request \(workRequestID) → worker \(workerID)" }
}

/// Why a proposal was not committed, which decides what the index does with each side.
public enum RollbackReason: String, Hashable, Sendable, Codable {
    /// The work request's compare-and-set failed: another scheduler took it, or it stopped being PENDING.
    /// The work request is dropped from the index (PostgreSQL is the truth; an event will re-add it if it
    /// ever becomes pending again) and the worker gets its slot back.
    case workRequestTaken = "work-request-taken"
    /// The worker's compare-and-set failed (it changed, disconnected, or reached capacity elsewhere). The work
    /// request goes back to its queue and the worker is left out of scheduling until `updateWorker` brings
    /// its re-read row.
    case workerChanged = "worker-changed"
    /// The whole batch was abandoned (e.g. the transaction failed): both sides return as they were.
    case abandoned
}
