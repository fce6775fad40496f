/// Which events a persisted transition announces, read from the work request before and after it — so
/// no writer chooses its own event, and a transition that changes nothing observable announces nothing.
/// `WorkRequestRepository.apply` (module Store) enqueues them in the transaction of the compare-and-set.
extension WorkRequest {
    /// The events of the transition from `before` (`nil`: the row is being inserted) to `self`.
    ///
    /// - Parameter workerToStop: for an abort, the worker the event should name when the work request's
    ///   own assignment does not (a caller that already cleared it).
    public func events(since before: WorkRequest?, workerToStop: Int? = nil) -> [KilnEvent] {
        let id = WorkRequestID(self.id)
        var events: [KilnEvent] = []
        // Kiln's unblocking pipeline, one event per step.
        if pendingStage == .requested && before?.pendingStage != .requested {
            events.append(.unblocked(id))
        }
        if pendingStage == .inputsResolved && before?.pendingStage != .inputsResolved {
            events.append(.inputsResolved(id))
        }
        // Schedulable now and not before: configured, de-assigned, or put back to PENDING by a retry.
        if let before, isWaitingForWorker, !before.isWaitingForWorker {
            events.append(.pending(id))
        }
        // Still waiting, at another priority (`kiln manage --set-priority-adjustment`): the scheduler re-reads it.
        if let before, isWaitingForWorker, before.isWaitingForWorker, effectivePriority != before.effectivePriority {
            events.append(.pending(id))
        }
        // A new assignment, and its dynamic data becoming ready.
        if let worker = workerID, status == .pending, assignmentEpoch != before?.assignmentEpoch {
            events.append(.assigned(Assignment(workRequest: id, worker: WorkerID(worker), epoch: Epoch(assignmentEpoch))))
        }
        if let worker = workerID, isReadyToDispatch, before?.isReadyToDispatch != true {
            events.append(.dispatch(Assignment(workRequest: id, worker: WorkerID(worker), epoch: Epoch(assignmentEpoch))))
        }
        if status == .completed && before?.status != .completed {
            events.append(.completed(id))
        }
        if status == .aborted && before?.status != .aborted {
            let worker = workerToStop ?? before?.workerID
            events.append(
                .aborted(
                    AbortedWorkRequest(
                        workRequest: id, worker: worker.map { WorkerID($0) },
                        epoch: worker == nil ? nil : before.map { Epoch($0.assignmentEpoch) })))
        }
        return events
    }

    /// PENDING, through the unblocking pipeline, with no worker: what the scheduler's queue holds.
    var isWaitingForWorker: Bool { status == .pending && pendingStage == nil && workerID == nil }
}
