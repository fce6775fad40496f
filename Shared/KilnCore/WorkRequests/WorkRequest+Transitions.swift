import Foundation

/// The transitions of Debusine's `db/models/work_requests.py` `WorkRequest` (`mark_pending`, `mark_running`,
/// `mark_completed`, `mark_aborted`, `assign_worker`, `de_assign_worker`) as pure functions: each returns the changed
/// copy or throws a `StatusChangeError`.
///
/// Side effects that need other work requests (reverse dependencies, the parent workflow) live in
/// `WorkRequestGraph`; side effects that need the outside world (tokens, notifications, reactions) are the
/// services' business once the compare-and-set has committed.
extension WorkRequest {
    /// `mark_pending` (unblock): BLOCKED → PENDING; sets `pendingAt`, clears the result and `completedAt`.
    /// From BLOCKED the work request enters Kiln's unblocking pipeline (``PendingStage/requested``): it is
    /// PENDING for every rule of the core, and schedulable — with `pendingAt` — once
    /// ``markedConfigured(configuredTaskData:pendingStageValues:tagsProvided:tagsRequired:at:)`` ends the
    /// pipeline.
    ///
    /// - Parameter force: accept any status (workflow and callback retries set work requests back to
    ///   pending). A forced change also drops the worker assignment and `startedAt`: Kiln re-schedules a
    ///   re-pended work request from scratch (its configuration and tags are recomputed at PENDING time),
    ///   so keeping a stale worker would let the old worker pick it up without a fresh assignment.
    public func markedPending(at now: Date, force: Bool = false) throws(StatusChangeError) -> WorkRequest {
        guard force || WorkRequestTransition.markPending.allowedSources.contains(status) else {
            throw .wrongStatus(self, .markPending)
        }
        var next = self
        next.status = .pending
        next.result = .none
        next.completedAt = nil
        // From BLOCKED it enters Kiln's pipeline: `pendingAt` is set when the pipeline makes it schedulable
        // (`markedConfigured`), the moment Debusine's PENDING work request could be assigned.
        if status == .blocked { next.pendingStage = .requested } else { next.pendingAt = now }
        if force && status != .blocked {
            next.workerID = nil
            next.startedAt = nil
        }
        return next
    }

    /// Assigns a worker: PENDING without a worker → PENDING with `workerID`, and a new assignment epoch.
    ///
    /// Only Worker, Server and Signing work requests go to workers; the others are handled by the
    /// scheduler itself (Debusine `server/scheduler.py` `get_candidate_work_requests`).
    public func assigned(toWorker worker: Int) throws(StatusChangeError) -> WorkRequest {
        guard status == .pending else { throw .wrongStatus(self, .assignWorker) }
        if let pendingStage {
            throw StatusChangeError(
                workRequestID: id, transition: .assignWorker, reason: "still being unblocked (\(pendingStage.displayName))")
        }
        guard needsWorker else {
            throw StatusChangeError(
                workRequestID: id, transition: .assignWorker,
                reason: "task type \(taskType.rawValue) never runs on a worker")
        }
        if let workerID {
            throw StatusChangeError(
                workRequestID: id, transition: .assignWorker, reason: "already assigned to worker \(workerID)")
        }
        var next = self
        next.workerID = worker
        next.assignmentEpoch += 1
        return next
    }

