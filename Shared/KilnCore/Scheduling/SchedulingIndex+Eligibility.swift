extension SchedulingIndex {
    /// Drops every worker class's eligibility and candidate heap, after task class ids were renumbered
    /// (compaction, reclassification); they are recomputed on next use.
    mutating func forgetEligibility() {
        for classID in candidateCaches.indices {
            let foundNoWork = candidateCaches[classID].foundNoWorkAtEnqueueCount
            candidateCaches[classID] = WorkerClassCandidates()
            candidateCaches[classID].foundNoWorkAtEnqueueCount = foundNoWork
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
        for workerClassID in candidateCaches.indices {
            guard candidateCaches[workerClassID].checkedThrough > taskClassID,
                candidateCaches[workerClassID].eligible.contains(taskClassID)
            else { continue }
            candidateCaches[workerClassID].candidates.push(entry)
        }
    }

    /// Tests the task classes that appeared since the worker class last looked (all of them word-wise, see
    /// `TaskClassSets`), adding the eligible ones to its set and, one entry per 64-class word, to its candidate
    /// heap. Also rebuilds a heap that duplicate entries made much larger than the words it stands for.
    mutating func updateEligibility(of workerClassID: Int) {
        let checkedThrough = candidateCaches[workerClassID].checkedThrough
        let classCount = taskClasses.count
        let heapSize = candidateCaches[workerClassID].candidates.count
        if heapSize > 2 * candidateCaches[workerClassID].eligible.words.count + 64 {
            rebuildCandidates(of: workerClassID)
        }
        guard checkedThrough < classCount, let key = workerClasses[workerClassID]?.key else { return }
        eligibilityIsCached = true
        let wordRange = (checkedThrough >> 6)..<((classCount + 63) >> 6)
        let words = taskClassSets.eligibleWords(for: key, in: wordRange)
        var additions: [EligibleHead] = []
        additions.reserveCapacity(words.count)  // at most one entry per word: no regrowth while seeding
        var eligible = TaskClassBitset()
        var addedCount = 0
        swap(&eligible, &candidateCaches[workerClassID].eligible)
        eligible.extend(toWordCount: wordRange.upperBound)
        for (offset, word) in words.enumerated() {
            // Classes below `checkedThrough` in the first word were handled by an earlier call.
            let newBits = offset == 0 ? word & ~((1 << UInt64(checkedThrough & 63)) &- 1) : word
            guard newBits != 0 else { continue }
            let wordIndex = wordRange.lowerBound + offset
            eligible.insert(word: newBits, at: wordIndex)
            addedCount += newBits.nonzeroBitCount
            if let best = bestHead(amongBits: newBits, ofWord: wordIndex) { additions.append(best) }
        }
        swap(&eligible, &candidateCaches[workerClassID].eligible)
        candidateCaches[workerClassID].eligibleCount += addedCount
        candidateCaches[workerClassID].checkedThrough = classCount
        candidateCaches[workerClassID].candidates.push(contentsOf: additions)
    }

    /// The best head among the task classes `bits` of word `wordIndex` stand for (dead ones skipped).
    func bestHead(amongBits bits: UInt64, ofWord wordIndex: Int) -> EligibleHead? {
        heads.best(amongBits: bits, ofWord: wordIndex)
    }

    /// Refills a worker class's candidate heap with one exact entry per word of eligible live task classes.
    mutating func rebuildCandidates(of workerClassID: Int) {
        let eligible = candidateCaches[workerClassID].eligible
        var entries: [EligibleHead] = []
        for (wordIndex, word) in eligible.words.enumerated() {
            let bits = word & taskClassSets.live.word(at: wordIndex)
            if bits != 0, let best = bestHead(amongBits: bits, ofWord: wordIndex) { entries.append(best) }
        }
        candidateCaches[workerClassID].candidates.removeAll()
        candidateCaches[workerClassID].candidates.push(contentsOf: entries)
    }

    /// The eligible task class whose head comes first in the queue: the top of the worker class's candidate
    /// heap once stale entries are repaired. An entry stands for the 64-class word of its task class; one whose
    /// class's head is no longer its key (taken, or superseded by a better entry) is replaced by the exact best
    /// head of its word, or dropped if the word has no eligible live class left.
    mutating func bestEligibleTaskClass(for workerClassID: Int) -> Int? {
        let eligible = candidateCaches[workerClassID].eligible
        var heap = MinHeap<EligibleHead>()
        swap(&heap, &candidateCaches[workerClassID].candidates)
        defer { swap(&heap, &candidateCaches[workerClassID].candidates) }
        while let top = heap.top {
            let taskClassID = Int(top.taskClassID)
            if heads[taskClassID] == top.key { return taskClassID }
            let wordIndex = taskClassID >> 6
            let bits = eligible.word(at: wordIndex) & taskClassSets.live.word(at: wordIndex)
            if bits != 0, let best = bestHead(amongBits: bits, ofWord: wordIndex) {
                heap.replaceTop(with: best)
            } else {
                heap.removeTop()
            }
        }
        return nil
    }
}
