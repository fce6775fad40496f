/// A binary min-heap of queue keys (`WorkRequestQueueKey`, §1.6): the queue of one task class, best (first
/// to run) on top.
///
/// Removal is lazy: the index leaves stale positions in the heap and drops them when they reach the top
/// (or rebuilds the heap when stale entries outnumber live ones), which keeps every operation O(log n).
struct QueueKeyHeap: Sendable {
    private(set) var entries: [WorkRequestQueueKey] = []

    /// The best position, stale or not.
    var top: WorkRequestQueueKey? { entries.first }

    /// Number of entries, stale ones included.
    var count: Int { entries.count }

    mutating func push(_ position: WorkRequestQueueKey) {
        entries.append(position)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child] < entries[parent] else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes the top entry.
    mutating func removeTop() {
        guard !entries.isEmpty else { return }
        let last = entries.removeLast()
        guard !entries.isEmpty else { return }
        entries[0] = last
        siftDown(from: 0)
    }

    /// Keeps only the entries satisfying `isLive` and restores the heap order in O(n).
    mutating func rebuild(keeping isLive: (WorkRequestQueueKey) -> Bool) {
        entries.removeAll { !isLive($0) }
        var index = entries.count / 2
        while index > 0 {
            index -= 1
            siftDown(from: index)
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { return }
            var best = left
            if left + 1 < entries.count, entries[left + 1] < entries[left] { best = left + 1 }
            guard entries[best] < entries[parent] else { return }
            entries.swapAt(best, parent)
            parent = best
        }
    }
}
