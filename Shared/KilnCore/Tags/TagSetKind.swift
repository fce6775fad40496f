/// The four tag sets (Debusine `server/tags.py` `make_task_provided_tagset`, `make_task_required_tagset`,
/// `make_worker_provided_tagset`, `make_worker_required_tagset`). Scheduling needs all four: a task runs on a worker
/// iff `TR ⊆ WP` and `WR ⊆ TP`.
///
/// The kind decides which restrictions table guards the set (see `ProvenanceRestrictions`), so code that
/// builds a set only has to say which set it builds.
public enum TagSetKind: String, CaseIterable, Hashable, Sendable, Codable {
    /// What a worker offers (WP): its dynamic metadata, its static metadata and its `worker:type:`.
    case workerProvided = "worker-provided"
    /// What a worker demands of the tasks it runs (WR): static metadata only.
    case workerRequired = "worker-required"
    /// What a task offers (TP): facts about its workspace, creator and input, plus task configuration.
    case taskProvided = "task-provided"
    /// What a task demands of its worker (TR): worker type, task version, executor, capabilities.
    case taskRequired = "task-required"

    /// The restrictions table that guards this set (Debusine `restrictions_when_provided`,
    /// `restrictions_when_required`).
    public var restrictions: ProvenanceRestrictions {
        switch self {
        case .workerProvided: .workerProvided
        case .workerRequired: .workerRequired
        case .taskProvided: .taskProvided
        case .taskRequired: .taskRequired
        }
    }
}
