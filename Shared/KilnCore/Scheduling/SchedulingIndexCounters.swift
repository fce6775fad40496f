/// Sizes of the scheduling index, exported as metrics: they show whether the class grouping pays off
/// (few classes for many work requests and workers) and how much eligibility is cached.
public struct SchedulingIndexCounters: Hashable, Sendable, Codable {
    /// Work requests waiting in the queues.
    public var pendingWorkRequests: Int
    /// Proposals handed out and not yet confirmed or rolled back.
    public var outstandingProposals: Int
    /// Non-empty task classes (distinct task name, required and provided tag sets among pending work).
    public var taskClasses: Int
    /// Workers in the index.
    public var workers: Int
    /// Distinct worker classes (provided, required, allowlist, denylist).
    public var workerClasses: Int
    /// (worker class, task class) pairs known to be eligible, summed over worker classes.
    public var eligiblePairsCached: Int
    /// Tags interned so far.
    public var internedTags: Int
    /// How many times dead task classes were purged (each purge drops the eligibility caches).
    public var compactions: Int
    /// How many times the task classes were rebuilt because a worker brought a required tag not seen before.
    public var reclassifications: Int
}
