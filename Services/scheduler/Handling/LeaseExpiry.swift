import Foundation
import KilnCore
import Store

/// What the scheduler does when a worker stops renewing a lease (the rules of Debusine `server/views/workers.py`
/// `GetNextWorkRequestView.select_work_request`; the worker-gateway renews leases on heartbeats and owns the worker's
/// liveness, the scheduler owns the work request):
///
/// - no artifact produced yet ("reassignable"): a RUNNING work request goes back to the queue — the same
///   work request, unassigned, `retry_count + 1`, a new assignment epoch fencing the silent worker — unless
///   `retry_count` already reached 3, in which case it is ABORTED with `work-request-retry-limit-exceeded`;
/// - artifacts produced: a superseding retry (`WORKER_FAILED`, `force_status`), or an abort when the retry
///   is refused;
/// - a PENDING work request that was assigned but never started is de-assigned without counting a retry
///   (the same choice as `WorkerNextRequestDecision`: it was never handed out, so nothing failed).
///
/// The scheduler does not declare the worker gone: only the gateway knows whether it still talks to it.
enum LeaseExpiry {
    /// What was done with one expired lease.
    enum Outcome: String {
        case requeued, aborted, superseded, stale
    }

    /// Handles one expired lease in the caller's transaction (every write a compare-and-set).
    static func handle(_ lease: ExpiredLease, at now: Date, on conn: PGConnection) async throws -> Outcome {
        guard let stored = try await WorkRequestRepository.load(id: lease.workRequestID, on: conn) else {
            return .stale
        }
        let workRequest = stored.workRequest
        guard workRequest.status == .pending || workRequest.status == .running,
            workRequest.workerID == lease.workerID, workRequest.assignmentEpoch == lease.epoch
        else {
            try await WorkRequestRepository.deleteLease(lease, on: conn)
            return .stale
        }
        if workRequest.status == .running, try await WorkRequestRepository.hasProducedArtifact(workRequest.id, on: conn) {
            return try await supersede(stored, at: now, on: conn)
        }
        var after: WorkRequest
        let outcome: Outcome
        if workRequest.status == .running
            && workRequest.workflowData.retryCount >= WorkRequestRetryReason.maxAutomaticRetries
        {
            let aborted = workRequest.markedAborted(
                outputData: OutputData(errors: [WorkerNextRequestDecision.retryLimitExceededError]), at: now)
            try await WorkRequestOperations.terminate(stored, as: aborted, at: now, on: conn)
            return .aborted
        } else {
            after = try workRequest.deAssigned()
            if workRequest.status == .running { after.workflowData.retryCount += 1 }
            // A new epoch fences the silent worker: a late result it sends for this assignment is refused.
            after.assignmentEpoch += 1
            outcome = .requeued
        }
        try await WorkRequestRepository.apply([WorkRequestEdit(before: workRequest, after: after)], on: conn)
        return outcome
    }

    private static func supersede(_ stored: StoredWorkRequest, at now: Date, on conn: PGConnection) async throws -> Outcome {
        switch try await WorkRequestOperations.retryAfterWorkerFailure(stored.workRequest.id, at: now, on: conn) {
        case .superseded:
            return .superseded
        case .refused(let error):
            let aborted = stored.workRequest.markedAborted(outputData: OutputData(errors: [error]), at: now)
            try await WorkRequestOperations.terminate(stored, as: aborted, at: now, on: conn)
            return .aborted
        }
    }
}