    /// `mark_running`: PENDING → RUNNING, setting `startedAt`; RUNNING stays as it is (no-op).
    ///
    /// Guards: a work request that needs a worker must have one, and that worker must run fewer work
    /// requests than its concurrency (`workerLoad`, required for those types); Debusine 0.16 every type but
    /// Internal must have configured task data.
    public func markedRunning(
        at now: Date, workerLoad: WorkerRunningLoad? = nil
    ) throws(StatusChangeError) -> WorkRequest {
        if status == .running { return self }
        guard status == .pending else { throw .wrongStatus(self, .markRunning) }
        if let pendingStage {
            throw StatusChangeError(
                workRequestID: id, transition: .markRunning, reason: "still being unblocked (\(pendingStage.displayName))")
        }
        if needsWorker {
            guard let workerID else {
                throw StatusChangeError(workRequestID: id, transition: .markRunning, reason: "no worker assigned")
            }
            guard let workerLoad else {
                throw StatusChangeError(
                    workRequestID: id, transition: .markRunning,
                    reason: "the load of worker \(workerID) is unknown")
            }
            guard workerLoad.runningCount < workerLoad.concurrency else {
                throw StatusChangeError(
                    workRequestID: id, transition: .markRunning,
                    reason: "worker \(workerID) already runs \(workerLoad.runningCount) of "
                        + "\(workerLoad.concurrency) work requests")
            }
        }
        if taskType != .internal && configuredTaskData == nil {
            throw StatusChangeError(workRequestID: id, transition: .markRunning, reason: "no configured task data")
        }
        var next = self
        next.status = .running
        next.startedAt = now
        return next
    }

    /// `mark_completed(result)`: PENDING or RUNNING → COMPLETED with a real result; sets `completedAt`
    /// and merges `outputData` into what was reported before.
    public func markedCompleted(
        result: WorkRequestResult, outputData: OutputData? = nil, at now: Date
    ) throws(StatusChangeError) -> WorkRequest {
        guard WorkRequestTransition.markCompleted.allowedSources.contains(status) else {
            throw .wrongStatus(self, .markCompleted)
        }
        guard result != .none else {
            throw StatusChangeError(workRequestID: id, transition: .markCompleted, reason: "result must not be empty")
        }
        var next = self
        next.status = .completed
        // Completed by a failure of the unblocking pipeline (`configure-failed`): Debusine marks it pending and
        // then records the error, so it has a `pending_at` like any work request that was pending.
        if pendingStage != nil, pendingAt == nil { next.pendingAt = now }
        next.pendingStage = nil
        next.result = result
        next.completedAt = now
        next.outputData = OutputData.merge(self.outputData, outputData)
        return next
    }

    /// `mark_aborted`: any status → ABORTED; records who aborted (nil for the system) and when, merges
    /// `outputData`. The worker assignment is kept so the caller knows which worker to tell to stop
    /// (Debusine never tells it; Kiln does).
    public func markedAborted(
        by user: Int? = nil, outputData: OutputData? = nil, at now: Date
    ) -> WorkRequest {
        var next = self
        next.status = .aborted
        next.pendingStage = nil
        next.abortedBy = user
        next.completedAt = now
        next.outputData = OutputData.merge(self.outputData, outputData)
        return next
    }

    /// `de_assign_worker`: PENDING or RUNNING → PENDING with no worker and no `startedAt` (an admin
    /// disabled the worker; the work request goes back to the queue).
    public func deAssigned() throws(StatusChangeError) -> WorkRequest {
        guard WorkRequestTransition.deAssignWorker.allowedSources.contains(status) else {
            throw .wrongStatus(self, .deAssignWorker)
        }
        var next = self
        next.status = .pending
        next.workerID = nil
        next.startedAt = nil
        return next
    }

    /// Checks that a worker's result belongs to the current assignment: the work request is RUNNING on
    /// that worker and the result carries the current `assignmentEpoch`. Anything else is a late or
    /// duplicated result and must not change the work request.
    public func checkResult(fromWorker worker: Int, epoch: Int) throws(StaleResultError) {
        guard status == .running else {
            throw StaleResultError(workRequestID: id, reason: "status \(status.rawValue), expected running")
        }
        guard workerID == worker else {
            let holder = workerID.map { "worker \($0)" } ?? "no worker"
            throw StaleResultError(workRequestID: id, reason: "sent by worker \(worker), assigned to \(holder)")
        }
        guard epoch == assignmentEpoch else {
            throw StaleResultError(
                workRequestID: id, reason: "assignment epoch \(epoch), current epoch \(assignmentEpoch)")
        }
    }
}
