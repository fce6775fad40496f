/// A request the scheduling index refuses, naming the offending value.
public enum SchedulingIndexError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `add` of a work request id the index already holds (pending or proposed).
    case duplicateWorkRequest(id: Int)
    /// `update`/`explain` of a work request id the index does not hold.
    case unknownWorkRequest(id: Int)
    /// `add` of a worker id the index already holds.
    case duplicateWorker(id: Int)
    /// `update` of a worker id the index does not hold.
    case unknownWorker(id: Int)
    /// A worker with a negative concurrency or load.
    case invalidCapacity(workerID: Int, concurrency: Int, currentLoad: Int)
    /// `confirm`/`rollback` of a proposal the index does not have outstanding.
    case unknownProposal(ProposedAssignment)

    public var description: String {
        switch self {
        case .duplicateWorkRequest(let id): "work request \(id) is already in the scheduling index"
        case .unknownWorkRequest(let id): "work request \(id) is not in the scheduling index"
        case .duplicateWorker(let id): "worker \(id) is already in the scheduling index"
        case .unknownWorker(let id): "worker \(id) is not in the scheduling index"
        case .invalidCapacity(let workerID, let concurrency, let currentLoad):
            "worker \(workerID) has an invalid capacity: concurrency \(concurrency), current load \(currentLoad) "
                + "(both must be ≥ 0)"
        case .unknownProposal(let proposal): "no outstanding proposal \(proposal)"
        }
    }
}
