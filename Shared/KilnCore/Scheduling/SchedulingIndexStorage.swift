/// The identity of a task class: work requests with the same task name, the same required tags and the same
/// provided tags *among those some worker requires* are interchangeable for every worker, so eligibility is
/// decided once for all of them. Provided tags no worker requires (`task:source-package:…`, most scopes)
/// cannot change a match, so they are left out of the key; otherwise nearly every work request would be a
/// class of its own. The task name is in the key so worker allow/deny lists fold into class eligibility.
struct TaskClassKey: Hashable, Sendable {
    let taskName: String
    let required: TagBitset
    /// Task-provided tags ∩ tags some worker class requires.
    let relevantProvided: TagBitset
}

/// One task class: its pending work requests as a queue.
struct TaskClass: Sendable {
    let key: TaskClassKey
    var queue = MinHeap<WorkRequestQueueKey>()
    /// Live (pending, in this class) work requests; the queue may also hold stale entries.
    var pendingCount = 0
    /// A class dies when its last work request leaves; its id is never reused until compaction.
    var isAlive = true
}

/// The identity of a worker class: workers with equal tag sets and task lists accept exactly the same work.
struct WorkerClassKey: Hashable, Sendable {
    let provided: TagBitset
    let required: TagBitset
    let taskNameFilter: WorkerTaskNameFilter
}

/// One worker class; its cached eligibility is in `SchedulingIndex.candidateCaches` at the same index.
struct WorkerClass: Sendable {
    let key: WorkerClassKey
    let providedTags: Set<String>
    let requiredTags: Set<String>
    var memberCount = 0
}

/// A work request the index holds: pending in a class queue, or handed out in a proposal.
struct StoredWorkRequest: Sendable {
    var request: PendingWorkRequest
    /// Its class while pending; meaningless while proposed.
    var taskClassID: Int
    /// The worker it was proposed to, if it is out in a proposal.
    var proposedTo: Int?
    /// Set when the work request was removed while out in a proposal: the proposal can still be confirmed or
    /// rolled back, but a rollback does not bring it back.
    var isWithdrawn = false
}

/// A worker the index holds.
struct WorkerState: Sendable {
    var worker: SchedulableWorker
    var workerClassID: Int
    /// Proposals handed out to it and not yet confirmed or rolled back.
    var outstandingProposals = 0
    /// Set when its compare-and-set failed: no proposals until `updateWorker` brings its re-read row.
    var awaitingReread = false

    /// Slots free for new proposals.
    var freeSlots: Int {
        awaitingReread ? 0 : max(0, worker.concurrency - worker.currentLoad - outstandingProposals)
    }
}
