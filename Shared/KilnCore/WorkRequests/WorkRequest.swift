import Foundation

/// A work request as the state machine sees it: the fields of Debusine's `db/models/work_requests.py` `WorkRequest`
/// that the scheduler, the worker gateway and the CLI use, as one immutable-by-convention value.
///
/// Every transition returns a new value instead of mutating a shared object, so a service can compute the
/// decision in memory and then persist it with one compare-and-set (`UPDATE … WHERE status = <before>`);
/// a lost race simply discards the computed value.
public struct WorkRequest: Hashable, Sendable, Identifiable {
    /// Primary key; the final queue-order tie-breaker.
    public var id: Int
    /// The workspace it runs in.
    public var workspaceID: Int
    /// Creation time: the FIFO tie-breaker among equal priorities.
    public var createdAt: Date
    /// The creating user's id.
    public var createdBy: Int
    /// Debusine 0.16: The last time it became pending (start-latency metric).
    public var pendingAt: Date?
    /// Set when it starts running; cleared by de-assignment.
    public var startedAt: Date?
    /// Set when it completes or aborts; cleared by `markedPending`.
    public var completedAt: Date?
    /// The user who aborted it, if a user did.
    public var abortedBy: Int?
    /// How and where it runs.
    public var taskType: TaskType
    /// Selects the implementation; compared case-insensitively.
    public var taskName: String
    /// The user's input; never modified after creation (a retry copies this, not the configured data).
    public var taskData: JSONValue
    /// `taskData` after task configuration; Debusine 0.16 set whenever the work request is PENDING or RUNNING.
    public var configuredTaskData: JSONValue?
    /// The output of `computeDynamicData()` for the assignment `dynamicDataEpoch` names; never anything
    /// else, so it is this assignment's exactly when `dynamicDataEpoch == assignmentEpoch`.
    public var dynamicTaskData: JSONValue?
    /// The assignment epoch `dynamicTaskData` was computed for (`nil`: none yet).
    public var dynamicDataEpoch: Int?
    /// Kiln's `mark_pending` pipeline: set while a PENDING work request is still being unblocked (not yet
    /// schedulable); `nil` otherwise. See ``PendingStage``.
    public var pendingStage: PendingStage?
    /// What the unblocking pipeline recorded: at ``PendingStage/inputsResolved`` the lookup-resolver's
    /// resolved pending inputs (`ResolvedPendingInputs`) for the tag-computer; once configured, the
    /// `Stage.pending` fields' values (`{"task_input_fields": …}`). Kept apart from the dynamic data.
    public var pendingStageData: JSONValue?
    /// Where it is in its life.
    public var status: WorkRequestStatus
    /// How it ended (`.none` until completed).
    public var result: WorkRequestResult
    /// The assigned worker, if any.
    public var workerID: Int?
    /// Base priority (from the template or the parent workflow).
    public var priorityBase: Int
    /// Administrator adjustment added to the base.
    public var priorityAdjustment: Int
    /// Statistics, errors and skip reason reported so far.
    public var outputData: OutputData?
    /// When a blocked work request becomes pending.
    public var unblockStrategy: UnblockStrategy
    /// The containing workflow, if any.
    public var parentID: Int?
    /// The root of the workflow tree; a root workflow points to itself; `nil` outside workflows.
    public var workflowRootID: Int?
    /// The work requests that must terminate before this one may be unblocked.
    public var dependencyIDs: Set<Int>
    /// Workflow flags, retry count and UI data.
    public var workflowData: WorkflowData
    /// The work request this one replaced through a superseding retry.
    public var supersedesID: Int?
    /// Final task-provided tags, fixed when it becomes pending.
    public var schedulerTagsProvided: Set<String>
    /// Final task-required tags, fixed when it becomes pending.
    public var schedulerTagsRequired: Set<String>
    /// Kiln's fencing number: incremented at each assignment to a worker. A worker's result must carry the
    /// epoch of the assignment it ran, so a result from an older assignment (a worker that was presumed
    /// dead, the same work request handed out again) is refused instead of overwriting newer state.
    public var assignmentEpoch: Int

