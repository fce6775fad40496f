/// The scheduling index's one heap: a binary min-heap in an array, with the operations the index needs —
/// push (one or many: many at once heapify in O(n)), replace or remove the top, and a rebuild that drops
/// stale entries in O(n). Both of the index's heaps are this type: a task class's queue of work requests
/// (`WorkRequestQueueKey`) and a worker class's candidate heap (`EligibleHead`).
///
/// Not swift-collections' `Heap`: that is a min-max heap, which pays for a maximum the index never asks
/// for on every sift, and has no in-place filtered rebuild; the index's assignment loop is made of these
/// operations (deploy/docs/scheduler-benchmark.md, BM1/BM6).
struct MinHeap<Element: Comparable & Sendable>: Sendable {
    private var entries: [Element] = []

    /// The smallest entry.
    var top: Element? { entries.first }

    /// Number of entries (stale ones included: the index drops those lazily).
    var count: Int { entries.count }

    mutating func push(_ entry: Element) {
        entries.append(entry)
        siftUp(from: entries.count - 1)
    }

    /// Adds many entries: one O(n) heapify when they are many compared with what is held, else one sift each.
    mutating func push(contentsOf newEntries: [Element]) {
        guard !newEntries.isEmpty else { return }
        if newEntries.count * 4 < entries.count {
            for entry in newEntries { push(entry) }
            return
        }
        entries.append(contentsOf: newEntries)
        heapify()
    }

    /// Replaces the top entry (with one no smaller) and restores the heap order.
    mutating func replaceTop(with entry: Element) {
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

    /// Keeps only the entries satisfying `isLive` and restores the heap order in O(n).
    mutating func rebuild(keeping isLive: (Element) -> Bool) {
        entries.removeAll { !isLive($0) }
        heapify()
    }

    private mutating func heapify() {
        var index = entries.count / 2
        while index > 0 {
            index -= 1
            siftDown(from: index)
        }
    }

    // Both sifts move a hole instead of swapping, and work on the buffer directly: the index's hot loop.
    private mutating func siftUp(from start: Int) {
        entries.withUnsafeMutableBufferPointer { heap in
            var child = start
            let moving = heap[child]
            while child > 0 {
                let parent = (child - 1) / 2
                guard moving < heap[parent] else { break }
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
                if left + 1 < heap.count, heap[left + 1] < heap[left] { best = left + 1 }
                guard heap[best] < moving else { break }
                heap[parent] = heap[best]
                parent = best
            }
            heap[parent] = moving
        }
    }
}
