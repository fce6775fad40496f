/// The scheduler's in-memory matching index (ARCHITECTURE.md "The scheduler's shape"): pending work requests
/// grouped into task classes, workers grouped into worker classes, eligibility between classes computed once,
/// and assignment proposals made in Debusine's order (`server/scheduler.py` `schedule`) by comparing class heads only.
///
/// PostgreSQL stays the truth. The scheduler service builds the index at start or takeover, keeps it current
/// from events (`add`/`update`/`remove`), asks `nextAssignments(limit:)` for a batch, commits it with one
/// compare-and-set per row, and reports each row back with `confirm` or `rollback`.
///
/// Costs: adding or removing a work request is O(log n) in its class (plus, when it improves its class's
/// head, one heap push per worker class that may run the class); a proposal costs O(log words) in its worker
/// class's candidate heap (`MinHeap<EligibleHead>`, one entry per 64 task classes) plus the repair of entries whose
/// heads were taken (a scan of one word each), and a worker class's first look at new task classes costs a few
/// word-wise bitset operations per 64 of them (`TaskClassSets`) plus one head comparison per eligible one.
/// Nothing is per pending work request, nothing grows with pending × workers.
///
/// Task classes key on the task-provided tags that some worker requires, not on all of them, so a worker
/// bringing a worker-required tag never seen before makes the index rebuild its task classes once (before the
/// next batch). At start or takeover, load the workers before the work requests to avoid that rebuild.
///
/// It is a value type with no I/O; copies are independent.
public struct SchedulingIndex: Sendable {
    var tagDictionary = TagDictionary()
    var requests: [Int: StoredWorkRequest] = [:]
    var taskClasses: [TaskClass] = []
    /// The best pending position of each task class, `nil` exactly when the class is dead. Kept apart from
    /// `taskClasses` so comparing heads walks dense arrays.
    var heads = TaskClassHeads()
    /// Task classes by what eligibility looks at (see `TaskClassBitset`), rebuilt with the class ids.
    var taskClassSets = TaskClassSets()
    var taskClassIDs: [TaskClassKey: Int] = [:]
    var liveTaskClassCount = 0
    var workerClasses: [WorkerClass?] = []
    /// Each worker class's eligibility cache, by worker class id (empty for a freed id).
    var candidateCaches: [WorkerClassCandidates] = []
    var workerClassIDs: [WorkerClassKey: Int] = [:]
    var freeWorkerClassIDs: [Int] = []
    var workers: [Int: WorkerState] = [:]
    /// Worker ids in serving order (Debusine `WorkerQuerySet.waiting_for_work_request`), rebuilt lazily.
    var servingOrder: [Int] = []
    var servingOrderIsStale = false
    /// Where a round cut short by a batch limit stopped: the next batch serves the workers after it first.
    var roundCursor: WorkerOrderKey?
    var outstandingProposalCount = 0
    var compactionCount = 0
    /// Every tag some worker class requires (or required): the only task-provided tags that can decide a
    /// match, hence the only ones in task class keys. Grows, never shrinks, while the index lives.
    var workerRequiredTags = TagBitset()
    /// Set when `workerRequiredTags` grew: the task classes must be rebuilt under the new projection before
    /// eligibility is next computed.
    var needsReclassification = false
    var reclassificationCount = 0
    /// Set once some worker class computed eligibility (cleared when it is forgotten): until then a better
    /// head has no candidate heap to be offered to.
    var eligibilityIsCached = false
    /// Bumped whenever a work request is queued; see `WorkerClass.foundNoWorkAtEnqueueCount`.
    var enqueueCount = 0

    /// An empty index.
    public init() {}

    // MARK: Work requests

    /// Adds a pending work request.
    ///
    /// - Throws: `SchedulingIndexError.duplicateWorkRequest` if the id is already held (pending or proposed),
    ///   unless it was removed while out in a proposal, in which case it is taken back with the new data.
    public mutating func addWorkRequest(_ request: PendingWorkRequest) throws(SchedulingIndexError) {
        if let stored = requests[request.id] {
            guard stored.isWithdrawn else { throw .duplicateWorkRequest(id: request.id) }
            requests[request.id]?.request = request
            requests[request.id]?.isWithdrawn = false
            return
        }
        enqueue(request)
    }

