/// A worker class's cached eligibility and candidate heap: what a proposal reads and updates for its worker
/// class.
///
/// Kept apart from `WorkerClass`, in the non-optional array `SchedulingIndex.candidateCaches` (same index as
/// `workerClasses`), so these fields are read and updated in place. Held inside `[WorkerClass?]`, every
/// `workerClasses[id]?.field` access copied the whole optional worker class (key, tag sets, bitset and heap
/// buffers: a retain and a release each), several times per proposal — about a fifth of the instructions of
/// a 50k/2,000 BM6 run, and cache misses on the buffers of 250 worker classes.
struct WorkerClassCandidates: Sendable {
    /// The task classes this class may run (tested while alive; they stay in the set after they die).
    var eligible = TaskClassBitset()
    /// How many task classes `eligible` holds.
    var eligibleCount = 0
    /// Task class ids below this were tested; those at or above it appeared later and are tested on next use.
    var checkedThrough = 0
    /// Per 64-class word of eligible live task classes, (a lower bound of) its best head; see `MinHeap<EligibleHead>`.
    var candidates = MinHeap<EligibleHead>()
    /// The `enqueueCount` at which a worker of this class last found nothing to run: until another work
    /// request is queued, none of its workers will find anything either.
    var foundNoWorkAtEnqueueCount: Int?
}
