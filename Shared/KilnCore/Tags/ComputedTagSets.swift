/// One side's two finished sets — provided and required — each with its audit trail.
///
/// Tasks (TP/TR, Debusine `DBTask.apply_task_configuration`) and workers (WP/WR, `server/scheduler.py`
/// `get_provided_worker_tags`, `get_required_task_tags`) have exactly this shape, so one type serves both; the
/// aliases `TaskTagSets` and `WorkerTagSets` keep call sites saying which side they hold.
public struct ComputedTagSets: Hashable, Sendable, Codable {
    /// The provided set: TP (`scheduler_tags_provided`) for a task, WP for a worker.
    public let provided: ComputedTagSet
    /// The required set: TR (`scheduler_tags_required`) for a task, WR for a worker.
    public let required: ComputedTagSet

    /// Memberwise.
    public init(provided: ComputedTagSet, required: ComputedTagSet) {
        self.provided = provided
        self.required = required
    }

    /// The two sets as the matcher takes them.
    public var scheduling: SchedulingTags { SchedulingTags(provided: provided.tags, required: required.tags) }
}

/// A work request's TP and TR with their audit trails.
public typealias TaskTagSets = ComputedTagSets

/// A worker's WP and WR with their audit trails.
public typealias WorkerTagSets = ComputedTagSets
