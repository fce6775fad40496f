import Foundation
import KilnCore

extension WorkRequestOperations {
    /// Completes a work request with result `error` and `output_data.errors = [error]` because a pipeline
    /// stage failed for it (Debusine `WorkRequest.record_configuration_error`, `server/scheduler.py`
    /// `_assign_work_request_to_worker_or_error`), cascading to its reverse dependencies
    /// (`WorkRequest.unblock_reverse_dependencies`) in the caller's transaction.
    ///
    /// A work request that fails at its assignment completes with no worker, as the assignment is undone.
    /// A work request still being unblocked is PENDING in the core (with its pipeline stage), so it completes
    /// like any PENDING one; a BLOCKED one (only a poison event reaches this for it) is marked pending first,
    /// since the core's state machine only completes PENDING or RUNNING work requests. The write is a
    /// compare-and-set against the row as read here; `WorkRequestRepository.apply` enqueues `wr.completed`
    /// (and `wr.unblocked`/`wr.aborted` for the dependants it changes) and drops the lease and work-request
    /// tokens.
    ///
    /// - Throws: `RepositoryError.notFound`; `StatusChangeError` when the work request cannot be completed
    ///   (already terminated); `RepositoryError.concurrentUpdate` when another writer changed a row
    ///   meanwhile (the caller's transaction rolls back and may be retried).
    public static func completeWithPipelineError(
        _ id: Int, error: WorkRequestError, at now: Date = Date(), on conn: PGConnection
    ) async throws -> DependencyOutcome {
        guard await conn.isInTransaction else {
            throw PGError.notInTransaction(operation: "WorkRequestOperations.completeWithPipelineError")
        }
        let stored = try await WorkRequestRepository.require(id: id, on: conn)
        let current = stored.workRequest
        let unblocking = current.status == .blocked ? try current.markedPending(at: now) : current
        // A failure at assignment (configure or dynamic data) leaves no worker: Debusine's
        // `_assign_work_request_to_worker` is atomic, so its failure rolls the assignment back before
        // `_assign_work_request_to_worker_or_error` completes the work request.
        let unassigned = unblocking.status == .pending && unblocking.workerID != nil ? try unblocking.deAssigned() : unblocking
        let completed = try unassigned.markedCompleted(
            result: .error, outputData: OutputData(errors: [error]), at: now)
        let outcome = try await terminate(stored, as: completed, at: now, on: conn)
        if let worker = unblocking.workerID, unassigned.workerID == nil {
            // `wr.completed` can no longer name the worker (the row no longer does): the scheduler re-reads it
            // from `worker.ready`, so the slot this assignment held is free at once.
            try await EventOutbox.enqueue(.workerReady(WorkerID(worker)), on: conn)
        }
        return outcome
    }
}
