import Foundation

/// The position of a pending work request in the queue (Debusine `WorkRequestQuerySet.pending`): effective priority
/// descending, then `created_at` ascending (oldest first), then id ascending so that no two work requests tie.
///
/// `<` means "is scheduled first", so a sorted array or a min-heap of keys is in queue order; the
/// scheduler's per-class priority queues store these keys.
public struct WorkRequestQueueKey: Hashable, Sendable, Comparable {
    /// `priority_base + priority_adjustment`.
    public var effectivePriority: Int
    /// Creation time.
    public var createdAt: Date
    /// Work-request id, the final tie-breaker.
    public var id: Int

    /// Memberwise; `init(_:)` builds it from a work request.
    public init(effectivePriority: Int, createdAt: Date, id: Int) {
        self.effectivePriority = effectivePriority
        self.createdAt = createdAt
        self.id = id
    }

    /// The key of a work request.
    public init(_ workRequest: WorkRequest) {
        self.init(effectivePriority: workRequest.effectivePriority, createdAt: workRequest.createdAt, id: workRequest.id)
    }

    /// Queue order (Debusine `WorkRequestQuerySet.pending`): higher effective priority first, then older first, then
    /// lower id.
    public static func < (lhs: WorkRequestQueueKey, rhs: WorkRequestQueueKey) -> Bool {
        if lhs.effectivePriority != rhs.effectivePriority { return lhs.effectivePriority > rhs.effectivePriority }
        if lhs.createdAt != rhs.createdAt { return lhs.createdAt < rhs.createdAt }
        return lhs.id < rhs.id
    }
}

/// The queue-order comparator for work requests (Debusine `WorkRequestQuerySet.pending`).
public enum WorkRequestQueueOrder {
    /// `true` when `lhs` is scheduled before `rhs`; a strict weak ordering (in fact total over distinct
    /// ids), usable with `sorted(by:)`.
    public static func precedes(_ lhs: WorkRequest, _ rhs: WorkRequest) -> Bool {
        WorkRequestQueueKey(lhs) < WorkRequestQueueKey(rhs)
    }
}

/// A worker's task-name allowlist and denylist (Debusine `server/scheduler.py` `get_candidate_work_requests`): with an
/// allowlist, only the names it lists run there (the allowlist wins, the denylist is then ignored) — an empty one lets
/// nothing run, since Debusine tests `tasks_allowlist is not None`; without one, every name but those of the denylist
/// runs. Names compare exactly, as Django's `task_name__in` compares them.
public struct WorkerTaskNameFilter: Hashable, Sendable {
    /// The allowlist; `nil` when unset.
    public let allowlist: Set<String>?
    /// The denylist.
    public let denylist: Set<String>

    /// The two lists as the worker's metadata gives them (`nil`: the key is absent or null).
    public init(allowlist: [String]? = nil, denylist: [String]? = nil) {
        self.allowlist = allowlist.map(Set.init)
        self.denylist = Set(denylist ?? [])
    }

    /// Whether a work request with this task name may run on the worker.
    public func permits(taskName: String) -> Bool {
        if let allowlist { return allowlist.contains(taskName) }
        return !denylist.contains(taskName)
    }
}
