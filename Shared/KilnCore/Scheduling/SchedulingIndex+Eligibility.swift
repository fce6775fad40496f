extension SchedulingIndex {
    /// Drops every worker class's eligibility and candidate heap, after task class ids were renumbered
    /// (compaction, reclassification); they are recomputed on next use.
    mutating func forgetEligibility() {
        for classID in workerClasses.indices where workerClasses[classID] != nil {
            workerClasses[classID]?.eligible = TaskClassBitset()
            workerClasses[classID]?.eligibleCount = 0
            workerClasses[classID]?.checkedThrough = 0
            workerClasses[classID]?.candidates = EligibleHeadHeap()
        }
        eligibilityIsCached = false
    }

    /// A task class's head got better (a work request was queued ahead of it): the candidate heaps of the
    /// worker classes that already tested this class and may run it get an entry with the new head, which
    /// keeps every heap holding, for each of its live classes, an entry no worse than the class's head.
    /// Heads getting worse needs nothing here: stale entries are repaired when they reach a heap's top.
    mutating func offerImprovedHead(_ head: WorkRequestQueueKey, ofTaskClass taskClassID: Int) {
        guard eligibilityIsCached else { return }
        let entry = EligibleHead(key: head, taskClassID: Int32(taskClassID))
        for workerClassID in workerClasses.indices {
            guard let checkedThrough = workerClasses[workerClassID]?.checkedThrough, checkedThrough > taskClassID,
                workerClasses[workerClassID]?.eligible.contains(taskClassID) == true
            else { continue }
            workerClasses[workerClassID]?.candidates.push(entry)
        }
    }

    /// Tests the task classes that appeared since the worker class last looked (all of them word-wise, see
    /// `TaskClassSets`), adding the eligible ones to its set and its candidate heap. Also rebuilds a heap
    /// that duplicate entries made much larger than the classes it stands for.
    mutating func updateEligibility(of workerClassID: Int) {
        guard let checkedThrough = workerClasses[workerClassID]?.checkedThrough,
            let key = workerClasses[workerClassID]?.key
        else { return }
        let classCount = taskClasses.count
        if let heapSize = workerClasses[workerClassID]?.candidates.count,
            let eligibleCount = workerClasses[workerClassID]?.eligibleCount, heapSize > 2 * eligibleCount + 64
        {
            rebuildCandidates(of: workerClassID)
        }
        guard checkedThrough < classCount else { return }
        eligibilityIsCached = true
        let wordRange = (checkedThrough >> 6)..<((classCount + 63) >> 6)
        let words = taskClassSets.eligibleWords(for: key, in: wordRange)
        var additions: [EligibleHead] = []
        var eligible = TaskClassBitset()
        swap(&eligible, &workerClasses[workerClassID]!.eligible)
        for (offset, word) in words.enumerated() {
            let wordIndex = wordRange.lowerBound + offset
            // Classes below `checkedThrough` in the first word were handled by an earlier call.
            var rest = offset == 0 ? word & ~((1 << UInt64(checkedThrough & 63)) &- 1) : word
            while rest != 0 {
                let taskClassID = wordIndex << 6 + rest.trailingZeroBitCount
                rest &= rest - 1
                guard let head = heads[taskClassID] else { continue }
                eligible.insert(taskClassID)
                additions.append(EligibleHead(key: head, taskClassID: Int32(taskClassID)))
            }
        }
        swap(&eligible, &workerClasses[workerClassID]!.eligible)
        workerClasses[workerClassID]?.eligibleCount += additions.count
        workerClasses[workerClassID]?.checkedThrough = classCount
        workerClasses[workerClassID]?.candidates.push(contentsOf: additions)
    }

    /// Refills a worker class's candidate heap with one entry per eligible live task class.
    mutating func rebuildCandidates(of workerClassID: Int) {
        guard let eligible = workerClasses[workerClassID]?.eligible else { return }
        var entries: [EligibleHead] = []
        for (wordIndex, word) in eligible.words.enumerated() {
            var rest = word & taskClassSets.live.word(at: wordIndex)
            while rest != 0 {
                let taskClassID = wordIndex << 6 + rest.trailingZeroBitCount
                rest &= rest - 1
                guard let head = heads[taskClassID] else { continue }
                entries.append(EligibleHead(key: head, taskClassID: Int32(taskClassID)))
            }
        }
        workerClasses[workerClassID]?.candidates.removeAll()
        workerClasses[workerClassID]?.candidates.push(contentsOf: entries)
    }

    /// The eligible task class whose head comes first in the queue: the top of the worker class's candidate
    /// heap once stale entries are repaired (an entry older than its class's head is moved down to the current
    /// head; one newer than it, superseded by a later entry, or one of a dead class is dropped).
    mutating func bestEligibleTaskClass(for workerClassID: Int) -> Int? {
        guard workerClasses[workerClassID] != nil else { return nil }
        var heap = EligibleHeadHeap()
        swap(&heap, &workerClasses[workerClassID]!.candidates)
        defer { swap(&heap, &workerClasses[workerClassID]!.candidates) }
        while let top = heap.top {
            let taskClassID = Int(top.taskClassID)
            guard let head = heads[taskClassID] else {
                heap.removeTop()
                continue
            }
            if head == top.key { return taskClassID }
            if top.key < head {
                heap.replaceTop(with: EligibleHead(key: head, taskClassID: top.taskClassID))
            } else {
                heap.removeTop()
            }
        }
        return nil
    }
}
