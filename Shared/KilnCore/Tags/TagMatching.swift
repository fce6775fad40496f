/// The provided and required tag sets of one side of a match (a task or a worker).
public struct SchedulingTags: Hashable, Sendable, Codable {
    /// What this side offers.
    public var provided: Set<String>
    /// What this side demands of the other.
    public var required: Set<String>

    /// Takes any sequence and dedupes it, so callers can pass arrays from JSON directly.
    public init(provided: some Sequence<String> = [String](), required: some Sequence<String> = [String]()) {
        self.provided = Set(provided)
        self.required = Set(required)
    }
}

/// Why a task may not run on a worker, tag-wise: what each side is missing. Empty on both sides means
/// they match. `kiln explain` prints this.
public struct TagMismatch: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Task-required tags the worker does not provide (`TR \ WP`), sorted.
    public let tagsWorkerLacks: [String]
    /// Worker-required tags the task does not provide (`WR \ TP`), sorted.
    public let tagsTaskLacks: [String]

    /// Memberwise; callers pass the lists sorted.
    public init(tagsWorkerLacks: [String], tagsTaskLacks: [String]) {
        self.tagsWorkerLacks = tagsWorkerLacks
        self.tagsTaskLacks = tagsTaskLacks
    }

    /// `true` when nothing is missing on either side.
    public var isMatch: Bool { tagsWorkerLacks.isEmpty && tagsTaskLacks.isEmpty }

    public var description: String {
        if isMatch { return "tags match" }
        var parts: [String] = []
        if !tagsWorkerLacks.isEmpty {
            parts.append("the task requires tags the worker does not provide: \(tagsWorkerLacks.joined(separator: ", "))")
        }
        if !tagsTaskLacks.isEmpty {
            parts.append("the worker requires tags the task does not provide: \(tagsTaskLacks.joined(separator: ", "))")
        }
        return parts.joined(separator: "; ")
    }
}

/// The scheduling rule (Debusine `server/scheduler.py` `get_candidate_work_requests`), in one place: a task may run on
/// a worker iff `TR ⊆ WP` and `WR ⊆ TP`.
///
/// This is the reference definition; the scheduler's interned bitset index must agree with it.
public enum TagMatching {
    /// `true` iff every tag the task requires is provided by the worker and every tag the worker requires
    /// is provided by the task.
    public static func taskCanRun(_ task: SchedulingTags, on worker: SchedulingTags) -> Bool {
        task.required.isSubset(of: worker.provided) && worker.required.isSubset(of: task.provided)
    }

    /// What each side lacks; `isMatch` exactly when `taskCanRun` is true.
    public static func explain(_ task: SchedulingTags, on worker: SchedulingTags) -> TagMismatch {
        TagMismatch(
            tagsWorkerLacks: task.required.subtracting(worker.provided).sorted(),
            tagsTaskLacks: worker.required.subtracting(task.provided).sorted())
    }
}
