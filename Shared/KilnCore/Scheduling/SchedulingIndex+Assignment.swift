extension SchedulingIndex {
    /// Proposes up to `limit` assignments in the order Debusine's repeated `schedule()` runs would make them
    /// (Debusine `server/scheduler.py` `schedule`), and applies them tentatively: each proposed work request leaves its
    /// queue and takes a slot of its worker until `confirm` or `rollback`.
    ///
    /// Order: rounds over the workers waiting for work in serving order (Debusine
    /// `WorkerQuerySet.waiting_for_work_request`); in a round each worker with a free slot gets the first work request
    /// in queue order (`WorkRequestQuerySet.pending`) that it may run (tags and task lists,
    /// `get_candidate_work_requests`), at most one per round, like one `schedule_for_worker` call per `schedule()` run.
    /// Rounds repeat until one assigns nothing, so without a limit the result is maximal: no free worker may run any
    /// work request left. Priority is not strict: a lower work request goes first if only it matches a free worker.
    ///
    /// A round cut short by `limit` resumes, in the next call, with the workers after the last one served, so
    /// splitting a run into batches proposes the same pairs as one call (when nothing changed in between).
    ///
    /// The first work request a worker may run is the top of its worker class's candidate heap over the heads
    /// of the task classes it may run, never found by walking pending work requests.
    public mutating func nextAssignments(limit: Int) -> [ProposedAssignment] {
        guard limit > 0 else { return [] }
        reclassifyIfNeeded()
        refreshServingOrder()
        var batch: [ProposedAssignment] = []
        // Slices share the serving order's storage: a batch resuming a round does not copy the rest of it
        // (with batches of one that copy was O(workers) per assignment).
        var candidates: ArraySlice<Int>
        var roundIsPartial: Bool
        if let cursor = roundCursor {
            candidates = servingOrder[firstServingIndex(after: cursor)...]
            roundIsPartial = true
        } else {
            candidates = servingOrder[...]
            roundIsPartial = false
        }
        roundCursor = nil
        while true {
            var servedThisRound: [Int] = []
            for workerID in candidates {
                guard let proposal = propose(forWorker: workerID) else { continue }
                batch.append(proposal)
                servedThisRound.append(workerID)
                if batch.count == limit {
                    roundCursor = workers[workerID]?.worker.orderKey
                    compactIfWorthwhile()
                    return batch
                }
            }
            if roundIsPartial {
                // The rest of a round begun in an earlier call: continue with a full round.
                roundIsPartial = false
                candidates = servingOrder[...]
                continue
            }
            // A worker that got nothing this round gets nothing next round either.
            if servedThisRound.isEmpty { break }
            candidates = servedThisRound[...]
        }
        compactIfWorthwhile()
        return batch
    }

    /// Marks a proposal committed: the work request is assigned (it leaves the index) and counts in the
    /// worker's load.
    ///
    /// - Throws: `SchedulingIndexError.unknownProposal` if this pair is not outstanding.
    public mutating func confirm(_ proposal: ProposedAssignment) throws(SchedulingIndexError) {
        guard let stored = requests[proposal.workRequestID], stored.proposedTo == proposal.workerID else {
            throw .unknownProposal(proposal)
        }
        requests.removeValue(forKey: proposal.workRequestID)
        outstandingProposalCount -= 1
        if workers[proposal.workerID] != nil {
            workers[proposal.workerID]?.outstandingProposals -= 1
            workers[proposal.workerID]?.worker.currentLoad += 1
        }
    }

    /// Undoes a proposal whose commit failed; `reason` says which side lost the race (see `RollbackReason`).
    ///
    /// - Throws: `SchedulingIndexError.unknownProposal` if this pair is not outstanding.
    public mutating func rollback(
        _ proposal: ProposedAssignment,
        because reason: RollbackReason
    )
        throws(SchedulingIndexError)
    {
        guard let stored = requests[proposal.workRequestID], stored.proposedTo == proposal.workerID else {
            throw .unknownProposal(proposal)
        }
        requests.removeValue(forKey: proposal.workRequestID)
        outstandingProposalCount -= 1
        if workers[proposal.workerID] != nil {
            workers[proposal.workerID]?.outstandingProposals -= 1
            if reason == .workerChanged { workers[proposal.workerID]?.awaitingReread = true }
        }
        if reason != .workRequestTaken, !stored.isWithdrawn { enqueue(stored.request) }
    }

    // MARK: One proposal

    /// Gives the worker the best work request it may run, if it has a free slot and there is one.
    ///
    /// Records are reached through `Dictionary.Values` at a looked-up index, which reads and updates them in
    /// place: `workers[id]?.field` copied or moved the whole record (tag sets and all) on every proposal.
    mutating func propose(forWorker workerID: Int) -> ProposedAssignment? {
        guard let workerIndex = workers.index(forKey: workerID), workers.values[workerIndex].freeSlots > 0 else {
            return nil
        }
        let workerClassID = workers.values[workerIndex].workerClassID
        // Nothing was queued since a worker of this class found nothing: the pending set only shrank since.
        guard candidateCaches[workerClassID].foundNoWorkAtEnqueueCount != enqueueCount else { return nil }
        updateEligibility(of: workerClassID)
        guard let taskClassID = bestEligibleTaskClass(for: workerClassID), let head = heads[taskClassID] else {
            candidateCaches[workerClassID].foundNoWorkAtEnqueueCount = enqueueCount
            return nil
        }
        // The head is the live top of the class queue (refreshHead keeps it so).
        taskClasses[taskClassID].queue.removeTop()
        taskClasses[taskClassID].pendingCount -= 1
        if let requestIndex = requests.index(forKey: head.id) { requests.values[requestIndex].proposedTo = workerID }
        refreshHead(of: taskClassID)
        workers.values[workerIndex].outstandingProposals += 1
        outstandingProposalCount += 1
        return ProposedAssignment(workRequestID: head.id, workerID: workerID)
    }

    /// Index in `servingOrder` of the first worker served after `cursor`.
    func firstServingIndex(after cursor: WorkerOrderKey) -> Int {
        var low = 0
        var high = servingOrder.count
        while low < high {
            let middle = (low + high) / 2
            if let key = workers[servingOrder[middle]]?.worker.orderKey, !(cursor < key) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}
