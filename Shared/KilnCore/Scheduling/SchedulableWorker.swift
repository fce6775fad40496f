import Foundation

/// What the scheduler needs to know of one worker *waiting for work* candidate (Debusine `db/models/workers.py`
/// `WorkerQuerySet.waiting_for_work_request`): its tag sets, task lists, capacity and its place in the order workers
/// are served.
///
/// Only connected workers whose token is enabled (or Celery workers) belong in the index; the service
/// removes a worker when it disconnects. Capacity is tracked here: free slots = `concurrency` −
/// `currentLoad` (assigned PENDING/RUNNING work requests, as read from PostgreSQL) − proposals not yet
/// confirmed.
public struct SchedulableWorker: Hashable, Sendable {
    /// The worker's id.
    public var id: Int
    /// Worker-provided tags (WP).
    public var providedTags: Set<String>
    /// Worker-required tags (WR).
    public var requiredTags: Set<String>
    /// `tasks_allowlist` / `tasks_denylist`.
    public var taskNameFilter: WorkerTaskNameFilter
    /// How many work requests it may hold at once (PENDING or RUNNING).
    public var concurrency: Int
    /// How many it holds now.
    public var currentLoad: Int
    /// `true` for a worker of a pool; static workers (`worker_pool` NULL) are served first (Debusine
    /// `WorkerQuerySet.waiting_for_work_request`).
    public var isPoolWorker: Bool
    /// `connected_at`; earlier connections are served first within static or pool workers.
    public var connectedAt: Date

    public init(
        id: Int,
        providedTags: some Sequence<String> = [String](),
        requiredTags: some Sequence<String> = [String](),
        taskNameFilter: WorkerTaskNameFilter = WorkerTaskNameFilter(),
        concurrency: Int = 1,
        currentLoad: Int = 0,
        isPoolWorker: Bool = false,
        connectedAt: Date
    ) {
        self.id = id
        self.providedTags = Set(providedTags)
        self.requiredTags = Set(requiredTags)
        self.taskNameFilter = taskNameFilter
        self.concurrency = concurrency
        self.currentLoad = currentLoad
        self.isPoolWorker = isPoolWorker
        self.connectedAt = connectedAt
    }

    /// Its place in the order workers are served.
    public var orderKey: WorkerOrderKey {
        WorkerOrderKey(isPoolWorker: isPoolWorker, connectedAt: connectedAt, workerID: id)
    }

    /// The worker side of `TagMatching`.
    public var schedulingTags: SchedulingTags { SchedulingTags(provided: providedTags, required: requiredTags) }
}

/// The order in which workers waiting for work are served (Debusine `WorkerQuerySet.waiting_for_work_request`, as
/// `WorkerAvailability.servedBefore`): static workers before pool workers, then `connected_at` ascending, then (Kiln's
/// tie-break, for a total order) the worker id ascending.
public struct WorkerOrderKey: Hashable, Sendable, Comparable {
    /// Pool workers come after static ones.
    public let isPoolWorker: Bool
    /// Earlier connections first.
    public let connectedAt: Date
    /// Lower ids first among equals.
    public let workerID: Int

    public init(isPoolWorker: Bool, connectedAt: Date, workerID: Int) {
        self.isPoolWorker = isPoolWorker
        self.connectedAt = connectedAt
        self.workerID = workerID
    }

    /// `true` when `lhs` is served first.
    public static func < (lhs: WorkerOrderKey, rhs: WorkerOrderKey) -> Bool {
        if lhs.isPoolWorker != rhs.isPoolWorker { return !lhs.isPoolWorker }
        if lhs.connectedAt != rhs.connectedAt { return lhs.connectedAt < rhs.connectedAt }
        return lhs.workerID < rhs.workerID
    }
}