    /// Memberwise; the defaults describe a freshly submitted work request: blocked, no result, no worker,
    /// epoch 0.
    public init(
        id: Int, workspaceID: Int, createdAt: Date, createdBy: Int, taskType: TaskType, taskName: String,
        taskData: JSONValue = [:], status: WorkRequestStatus = .blocked, result: WorkRequestResult = .none,
        pendingAt: Date? = nil, startedAt: Date? = nil, completedAt: Date? = nil, abortedBy: Int? = nil,
        configuredTaskData: JSONValue? = nil, dynamicTaskData: JSONValue? = nil, dynamicDataEpoch: Int? = nil,
        pendingStage: PendingStage? = nil, pendingStageData: JSONValue? = nil, workerID: Int? = nil,
        priorityBase: Int = 0, priorityAdjustment: Int = 0, outputData: OutputData? = nil,
        unblockStrategy: UnblockStrategy = .deps, parentID: Int? = nil, workflowRootID: Int? = nil,
        dependencyIDs: Set<Int> = [], workflowData: WorkflowData = WorkflowData(), supersedesID: Int? = nil,
        schedulerTagsProvided: Set<String> = [], schedulerTagsRequired: Set<String> = [],
        assignmentEpoch: Int = 0
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.pendingAt = pendingAt
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.abortedBy = abortedBy
        self.taskType = taskType
        self.taskName = taskName
        self.taskData = taskData
        self.configuredTaskData = configuredTaskData
        self.dynamicTaskData = dynamicTaskData
        self.dynamicDataEpoch = dynamicDataEpoch
        self.pendingStage = pendingStage
        self.pendingStageData = pendingStageData
        self.status = status
        self.result = result
        self.workerID = workerID
        self.priorityBase = priorityBase
        self.priorityAdjustment = priorityAdjustment
        self.outputData = outputData
        self.unblockStrategy = unblockStrategy
        self.parentID = parentID
        self.workflowRootID = workflowRootID
        self.dependencyIDs = dependencyIDs
        self.workflowData = workflowData
        self.supersedesID = supersedesID
        self.schedulerTagsProvided = schedulerTagsProvided
        self.schedulerTagsRequired = schedulerTagsRequired
        self.assignmentEpoch = assignmentEpoch
    }

    /// The status as people read it: the pending stage's name while being unblocked (`pending-requested`,
    /// `inputs-resolved`), else the status.
    public var displayStatus: String { PendingStage.displayStatus(status.rawValue, at: pendingStage) }

    /// Whether the current assignment can be sent to its worker: PENDING, assigned, and its dynamic data
    /// computed for this very assignment — a fact the row states (`dynamic_data_epoch = assignment_epoch`).
    public var isReadyToDispatch: Bool {
        status == .pending && workerID != nil && dynamicDataEpoch == assignmentEpoch
    }

    /// `priority_base + priority_adjustment` (Debusine `WorkRequest.priority_effective`): what the queue orders by.
    public var effectivePriority: Int { priorityBase + priorityAdjustment }

    /// *unsuccessful* (Debusine 0.16 `WorkRequest.is_unsuccessful`): aborted, or completed with failure, temporary
    /// failure or error. Only unsuccessful work requests may be retried.
    ///
    /// Debusine 0.12 counted only `failure`; Kiln follows Debusine 0.16, so errors and transient failures are retryable.
    public var isUnsuccessful: Bool {
        switch status {
        case .aborted: true
        case .completed: result == .failure || result == .temporaryFailure || result == .error
        case .blocked, .pending, .running: false
        }
    }

    /// `true` when this work request completed with a result that lets its dependants run without any
    /// allow-failure flag. An aborted work request never does, whatever stale result it carries.
    public var succeededForDependants: Bool { status == .completed && result.letsDependantsRun }

    /// `true` for the task types a worker runs (Worker, Server, Signing): those need an assigned worker.
    public var needsWorker: Bool { taskType.dispatchWorkerType != nil }

    /// Checks the creation-time rules that do not depend on other work requests (Debusine
    /// `WorkRequest._clean_wait_needs_input`): a Wait task must say whether it needs input.
    public func checkCreatable() throws(WorkRequestValidationError) {
        if taskType == .wait && workflowData.needsInput == nil {
            throw .waitNeedsInput(workRequestID: id)
        }
        if workflowData.retryCount < 0 {
            throw .negativeRetryCount(workRequestID: id, retryCount: workflowData.retryCount)
        }
    }
}

/// A work request that breaks a creation rule.
public enum WorkRequestValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A Wait work request without `workflow_data.needs_input`.
    case waitNeedsInput(workRequestID: Int)
    /// A negative `retry_count`.
    case negativeRetryCount(workRequestID: Int, retryCount: Int)

    public var description: String {
        switch self {
        case .waitNeedsInput(let id):
            "work request \(id) is a Wait task and must set workflow_data.needs_input (true or false)"
        case .negativeRetryCount(let id, let count):
            "work request \(id) has retry_count \(count); it must be 0 or more"
        }
    }
}
