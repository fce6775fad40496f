/// What configuration matching needs to know about a work request (Debusine
/// `server/collections/debusine_task_configuration.py` `ConfigurationLookup.set_task`).
public struct TaskConfigurationQuery: Hashable, Sendable {
    /// The task's type.
    public var taskType: TaskType
    /// The task's name (`sbuild`, `noop`).
    public var taskName: String
    /// From `getSubject()` (e.g. the source package name); `nil` when the task has none.
    public var subject: String?
    /// From `getConfigurationContext()` (e.g. the suite codename); `nil` when the task has none.
    public var context: String?
    /// The early task-provided set (candidates through restrictions, before configuration).
    public var earlyProvided: Set<String>
    /// The early task-required set.
    public var earlyRequired: Set<String>

    /// Empty subjects and contexts count as none, as in Debusine's truthiness checks.
    public init(
        taskType: TaskType, taskName: String, subject: String? = nil, context: String? = nil,
        earlyProvided: Set<String> = [], earlyRequired: Set<String> = []
    ) {
        self.taskType = taskType
        self.taskName = taskName
        self.subject = subject.flatMap { $0.isEmpty ? nil : $0 }
        self.context = context.flatMap { $0.isEmpty ? nil : $0 }
        self.earlyProvided = earlyProvided
        self.earlyRequired = earlyRequired
    }
}

/// Where an entry sorts among the matching ones (Debusine `ConfigurationLookup.sort_key`): by path (none sorts first),
/// position, specificity, then item id. Legacy entries without a path keep the Debusine 0.12 global → context → subject →
/// both order; file-managed entries come after them.
public struct TaskConfigurationOrder: Hashable, Sendable, Comparable {
    /// `path` or "".
    public let path: String
    /// `position` or 0.
    public let position: Int
    /// `TaskConfigurationEntry.specificityRank`.
    public let specificityRank: Int
    /// The collection item id.
    public let itemID: Int

    /// Absent `path` and `position` sort as `""` and 0, so legacy entries keep the Debusine 0.12 order (Debusine test
    /// `server/collections/tests/test_debusine_task_configuration.py` `test_iter_matching_entries_ordering_legacy`).
    public init(entry: TaskConfigurationEntry, itemID: Int) {
        path = entry.path ?? ""
        position = entry.position ?? 0
        specificityRank = entry.specificityRank
        self.itemID = itemID
    }

    /// Application order (Debusine `ConfigurationLookup.sort_key`): path, position, specificity rank, then item id;
    /// later entries win the fold unless a key is locked.
    public static func < (lhs: TaskConfigurationOrder, rhs: TaskConfigurationOrder) -> Bool {
        (lhs.path, lhs.position, lhs.specificityRank, lhs.itemID)
            < (rhs.path, rhs.position, rhs.specificityRank, rhs.itemID)
    }
}

extension TaskConfigurationEntry {
    /// `true` when the entry configures the queried task (Debusine `ConfigurationLookup.candidates` and
    /// `iter_matching_entries`): same type and name; subject and context each unset or equal (a task without a subject
    /// matches only subject-less entries); and the tag filters accept the task's early sets. Templates never match
    /// directly.
    public func matches(_ query: TaskConfigurationQuery) -> Bool {
        guard template == nil, taskType == query.taskType, taskName == query.taskName else { return false }
        if let subject, subject != query.subject { return false }
        if let context, context != query.context { return false }
        if let tagsProvided, !tagsProvided.accepts(query.earlyProvided) { return false }
        if let tagsRequired, !tagsRequired.accepts(query.earlyRequired) { return false }
        return true
    }
}
