/// One entry of a worker class's candidate heap: a task class it may run and its head when the entry was
/// made. The entry stands for every eligible task class of the same 64-class word (it was the best of them,
/// or the class whose head just improved): the heap keeps, for every eligible live task class, an entry of its
/// word whose key is no worse than that class's head (heads only get worse until a work request is queued,
/// which pushes a fresh entry).
///
/// Ordered by key alone (``MinHeap`` needs no more), which is what a worker class's candidate heap is: its
/// eligible task classes, one entry per 64-class word, ordered by (a lower bound of) the best head in that
/// word, so the best head it may run is found in O(log words) instead of by comparing every eligible
/// class's head. Entries go stale when a head is taken; the index repairs them lazily when they reach the
/// top (see `SchedulingIndex.bestEligibleTaskClass`), so taking a head costs nothing for the other worker
/// classes that may run the same class.
struct EligibleHead: Sendable, Comparable {
    var key: WorkRequestQueueKey
    var taskClassID: Int32

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.key < rhs.key }
}
