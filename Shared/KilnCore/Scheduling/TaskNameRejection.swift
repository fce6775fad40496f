extension WorkerTaskNameFilter {
    /// Why `taskName` is refused, or `nil` when it is allowed: the scheduler's `explain` reports it next to
    /// the tag mismatch. Agrees with `permits(taskName:)` (the allowlist, when set, wins over the denylist).
    public func rejection(of taskName: String) -> TaskNameRejection? {
        if permits(taskName: taskName) { return nil }
        return allowlist == nil ? .denylisted : .notInAllowlist
    }
}

/// Why a worker's task lists refuse a task name.
public enum TaskNameRejection: String, Hashable, Sendable, Codable {
    /// The worker has an allowlist and the name is not on it.
    case notInAllowlist = "not-in-allowlist"
    /// The worker has no allowlist and the name is on its denylist.
    case denylisted
}
