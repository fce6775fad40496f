import Foundation

/// What the worker gateway does when a worker asks for its next work request (Debusine 0.16 `server/views/workers.py`
/// `GetNextWorkRequestView.select_work_request`), typically right after it (re)connected. Computed from the worker's
/// own work requests only; the gateway persists it (each change a compare-and-set) and runs the superseding retries it
/// names.
public struct WorkerNextRequestDecision: Hashable, Sendable {
    /// What the worker gets.
    public enum Outcome: Hashable, Sendable {
        /// A completion report of one of its work requests is still being processed: answer "nothing"
        /// (HTTP 204) and change nothing, so the report is not raced.
        case completionInProgress
        /// A RUNNING work request without output is handed back (same work request, not superseded),
        /// with `retry_count + 1` and a new assignment epoch already applied.
        case handBack(WorkRequest)
        /// The best PENDING work request assigned to it, to be marked RUNNING and sent.
        case start(WorkRequest)
        /// Nothing to do (HTTP 204).
        case nothing
    }

    /// Work requests that hit the retry limit, already ABORTED with `work-request-retry-limit-exceeded`.
    public var abortedForRetryLimit: [WorkRequest]
    /// RUNNING work requests that already produced output: each gets a superseding retry with
    /// `workerFailed` and `forceStatus` (`WorkRequestGraph.supersedingRetry`).
    public var supersede: [Int]
    /// What the worker gets.
    public var outcome: Outcome

    /// The error recorded on work request `id` aborted because its workers failed too often, worded as Debusine's
    /// `GetNextWorkRequestView.select_work_request` words it (test `test_get_running_work_request_retry_limit`).
    public static func retryLimitExceededError(_ id: Int) -> WorkRequestError {
        WorkRequestError(
            message: "No worker managed to complete work request \(id). Automatic retry limit exceeded.",
            code: "work-request-retry-limit-exceeded")
    }

    /// Decides `get-next` for a worker.
    ///
    /// Steps (Debusine 0.16): (1) a completion report in progress → nothing; (2) each RUNNING work request with no
    /// artifact yet ("reassignable"), best first: at `retry_count ≥ 3` it is ABORTED with
    /// `work-request-retry-limit-exceeded`, otherwise it is handed back with `retry_count + 1` and the
    /// decision stops there; (4) RUNNING work requests with output get a superseding retry; (5) the best
    /// PENDING one is started. Step 3 (locking workflows, "retry later") belongs to the gateway.
    ///
    /// Debusine's `WorkRequestQuerySet.reassignable` matches PENDING and RUNNING, but `select_work_request` applies it
    /// to the worker's RUNNING ones only, and so does Kiln: a PENDING work request was never handed out, so giving it
    /// is a first start rather than a retry, and counting it would make step 5 unreachable and burn retries of work
    /// that never ran.
    ///
    /// - Parameters:
    ///   - assigned: the work requests assigned to the worker (others are ignored).
    ///   - producedOutput: ids of work requests that have created at least one artifact.
    ///   - completionInProgress: whether a completion report from this worker is still being processed.
    public static func decide(
        worker: Int, assigned: [WorkRequest], producedOutput: Set<Int>, completionInProgress: Bool, at now: Date
    ) -> WorkerNextRequestDecision {
        if completionInProgress {
            return WorkerNextRequestDecision(abortedForRetryLimit: [], supersede: [], outcome: .completionInProgress)
        }
        let mine = assigned.filter { $0.workerID == worker }.sorted(by: WorkRequestQueueOrder.precedes)
        let running = mine.filter { $0.status == .running }
        var aborted: [WorkRequest] = []
        for candidate in running where !producedOutput.contains(candidate.id) {
            if candidate.workflowData.retryCount >= WorkRequestRetryReason.maxAutomaticRetries {
                aborted.append(
                    candidate.markedAborted(outputData: OutputData(errors: [retryLimitExceededError(candidate.id)]), at: now))
                continue
            }
            var handedBack = candidate
            handedBack.workflowData.retryCount += 1
            // A new epoch fences the previous incarnation of the worker: a late result it still sends for
            // this work request is refused.
            handedBack.assignmentEpoch += 1
            // The same work goes back to the same worker: the dynamic data computed for the assignment
            // travels with it to the new epoch.
            if candidate.dynamicDataEpoch == candidate.assignmentEpoch {
                handedBack.dynamicDataEpoch = handedBack.assignmentEpoch
            }
            return WorkerNextRequestDecision(abortedForRetryLimit: aborted, supersede: [], outcome: .handBack(handedBack))
        }
        let supersede = running.filter { producedOutput.contains($0.id) }.map(\.id)
        let outcome: Outcome = mine.first { $0.status == .pending }.map { .start($0) } ?? .nothing
        return WorkerNextRequestDecision(abortedForRetryLimit: aborted, supersede: supersede, outcome: outcome)
    }
}
