import Foundation
import KilnCore

extension WorkRequestOperations {
    /// The one way a work request terminates (COMPLETED or ABORTED): its compare-and-set and what the
    /// termination does to its reverse dependencies (Debusine `WorkRequest.unblock_reverse_dependencies`: the tolerant
    /// ones are unblocked, the others aborted, transitively), written in the caller's transaction, with their events
    /// (`wr.completed` / `wr.aborted`, `wr.unblocked`) in the outbox. A completed run is recorded in the task
    /// history its workspace sees (`TaskHistoryRecorder`).
    ///
    /// **Owner of the dependency cascade**: the transaction that terminates a work request — the
    /// worker-gateway for a worker's result or its reconnection rules, the scheduler for a lease expiry or
    /// internal work, the lookup-resolver and the tag-computer for a pipeline error, `kiln abort` for a
    /// user's abort. Nobody cascades later on `wr.completed`: a dependant is never left waiting on a
    /// terminated work request, even for the time an event takes.
    ///
    /// - Parameters:
    ///   - before: the row as read in this transaction.
    ///   - terminated: the core's terminated state of it.
    ///   - workersToStop: for aborts, the worker each aborted work request's `wr.aborted` names.
    /// - Returns: the cascade (the dependants unblocked and aborted), for the caller's log line.
    /// - Throws: `RepositoryError.concurrentUpdate` when any row changed meanwhile (the caller's
    ///   transaction rolls everything back and the event is retried).
    @discardableResult
    public static func terminate(
        _ before: StoredWorkRequest, as terminated: WorkRequest, at now: Date = Date(),
        workersToStop: [Int: Int] = [:], on conn: PGConnection
    ) async throws -> DependencyOutcome {
        guard terminated.status.isTerminated else {
            throw RepositoryError.invalid(
                "work request \(terminated.id) is \(terminated.status.rawValue), not terminated: nothing to cascade")
        }
        // Lock the row, then its BLOCKED dependants (in id order, so two terminations sharing a dependant
        // queue instead of deadlocking), before reading the graph. Without this, two dependencies of one
        // work request terminating at once each saw the other still running and neither unblocked it; and
        // a submission naming this row as a dependency (it takes a share lock on it) could miss the
        // termination while the termination missed the new dependant. READ COMMITTED: the statements after
        // a wait see what the other transaction committed.
        try await conn.query("SELECT id FROM work_requests WHERE id = $1 FOR NO KEY UPDATE", terminated.id)
        try await conn.query(
            """
            SELECT w.id FROM work_request_dependencies d JOIN work_requests w ON w.id = d.work_request_id
            WHERE d.depends_on_id = $1 AND w.status = 'blocked' ORDER BY w.id FOR NO KEY UPDATE OF w
            """, terminated.id)
        // A dependant already being unblocked is PENDING (with its pipeline stage): a repeated or concurrent
        // termination neither unblocks it twice nor aborts it.
        let graph = try await loadGraph(around: [terminated.id], on: conn)
        let cascade = try graph.replacing(terminated).applyingTermination(of: terminated.id, at: now)
        try await WorkRequestRepository.apply(
            [WorkRequestEdit(before: before.workRequest, after: terminated)] + cascade.edits,
            workersToStop: workersToStop, on: conn)
        try await TaskHistoryRecorder.record(terminated, on: conn)
        return cascade
    }
}
