/// Where a work request is in its life (Debusine `WorkRequest.Statuses`).
///
/// Raw values are Debusine's lower-case strings because they are stored in PostgreSQL, compared in
/// compare-and-set statements and shown by the CLI.
public enum WorkRequestStatus: String, CaseIterable, Codable, Hashable, Sendable {
    /// Waiting for dependencies (or a manual review) before it may be scheduled; the Debusine 0.16 default.
    case blocked
    /// Ready to be scheduled; may already have a worker assigned.
    case pending
    /// Handed to its worker (or, for Wait/Internal/Workflow types, in progress server-side).
    case running
    /// Finished with a result.
    case completed
    /// Stopped without finishing (user abort, failed dependency, retry limit).
    case aborted

    /// *terminated* (Debusine `WorkRequestQuerySet.terminated`): the work request will not change any more unless it is
    /// retried.
    public var isTerminated: Bool { self == .completed || self == .aborted }

    /// *in progress* for workflow completion (Debusine `WorkRequest.has_children_in_progress`): anything not
    /// terminated.
    public var isInProgress: Bool { !isTerminated }
}

/// How a completed work request ended (Debusine `artifacts/models.py` `WorkRequestResults`).
///
/// The raw values are Debusine's stored strings, including the empty string for "no result yet" and the
/// space in `temporary failure`.
public enum WorkRequestResult: String, CaseIterable, Codable, Hashable, Sendable {
    /// No result: the work request has not completed.
    case none = ""
    /// The task did what it was asked.
    case success
    /// The task ran and found a problem in its input (a build failure, lintian errors, …).
    case failure
    /// Debusine 0.16: a transient external cause (a mirror outage): worth retrying.
    case temporaryFailure = "temporary failure"
    /// An unexpected problem in the task or the infrastructure.
    case error
    /// The task decided it had nothing to do.
    case skipped

    /// `true` for the results that let dependants run without any allow-failure flag (Debusine
    /// `WorkRequest.unblock_reverse_dependencies`).
    public var letsDependantsRun: Bool { self == .success || self == .skipped }
}

/// When a blocked work request becomes pending (Debusine `WorkRequest.UnblockStrategy`).
public enum UnblockStrategy: String, CaseIterable, Codable, Hashable, Sendable {
    /// As soon as every dependency has terminated (the default).
    case deps
    /// When a workspace owner accepts it (workflow children only).
    case manual
    /// Debusine 0.16: Workflow callbacks that run again whenever more of their inputs are ready.
    case incremental
}
