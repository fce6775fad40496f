/// The status-changing operations of Debusine's `db/models/work_requests.py` `WorkRequest`, with the statuses each may
/// start from.
///
/// The table lives here once so the transition functions, the error messages and the CLI's `explain`
/// agree on it.
public enum WorkRequestTransition: String, CaseIterable, Hashable, Sendable {
    /// `mark_pending` (unblock): BLOCKED → PENDING, or any status when forced.
    case markPending
    /// Assign a worker: PENDING without a worker → PENDING with one.
    case assignWorker
    /// `mark_running`: PENDING → RUNNING (RUNNING → RUNNING is a no-op).
    case markRunning
    /// `mark_completed(result)`: PENDING or RUNNING → COMPLETED.
    case markCompleted
    /// `mark_aborted`: anything → ABORTED.
    case markAborted
    /// `de_assign_worker`: PENDING or RUNNING → PENDING without a worker.
    case deAssignWorker
    /// Kiln's unblocking pipeline, step 1: the `Stage.pending` inputs of a PENDING work request being
    /// unblocked are resolved (pending stage `requested` → `inputs-resolved`).
    case resolvePendingInputs
    /// Kiln's unblocking pipeline, step 2: configured and tags frozen (pending stage `inputs-resolved` →
    /// none): the work request is schedulable.
    case configure
    /// The dynamic data of the current assignment is computed: the assignment may be dispatched.
    case recordDynamicData

    /// The statuses the operation accepts (without `force`).
    public var allowedSources: Set<WorkRequestStatus> {
        switch self {
        case .markPending: [.blocked]
        case .assignWorker: [.pending]
        case .markRunning: [.pending, .running]
        case .markCompleted: [.pending, .running]
        case .markAborted: Set(WorkRequestStatus.allCases)
        case .deAssignWorker: [.pending, .running]
        case .resolvePendingInputs, .configure, .recordDynamicData: [.pending]
        }
    }

    /// The status the work request has afterwards.
    public var target: WorkRequestStatus {
        switch self {
        case .markPending, .assignWorker, .deAssignWorker, .resolvePendingInputs, .configure, .recordDynamicData:
            .pending
        case .markRunning: .running
        case .markCompleted: .completed
        case .markAborted: .aborted
        }
    }

    /// The phrase used in "cannot <phrase> work request N: …".
    public var phrase: String {
        switch self {
        case .markPending: "mark pending"
        case .assignWorker: "assign a worker to"
        case .markRunning: "start"
        case .markCompleted: "complete"
        case .markAborted: "abort"
        case .deAssignWorker: "de-assign the worker of"
        case .resolvePendingInputs: "record the pending inputs of"
        case .configure: "configure"
        case .recordDynamicData: "record the dynamic data of"
        }
    }
}

/// A refused status change (Debusine 0.16 raises `StatusChangeError` where 0.12 returned `false`).
///
/// The message names the work request, the operation, and what was wrong, e.g. "cannot complete work
/// request 12: status blocked, expected pending or running".
public struct StatusChangeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The work request that was not changed.
    public var workRequestID: Int
    /// The operation that was refused.
    public var transition: WorkRequestTransition
    /// Why, without the "cannot … work request N:" prefix.
    public var reason: String

    /// Memberwise; `wrongStatus(_:_:)` builds the common case.
    public init(workRequestID: Int, transition: WorkRequestTransition, reason: String) {
        self.workRequestID = workRequestID
        self.transition = transition
        self.reason = reason
    }

    /// The refusal for a work request in a status the operation does not accept.
    public static func wrongStatus(
        _ workRequest: WorkRequest, _ transition: WorkRequestTransition
    ) -> StatusChangeError {
        let expected = WorkRequestStatus.allCases.filter(transition.allowedSources.contains).map(\.rawValue)
        let list: String =
            switch expected.count {
            case 0: "nothing"
            case 1: expected[0]
            default: expected.dropLast().joined(separator: ", ") + " or " + expected[expected.count - 1]
            }
        return StatusChangeError(
            workRequestID: workRequest.id, transition: transition,
            reason: "status \(workRequest.status.rawValue), expected \(list)")
    }

    public var description: String { "cannot \(transition.phrase) work request \(workRequestID): \(reason)" }
}

/// A worker's result refused because it does not belong to the work request's current assignment.
public struct StaleResultError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The work request the result was for.
    public var workRequestID: Int
    /// Why the result was refused.
    public var reason: String

    /// Memberwise.
    public init(workRequestID: Int, reason: String) {
        self.workRequestID = workRequestID
        self.reason = reason
    }

    public var description: String { "refusing result for work request \(workRequestID): \(reason)" }
}

/// The load of a worker when one of its work requests is about to start (the `mark_running` guard).
public struct WorkerRunningLoad: Hashable, Sendable {
    /// How many work requests the worker may run at once.
    public var concurrency: Int
    /// How many of its work requests are RUNNING now.
    public var runningCount: Int

    /// Memberwise.
    public init(concurrency: Int, runningCount: Int) {
        self.concurrency = concurrency
        self.runningCount = runningCount
    }
}
