import Foundation

/// What the scheduler needs to know of one PENDING, unassigned work request: its queue position, its task
/// name (for worker allow/deny lists) and its frozen scheduler tags (computed when it became PENDING, Debusine
/// `DBTask.apply_task_configuration`).
public struct PendingWorkRequest: Hashable, Sendable {
    /// The work request's id.
    public var id: Int
    /// The task name (`sbuild`, `noop`, …), matched against workers' `tasks_allowlist` / `tasks_denylist`.
    public var taskName: String
    /// `priority_base + priority_adjustment` (Debusine `WorkRequest.priority_effective`).
    public var effectivePriority: Int
    /// `created_at`, the age tie-break of the queue.
    public var createdAt: Date
    /// Task-required tags (TR): the worker must provide all of them.
    public var requiredTags: Set<String>
    /// Task-provided tags (TP): must include everything the worker requires.
    public var providedTags: Set<String>

    public init(
        id: Int,
        taskName: String,
        effectivePriority: Int = 0,
        createdAt: Date,
        requiredTags: some Sequence<String> = [String](),
        providedTags: some Sequence<String> = [String]()
    ) {
        self.id = id
        self.taskName = taskName
        self.effectivePriority = effectivePriority
        self.createdAt = createdAt
        self.requiredTags = Set(requiredTags)
        self.providedTags = Set(providedTags)
    }

    /// Its place in the queue.
    public var queueKey: WorkRequestQueueKey {
        WorkRequestQueueKey(effectivePriority: effectivePriority, createdAt: createdAt, id: id)
    }

    /// The task side of `TagMatching`.
    public var schedulingTags: SchedulingTags { SchedulingTags(provided: providedTags, required: requiredTags) }
}
