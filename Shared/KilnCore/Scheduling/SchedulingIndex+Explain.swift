extension SchedulingIndex {
    /// Explains, for every worker class present, whether it may run `request` and if not why: the tags each
    /// side lacks (`TagMatching.explain`) and a task-list refusal; plus how many of its workers are busy.
    ///
    /// Works for any work request, held by the index or not (e.g. one not yet pending).
    public func explain(_ request: PendingWorkRequest) -> WorkRequestExplanation {
        var order: [Int] = []
        var members: [Int: [Int]] = [:]
        var busy: [Int: Int] = [:]
        for workerID in workerIDsInServingOrder() {
            guard let state = workers[workerID] else { continue }
            let classID = state.workerClassID
            if members[classID] == nil { order.append(classID) }
            members[classID, default: []].append(workerID)
            if state.freeSlots == 0 { busy[classID, default: 0] += 1 }
        }
        let taskTags = request.schedulingTags
        let explanations = order.compactMap { classID -> WorkerClassExplanation? in
            guard let workerClass = workerClasses[classID] else { return nil }
            let workerTags = SchedulingTags(provided: workerClass.providedTags, required: workerClass.requiredTags)
            return WorkerClassExplanation(
                providedTags: workerClass.providedTags.sorted(),
                requiredTags: workerClass.requiredTags.sorted(),
                taskNameFilter: workerClass.key.taskNameFilter,
                workerIDs: members[classID, default: []],
                tagMismatch: TagMatching.explain(taskTags, on: workerTags),
                taskNameRejection: workerClass.key.taskNameFilter.rejection(of: request.taskName),
                busyWorkers: busy[classID, default: 0]
            )
        }
        return WorkRequestExplanation(workRequestID: request.id, workerClasses: explanations)
    }

    /// Explains a work request the index holds (pending or out in a proposal).
    ///
    /// - Throws: `SchedulingIndexError.unknownWorkRequest` if it is not held.
    public func explain(workRequestID: Int) throws(SchedulingIndexError) -> WorkRequestExplanation {
        guard let stored = requests[workRequestID], !stored.isWithdrawn else {
            throw .unknownWorkRequest(id: workRequestID)
        }
        return explain(stored.request)
    }
}
