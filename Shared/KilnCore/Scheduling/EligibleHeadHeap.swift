/// One entry of a worker class's candidate heap: a task class it may run and its head when the entry was
/// made. The entry stands for every eligible task class of the same 64-class word (it was the best of them,
/// or the class whose head just improved): the heap keeps, for every eligible live task class, an entry of its
/// word whose key is no worse than that class's head (heads only get worse until a work request is queued,
/// which pushes a fresh entry).
struct EligibleHead: Sendable {
    var key: WorkRequestQueueKey
    var taskClassID: Int32
}

/// A binary min-heap of `EligibleHead`s: a worker class's eligible task classes, one entry per 64-class word,
/// ordered by (a lower bound of) the best head in that word, so the best head it may run is found in
/// O(log words) instead of by comparing every eligible class's head. Entries go stale when a head is taken;
/// the index repairs them lazily when they reach the top (see `SchedulingIndex.bestEligibleTaskClass`), so
/// taking a head costs nothing for the other worker classes that may run the same class.
struct EligibleHeadHeap: Sendable {
    private(set) var entries: [EligibleHead] = []

    /// The entry with the smallest key.
    var top: EligibleHead? { entries.first }

    /// Number of entries, stale or duplicate ones included.
    var count: Int { entries.count }

    mutating func push(_ entry: EligibleHead) {
        entries.append(entry)
        siftUp(from: entries.count - 1)
    }

    /// Adds many entries: one O(n) heapify when they are many compared with what is held, else one sift each.
    mutating func push(contentsOf newEntries: [EligibleHead]) {
        guard !newEntries.isEmpty else { return }
        if newEntries.count * 4 < entries.count {
            for entry in newEntries { push(entry) }
            return
        }
        entries.append(contentsOf: newEntries)
        var index = entries.count / 2
        while index > 0 {
            index -= 1
            siftDown(from: index)
        }
    }

    /// Replaces the top entry (with one whose key is no smaller) and restores the heap order.
    mutating func replaceTop(with entry: EligibleHead) {
        entries[0] = entry
        siftDown(from: 0)
    }

    /// Removes the top entry.
    mutating func removeTop() {
        guard !entries.isEmpty else { return }
        let last = entries.removeLast()
        guard !entries.isEmpty else { return }
        entries[0] = last
        siftDown(from: 0)
    }

    /// Empties the heap, keeping its storage.
    mutating func removeAll() { entries.removeAll(keepingCapacity: true) }

    private mutating func siftUp(from start: Int) {
        entries.withUnsafeMutableBufferPointer { heap in
            var child = start
            let moving = heap[child]
            while child > 0 {
                let parent = (child - 1) / 2
                guard moving.key < heap[parent].key else { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = moving
        }
    }

    private mutating func siftDown(from start: Int) {
        entries.withUnsafeMutableBufferPointer { heap in
            var parent = start
            let moving = heap[parent]
            while true {
                let left = 2 * parent + 1
                guard left < heap.count else { break }
                var best = left
                if left + 1 < heap.count, heap[left + 1].key < heap[left].key { best = left + 1 }
                guard heap[best].key < moving.key else { break }
                heap[parent] = heap[best]
                parent = best
            }
            heap[parent] = moving
        }
    }
}
