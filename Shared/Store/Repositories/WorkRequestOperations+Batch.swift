import Foundation
import KilnCore

/// One work request of a batch submission: the validated submission (its `dependencyIDs` name work
/// requests that already exist) and the earlier entries of the same batch it depends on, by position.
public struct BatchSubmissionEntry: Hashable, Sendable {
    /// The submission, validated against the task registry.
    public var validated: ValidatedWorkRequestSubmission
    /// Positions (0-based) of EARLIER entries of the batch that must terminate first: an entry cannot name
    /// itself or a later one, so a batch can never hold a dependency cycle.
    public var afterPositions: [Int]

    /// Creates an entry.
    public init(_ validated: ValidatedWorkRequestSubmission, afterPositions: [Int] = []) {
        self.validated = validated
        self.afterPositions = afterPositions
    }
}

extension WorkRequestOperations {
    /// Submits many work requests in the caller's transaction, with the same outcome as calling
    /// ``submit(_:at:on:)`` for each in order — every one inserted BLOCKED, its dependencies added under
    /// the core's dependency rule, then settled by the core (`WorkRequestGraph.settlingBlocked`): unblocking
    /// requested with a `wr.unblocked` event, ABORTED with its cascade when a dependency already failed, or
    /// left BLOCKED — but in a handful of statements instead of five or six per work request: ids in one
    /// `nextval` call, rows and dependencies in one `unnest` insert each, the graph loaded once, the
    /// unblocking written as one compare-and-set over all rows and its events as one outbox insert. Only
    /// the rare aborts go through ``WorkRequestRepository/apply(_:workersToStop:on:)`` one by one.
    ///
    /// - Returns: one outcome per entry, in order.
    /// - Throws: `RepositoryError.invalid` for an `afterPositions` entry that is not an earlier position
    ///   (naming the entry), `RepositoryError.notFound` for a missing dependency, the core's
    ///   `WorkRequestGraphError.dependencyRefused`, `RepositoryError.concurrentUpdate` when a row changed
    ///   under the transaction (nothing is kept: the caller's transaction rolls back).
    public static func submitBatch(
        _ entries: [BatchSubmissionEntry],
        at now: Date = Date(),
        on conn: PGConnection
    ) async throws -> [SubmitOutcome] {
        guard await conn.isInTransaction else {
            throw PGError.notInTransaction(operation: "WorkRequestOperations.submitBatch")
        }
        guard !entries.isEmpty else { return [] }
        for (position, entry) in entries.enumerated() {
            if let bad = entry.afterPositions.first(where: { $0 < 0 || $0 >= position }) {
                throw RepositoryError.invalid(
                    "entry \(position) depends on position \(bad): only earlier entries (0…\(position - 1)) can be named")
            }
        }
        let ids = try await WorkRequestRepository.insertAll(
            entries.map(\.validated),
            batchDependencies: entries.map(\.afterPositions),
            on: conn)
        let graph = try await loadGraph(around: ids, on: conn)
        var firstBefore: [Int: WorkRequest] = [:]
        var lastAfter: [Int: WorkRequest] = [:]
        var order: [Int] = []
        var settled: Set<Int> = []
        // Each new work request is settled in the part of the graph it is connected to, not in the whole
        // batch: every graph operation returns a new graph, and copying ten thousand rows per work request
        // made a batch quadratic (338 work requests a second at 10,000, 1,900 at 1,000).
        for component in Self.components(of: graph, containing: ids) {
            var part = try WorkRequestGraph(component.members.map { try graph.require($0) })
            for id in component.newIDs { try checkDependencyRule(of: id, in: part) }
            for id in component.newIDs {
                let outcome = try part.settlingBlocked(id, at: now)
                part = outcome.graph
                for edit in outcome.edits {
                    guard let before = edit.before else {
                        throw RepositoryError.invalid("settling work request \(id) planned an insertion")
                    }
                    if firstBefore[edit.id] == nil {
                        firstBefore[edit.id] = before
                        order.append(edit.id)
                    }
                    lastAfter[edit.id] = edit.after
                }
                settled.insert(id)
            }
        }
        // Each outcome from the work request's final state, as one-by-one submission reports it: there, a
        // later entry did not exist yet when an earlier one was aborted, so it reports its own abort (a
        // dependency already failed) and the earlier one does not list it.
        let outcomes = try ids.map { id in
            guard settled.contains(id) else {
                throw RepositoryError.invalid("work request \(id) of the batch was not settled")
            }
            let final = lastAfter[id]?.status
            return SubmitOutcome(id: id, unblocked: final == .pending, aborted: final == .aborted ? [id] : [])
        }
        let newIDs = Set(ids)
        var unblocked: [Int] = []
        var others: [WorkRequestEdit] = []
        for id in order {
            guard let before = firstBefore[id], let after = lastAfter[id] else { continue }
            // Settling a new work request only changes it and its new dependants: anything else would mean
            // the graph rules changed, and this fast path would no longer be the same as submit.
            guard newIDs.contains(id) else {
                throw RepositoryError.invalid("settling the batch planned a change to existing work request \(id)")
            }
            if before.pendingStage == nil, after.pendingStage == .requested, before.status == .blocked {
                unblocked.append(id)
            } else {
                others.append(WorkRequestEdit(before: before, after: after))
            }
        }
        try await WorkRequestRepository.requestUnblocking(unblocked, on: conn)
        try await EventOutbox.enqueueAll(unblocked.map { .unblocked(WorkRequestID($0)) }, on: conn)
        try await WorkRequestRepository.apply(others, on: conn)
        return outcomes
    }

    /// The connected parts of `graph` (through dependencies, parents and supersession, the links the core's
    /// operations follow) that hold any of `newIDs`, each with its new work requests in ascending id order
    /// (the batch's order), in the order of their first new work request.
    static func components(
        of graph: WorkRequestGraph, containing newIDs: [Int]
    ) -> [(members: [Int], newIDs: [Int])] {
        var root: [Int: Int] = [:]
        func find(_ id: Int) -> Int {
            var current = id
            while let parent = root[current], parent != current { current = parent }
            var walk = id
            while let parent = root[walk], parent != current {  // path compression
                root[walk] = current
                walk = parent
            }
            return current
        }
        func union(_ a: Int, _ b: Int) {
            guard graph[b] != nil else { return }  // a link to a row the graph does not hold
            let (ra, rb) = (find(a), find(b))
            if ra != rb { root[max(ra, rb)] = min(ra, rb) }
        }
        for id in graph.workRequests.keys { root[id] = id }
        for request in graph.workRequests.values {
            for dependency in request.dependencyIDs { union(request.id, dependency) }
            if let parent = request.parentID { union(request.id, parent) }
            if let superseded = request.supersedesID { union(request.id, superseded) }
        }
        var members: [Int: [Int]] = [:]
        for id in graph.workRequests.keys { members[find(id), default: []].append(id) }
        var seen: Set<Int> = []
        var parts: [(members: [Int], newIDs: [Int])] = []
        var newByRoot: [Int: [Int]] = [:]
        for id in newIDs.sorted() { newByRoot[find(id), default: []].append(id) }
        for id in newIDs.sorted() {
            let component = find(id)
            guard seen.insert(component).inserted else { continue }
            parts.append((members[component, default: []].sorted(), newByRoot[component, default: []]))
        }
        return parts
    }
}
