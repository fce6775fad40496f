/// A set of work requests keyed by id, with the relations the dependency, workflow and retry rules need
/// (reverse dependencies, children, supersession).
///
/// It is a value: every operation returns a new graph plus the list of edits to persist, so a service can
/// load the relevant rows, compute the outcome in memory and write it back with compare-and-set. The graph
/// need not hold the whole database, but it must hold every work request an operation reads (for a
/// termination: the reverse dependencies and their dependencies); a missing one is reported as
/// `WorkRequestGraphError.unknownWorkRequest` rather than guessed.
public struct WorkRequestGraph: Hashable, Sendable {
    /// The work requests, by id.
    public private(set) var workRequests: [Int: WorkRequest]
    // Derived indices, kept in step by `insert`/`remove`, so that cascades over large workflows cost
    // time proportional to what they touch rather than to the graph's size.
    private var dependantsByID: [Int: Set<Int>] = [:]
    private var childrenByID: [Int: Set<Int>] = [:]
    private var supersederByID: [Int: Int] = [:]

    /// Builds a graph, refusing two work requests with the same id.
    public init(_ workRequests: some Sequence<WorkRequest>) throws(WorkRequestGraphError) {
        self.workRequests = [:]
        for workRequest in workRequests {
            guard self.workRequests[workRequest.id] == nil else { throw .duplicateWorkRequest(id: workRequest.id) }
            insert(workRequest)
        }
    }

    private mutating func insert(_ workRequest: WorkRequest) {
        workRequests[workRequest.id] = workRequest
        for dependency in workRequest.dependencyIDs { dependantsByID[dependency, default: []].insert(workRequest.id) }
        if let parent = workRequest.parentID { childrenByID[parent, default: []].insert(workRequest.id) }
        if let superseded = workRequest.supersedesID { supersederByID[superseded] = workRequest.id }
    }

    private mutating func remove(_ id: Int) {
        guard let old = workRequests.removeValue(forKey: id) else { return }
        for dependency in old.dependencyIDs { dependantsByID[dependency]?.remove(id) }
        if let parent = old.parentID { childrenByID[parent]?.remove(id) }
        if let superseded = old.supersedesID, supersederByID[superseded] == id { supersederByID[superseded] = nil }
    }

    private func lookUp(_ ids: Set<Int>?) -> [WorkRequest] {
        (ids ?? []).sorted().compactMap { workRequests[$0] }
    }

    /// The work request with this id, if the graph holds it.
    public subscript(id: Int) -> WorkRequest? { workRequests[id] }

    /// The work request with this id, or an error naming the id and who needed it.
    public func require(_ id: Int, neededBy: Int? = nil) throws(WorkRequestGraphError) -> WorkRequest {
        guard let workRequest = workRequests[id] else { throw .unknownWorkRequest(id: id, referencedBy: neededBy) }
        return workRequest
    }

    /// Every work request in id order (deterministic iteration for plans and tests).
    public var all: [WorkRequest] { workRequests.values.sorted { $0.id < $1.id } }

    /// The work requests that depend on `id`, in id order.
    public func reverseDependencies(of id: Int) -> [WorkRequest] { lookUp(dependantsByID[id]) }

    /// The direct children of the workflow `id`, in id order.
    public func children(of id: Int) -> [WorkRequest] { lookUp(childrenByID[id]) }

    /// The work request that superseded `id` through a retry, if any.
    public func supersedingWorkRequest(of id: Int) -> WorkRequest? {
        supersederByID[id].flatMap { workRequests[$0] }
    }

    /// `true` when a retry already replaced `id`.
    public func isSuperseded(_ id: Int) -> Bool { supersedingWorkRequest(of: id) != nil }

    /// Two graphs are equal when they hold the same work requests (the indices are derived from them).
    public static func == (lhs: WorkRequestGraph, rhs: WorkRequestGraph) -> Bool {
        lhs.workRequests == rhs.workRequests
    }

    /// Hashes the work requests only, consistent with `==`: the indices are derived from them.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(workRequests)
    }

    /// Replaces (or adds) one work request; used by the operations that build new graphs.
    public func replacing(_ workRequest: WorkRequest) -> WorkRequestGraph {
        var copy = self
        copy.remove(workRequest.id)
        copy.insert(workRequest)
        return copy
    }
}

/// One change to persist: the row as it was read (for the compare-and-set) and as it must become.
public struct WorkRequestEdit: Hashable, Sendable {
    /// The row as read; `nil` for a work request the operation creates.
    public var before: WorkRequest?
    /// The row as it must be written.
    public var after: WorkRequest

    /// Memberwise.
    public init(before: WorkRequest?, after: WorkRequest) {
        self.before = before
        self.after = after
    }

    /// The id of the changed work request.
    public var id: Int { after.id }
}

/// Collects edits while an operation changes a graph, keeping for each work request the state first read
/// and the state last written, so a work request touched twice yields one edit.
struct WorkRequestEditLog {
    private(set) var graph: WorkRequestGraph
    private var originals: [Int: WorkRequest?] = [:]
    private var order: [Int] = []

    init(_ graph: WorkRequestGraph) {
        self.graph = graph
    }

    mutating func write(_ workRequest: WorkRequest) {
        if originals[workRequest.id] == nil {
            originals[workRequest.id] = .some(graph[workRequest.id])
            order.append(workRequest.id)
        }
        graph = graph.replacing(workRequest)
    }

    var edits: [WorkRequestEdit] {
        order.compactMap { id in
            guard let after = graph[id], let before = originals[id] else { return nil }
            return before == after ? nil : WorkRequestEdit(before: before, after: after)
        }
    }
}

/// A graph operation refused because of the work requests it involves.
public enum WorkRequestGraphError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Two work requests with the same id were given.
    case duplicateWorkRequest(id: Int)
    /// An operation needed a work request the graph does not hold.
    case unknownWorkRequest(id: Int, referencedBy: Int?)
    /// The dependency rule (Debusine `WorkRequest.add_dependency`) refused a dependency.
    case dependencyRefused(workRequestID: Int, dependencyID: Int, reason: String)
    /// An operation was asked about a work request in the wrong state.
    case invalidState(workRequestID: Int, reason: String)
    /// A status change inside the operation was refused.
    case statusChange(StatusChangeError)

    public var description: String {
        switch self {
        case .duplicateWorkRequest(let id):
            "work request \(id) appears twice"
        case .unknownWorkRequest(let id, let referencedBy):
            if let referencedBy {
                "work request \(id), referenced by work request \(referencedBy), is not loaded"
            } else {
                "work request \(id) is not loaded"
            }
        case .dependencyRefused(let id, let dependency, let reason):
            "work request \(id) may not depend on work request \(dependency): \(reason)"
        case .invalidState(let id, let reason):
            "work request \(id): \(reason)"
        case .statusChange(let error):
            error.description
        }
    }
}
