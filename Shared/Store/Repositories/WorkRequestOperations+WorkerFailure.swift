import Foundation
import KilnCore

extension WorkRequestOperations {
    /// What ``retryAfterWorkerFailure(_:at:on:)`` did.
    public enum WorkerFailureRetry: Sendable, Hashable {
        /// A superseding retry was written; `newID` replaces the failed work request.
        case superseded(newID: Int)
        /// No retry was possible: the caller aborts the work request with this error through `terminate`,
        /// which settles its dependants in the same transaction.
        case refused(WorkRequestError)
    }

    /// As in Debusine's `server/views/workers.py` `GetNextWorkRequestView.select_work_request`: a work request whose
    /// worker failed after it produced output is superseded by a retry (`WORKER_FAILED`, `force_status`), written in
    /// the caller's transaction. One place for the lease expiry (scheduler) and the reconnect recovery
    /// (worker-gateway), so both refuse the same way: the limit gives `work-request-retry-limit-exceeded`, any other
    /// refusal — including a graph that cannot take the retry — `work-request-retry-refused` (Debusine 0.12 swallows
    /// `CannotRetry` and leaves the work request aborted).
    public static func retryAfterWorkerFailure(_ id: Int, at now: Date, on conn: PGConnection) async throws
        -> WorkerFailureRetry
    {
        let graph = try await loadGraph(around: [id], on: conn)
        do {
            let newID = try await WorkRequestRepository.allocateID(on: conn)
            let plan = try graph.supersedingRetry(of: id, reason: .workerFailed, newID: newID, at: now, forceStatus: true)
            try await WorkRequestRepository.apply(
                [WorkRequestEdit(before: nil, after: plan.newWorkRequest)] + plan.edits, on: conn)
            return .superseded(newID: newID)
        } catch let refusal as RetryRefusal {
            if case .limitReached = refusal { return .refused(WorkerNextRequestDecision.retryLimitExceededError(id)) }
            return .refused(WorkRequestError(message: refusal.description, code: "work-request-retry-refused"))
        } catch let error as WorkRequestGraphError {
            return .refused(WorkRequestError(message: "\(error)", code: "work-request-retry-refused"))
        }
    }
}