    /// Replaces a held work request (new priority, tags, …). A work request out in a proposal keeps the
    /// proposal; the new data applies if the proposal is rolled back.
    ///
    /// - Throws: `SchedulingIndexError.unknownWorkRequest` if the id is not held.
    public mutating func updateWorkRequest(_ request: PendingWorkRequest) throws(SchedulingIndexError) {
        guard let stored = requests[request.id], !stored.isWithdrawn else {
            throw .unknownWorkRequest(id: request.id)
        }
        if stored.proposedTo != nil {
            requests[request.id]?.request = request
            return
        }
        detachPending(request.id)
        enqueue(request)
    }

    /// Removes a work request that stopped being pending (assigned elsewhere, cancelled, …). Removing one that
    /// is out in a proposal leaves the proposal answerable: `confirm` still counts it on the worker, and
    /// `rollback` frees the worker's slot without bringing the work request back.
    ///
    /// - Returns: whether the index held it.
    @discardableResult
    public mutating func removeWorkRequest(id: Int) -> Bool {
        guard let stored = requests[id], !stored.isWithdrawn else { return false }
        if stored.proposedTo != nil {
            requests[id]?.isWithdrawn = true
        } else {
            detachPending(id)
            compactIfWorthwhile()
        }
        return true
    }

    /// The work request with this id if it is pending (not out in a proposal).
    public func pendingWorkRequest(id: Int) -> PendingWorkRequest? {
        guard let stored = requests[id], stored.proposedTo == nil else { return nil }
        return stored.request
    }

    /// The outstanding proposals, by work request id.
    public var outstandingProposals: [ProposedAssignment] {
        requests.values.compactMap { stored in
            stored.proposedTo.map { ProposedAssignment(workRequestID: stored.request.id, workerID: $0) }
        }.sorted { $0.workRequestID < $1.workRequestID }
    }

    // MARK: Metrics

    /// Current sizes, for metrics.
    public var counters: SchedulingIndexCounters {
        let liveWorkerClasses = workerClasses.compactMap { $0 }
        return SchedulingIndexCounters(
            pendingWorkRequests: requests.count - outstandingProposalCount,
            outstandingProposals: outstandingProposalCount,
            taskClasses: liveTaskClassCount,
            workers: workers.count,
            workerClasses: liveWorkerClasses.count,
            eligiblePairsCached: candidateCaches.map(\.eligibleCount).reduce(0, +),
            internedTags: tagDictionary.count,
            compactions: compactionCount,
            reclassifications: reclassificationCount
        )
    }

    // MARK: Task class bookkeeping

    /// Puts a work request into its class queue, creating the class if needed.
    mutating func enqueue(_ request: PendingWorkRequest) {
        let key = TaskClassKey(
            taskName: request.taskName,
            required: tagDictionary.bitset(of: request.requiredTags),
            relevantProvided: tagDictionary.bitset(of: request.providedTags).intersection(workerRequiredTags)
        )
        enqueueCount += 1
        let classID: Int
        if let existing = taskClassIDs[key] {
            classID = existing
        } else {
            classID = taskClasses.count
            taskClasses.append(TaskClass(key: key))
            heads.append(nil)
            taskClassSets.register(key, as: classID)
            taskClassIDs[key] = classID
            liveTaskClassCount += 1
        }
        let position = request.queueKey
        requests[request.id] = StoredWorkRequest(request: request, taskClassID: classID)
        taskClasses[classID].queue.push(position)
        taskClasses[classID].pendingCount += 1
        if let head = heads[classID], !(position < head) { return }
        heads[classID] = position
        offerImprovedHead(position, ofTaskClass: classID)
    }

    /// Takes a pending work request out of its class (the record is removed from `requests`).
    mutating func detachPending(_ id: Int) {
        guard let stored = requests.removeValue(forKey: id) else { return }
        let classID = stored.taskClassID
        taskClasses[classID].pendingCount -= 1
        refreshHead(of: classID)
    }

