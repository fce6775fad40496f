/// The four tag sets of §6.1. Scheduling needs all four: a task runs on a worker iff `TR ⊆ WP` and `WR ⊆ TP`.
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

    /// The restrictions table that guards this set (§6.3).
    public var restrictions: ProvenanceRestrictions {
        switch self {
        case .workerProvided: .workerProvided
        case .workerRequired: .workerRequired
        case .taskProvided: .taskProvided
        case .taskRequired: .taskRequired
        }
    }
}
