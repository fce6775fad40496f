import Foundation

/// The transitions Kiln adds to those of Debusine's `db/models/work_requests.py` `WorkRequest` (its `mark_*` methods),
/// because its `mark_pending` and its assignment are pipelines across services: each step is a pure function here,
/// persisted like every other transition (one compare-and-set, its event derived from the before/after states by
/// `WorkRequestRepository.apply`).
///
/// ```
/// PENDING/requested ─markedInputsResolved─► PENDING/inputs-resolved ─markedConfigured─► PENDING (schedulable)
/// PENDING, assigned (epoch N) ─recordingDynamicData(forEpoch: N)─► ready to dispatch ─markedRunning─► RUNNING
/// ```
extension WorkRequest {
    /// Step 1 of unblocking: the lookup-resolver resolved the `Stage.pending` inputs; `resolved` (the
    /// serialised `ResolvedPendingInputs`) is kept for the tag-computer.
    public func markedInputsResolved(_ resolved: JSONValue) throws(StatusChangeError) -> WorkRequest {
        try requireStage(.requested, for: .resolvePendingInputs)
        var next = self
        next.pendingStage = .inputsResolved
        next.pendingStageData = resolved
        return next
    }

    /// Step 2 of unblocking: configured, with the task tags frozen. The pipeline is through: the work
    /// request is schedulable, and `pendingAt` says since when (Debusine's `pending_at`, as Kiln's
    /// start-latency measures it).
    ///
    /// - Parameter pendingStageValues: the `Stage.pending` fields' values (`{"task_input_fields": …}`).
    public func markedConfigured(
        configuredTaskData: JSONValue, pendingStageValues: JSONValue, tagsProvided: Set<String>,
        tagsRequired: Set<String>, at now: Date
    ) throws(StatusChangeError) -> WorkRequest {
        try requireStage(.inputsResolved, for: .configure)
        var next = self
        next.pendingStage = nil
        next.pendingAt = now
        next.configuredTaskData = configuredTaskData
        next.pendingStageData = pendingStageValues
        next.schedulerTagsProvided = tagsProvided
        next.schedulerTagsRequired = tagsRequired
        return next
    }

    /// The lookup-resolver computed the dynamic data of assignment `epoch`: it replaces whatever an earlier
    /// assignment had, and the assignment is ready to dispatch.
    ///
    /// - Throws: when the work request is not PENDING on a worker under `epoch`, or already has this
    ///   assignment's data (a duplicate computation must not write twice).
    public func recordingDynamicData(_ data: JSONValue, forEpoch epoch: Int) throws(StatusChangeError) -> WorkRequest {
        guard status == .pending else { throw .wrongStatus(self, .recordDynamicData) }
        guard workerID != nil, assignmentEpoch == epoch else {
            throw StatusChangeError(
                workRequestID: id, transition: .recordDynamicData,
                reason: "assignment \(epoch) is not current (epoch \(assignmentEpoch), "
                    + "\(workerID.map { "worker \($0)" } ?? "no worker"))")
        }
        guard dynamicDataEpoch != epoch else {
            throw StatusChangeError(
                workRequestID: id, transition: .recordDynamicData, reason: "assignment \(epoch) already has its dynamic data")
        }
        var next = self
        next.dynamicTaskData = data
        next.dynamicDataEpoch = epoch
        return next
    }

    /// Back to BLOCKED (a new unfinished dependency): no worker, not started, and out of the unblocking
    /// pipeline — a stage left on a blocked work request would let the pipeline carry on and make it
    /// schedulable before its new dependency finished.
    public func markedBlocked() -> WorkRequest {
        var next = self
        next.status = .blocked
        next.workerID = nil
        next.startedAt = nil
        next.pendingStage = nil
        next.pendingStageData = nil
        return next
    }

    private func requireStage(_ stage: PendingStage, for transition: WorkRequestTransition) throws(StatusChangeError) {
        guard status == .pending else { throw .wrongStatus(self, transition) }
        guard pendingStage == stage else {
            throw StatusChangeError(
                workRequestID: id, transition: transition,
                reason: "pending stage \(pendingStage?.rawValue ?? "none"), expected \(stage.rawValue)")
        }
    }
}