    /// `true` when `position` in class `classID`'s queue still stands for a pending work request of that class.
    func isLive(_ position: WorkRequestQueueKey, inClass classID: Int) -> Bool {
        guard let stored = requests[position.id] else { return false }
        return stored.proposedTo == nil && stored.taskClassID == classID && stored.request.queueKey == position
    }

    /// Drops stale entries from the top of a class queue and records its new head, or kills the class if it
    /// has no pending work left.
    mutating func refreshHead(of classID: Int) {
        guard taskClasses[classID].pendingCount > 0 else {
            killTaskClass(classID)
            return
        }
        if taskClasses[classID].queue.count > 2 * taskClasses[classID].pendingCount + 32 {
            var queue = MinHeap<WorkRequestQueueKey>()
            swap(&queue, &taskClasses[classID].queue)
            queue.rebuild { isLive($0, inClass: classID) }
            swap(&queue, &taskClasses[classID].queue)
        }
        // Every live work request of the class has an entry in its queue, so a queue holding exactly as many
        // entries as live work requests holds no stale one and its top is live: the common case (nothing was
        // removed or updated) skips looking the work request up in `requests`, a cache miss per assignment
        // once tens of thousands are pending.
        while taskClasses[classID].queue.count > taskClasses[classID].pendingCount,
            let top = taskClasses[classID].queue.top, !isLive(top, inClass: classID)
        {
            taskClasses[classID].queue.removeTop()
        }
        heads[classID] = taskClasses[classID].queue.top
    }

    /// Marks an emptied class dead: it leaves the key table (a later work request with that key makes a new
    /// class) and eligibility lists drop it when they next meet it.
    mutating func killTaskClass(_ classID: Int) {
        heads[classID] = nil
        taskClassSets.live.remove(classID)
        taskClasses[classID].isAlive = false
        taskClasses[classID].queue = MinHeap<WorkRequestQueueKey>()
        taskClassIDs.removeValue(forKey: taskClasses[classID].key)
        liveTaskClassCount -= 1
    }

    /// Rebuilds every task class under the current `workerRequiredTags` projection (after a worker brought a
    /// required tag not seen before). O(pending); rare: worker-required tags are an administrator's knob.
    mutating func reclassifyIfNeeded() {
        guard needsReclassification else { return }
        needsReclassification = false
        let pending = requests.values.filter { $0.proposedTo == nil }.map(\.request)
        for request in pending { requests.removeValue(forKey: request.id) }
        taskClasses = []
        heads = TaskClassHeads()
        taskClassSets = TaskClassSets()
        taskClassIDs = [:]
        liveTaskClassCount = 0
        forgetEligibility()
        for request in pending { enqueue(request) }
        reclassificationCount += 1
    }

    /// Renumbers the live task classes once dead ones dominate, so memory and eligibility lists track the
    /// live classes rather than every class ever seen. Drops the eligibility caches (rebuilt on demand).
    mutating func compactIfWorthwhile() {
        let deadCount = taskClasses.count - liveTaskClassCount
        guard deadCount > max(1024, 2 * liveTaskClassCount) else { return }
        var newID = [Int](repeating: -1, count: taskClasses.count)
        var keptClasses: [TaskClass] = []
        var keptHeads = TaskClassHeads()
        keptClasses.reserveCapacity(liveTaskClassCount)
        for (oldID, taskClass) in taskClasses.enumerated() where taskClass.isAlive {
            newID[oldID] = keptClasses.count
            keptClasses.append(taskClass)
            keptHeads.append(heads[oldID])
        }
        for id in Array(requests.keys) {
            guard let stored = requests[id], stored.proposedTo == nil else { continue }
            requests[id]?.taskClassID = newID[stored.taskClassID]
        }
        taskClasses = keptClasses
        heads = keptHeads
        taskClassSets = TaskClassSets()
        for (classID, taskClass) in taskClasses.enumerated() { taskClassSets.register(taskClass.key, as: classID) }
        taskClassIDs = Dictionary(uniqueKeysWithValues: taskClasses.enumerated().map { ($1.key, $0) })
        forgetEligibility()
        compactionCount += 1
    }
}
