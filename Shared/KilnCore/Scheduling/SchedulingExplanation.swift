/// Why a work request is (or is not) being picked up, per worker class — what `kiln explain` prints.
public struct WorkRequestExplanation: Hashable, Sendable {
    /// The work request explained.
    public let workRequestID: Int
    /// One entry per worker class with at least one worker, in the order of their first worker.
    public let workerClasses: [WorkerClassExplanation]

    public init(workRequestID: Int, workerClasses: [WorkerClassExplanation]) {
        self.workRequestID = workRequestID
        self.workerClasses = workerClasses
    }

    /// Workers that could run it (tags and task lists agree), busy or not.
    public var matchingWorkers: Int { workerClasses.filter(\.canRun).map(\.workerIDs.count).reduce(0, +) }
    /// Matching workers without a free slot.
    public var busyMatchingWorkers: Int { workerClasses.filter(\.canRun).map(\.busyWorkers).reduce(0, +) }
}

/// One worker class seen from one work request.
public struct WorkerClassExplanation: Hashable, Sendable {
    /// The class's provided tags (WP), sorted.
    public let providedTags: [String]
    /// The class's required tags (WR), sorted.
    public let requiredTags: [String]
    /// The class's task lists.
    public let taskNameFilter: WorkerTaskNameFilter
    /// Its workers, in serving order.
    public let workerIDs: [Int]
    /// Tags missing on either side (`TagMatching.explain`).
    public let tagMismatch: TagMismatch
    /// Set when the task lists refuse the task name.
    public let taskNameRejection: TaskNameRejection?
    /// Workers of the class with no free slot (at capacity, holding proposals, or awaiting a re-read).
    public let busyWorkers: Int

    public init(
        providedTags: [String],
        requiredTags: [String],
        taskNameFilter: WorkerTaskNameFilter,
        workerIDs: [Int],
        tagMismatch: TagMismatch,
        taskNameRejection: TaskNameRejection?,
        busyWorkers: Int
    ) {
        self.providedTags = providedTags
        self.requiredTags = requiredTags
        self.taskNameFilter = taskNameFilter
        self.workerIDs = workerIDs
        self.tagMismatch = tagMismatch
        self.taskNameRejection = taskNameRejection
        self.busyWorkers = busyWorkers
    }

    /// `true` when the class's workers may run the work request.
    public var canRun: Bool { tagMismatch.isMatch && taskNameRejection == nil }
}
