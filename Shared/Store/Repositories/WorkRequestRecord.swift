import Foundation
import KilnCore

/// A work request as stored: the core's `WorkRequest` value plus the columns the state machine does not
/// model (the code version of the dynamic data, the last update, the event reactions).
public struct StoredWorkRequest: Hashable, Sendable {
    /// The value the core's transitions work on.
    public var workRequest: WorkRequest
    /// The code version that computed the dynamic data.
    public var version: Int
    /// When the row last changed.
    public var updatedAt: Date
    /// `event_reactions` as stored.
    public var eventReactions: JSONValue

    /// The status as people read it: `blocked`, `pending-requested`, `inputs-resolved`, `pending`, ….
    public var displayStatus: String { workRequest.displayStatus }
}

extension WorkRequest {
    /// The creator as `created_by_id` columns hold it: `nil` for a creator deleted since, which a work request read
    /// back holds as user 0 (no row has it).
    var storedCreatorID: Int? { createdBy == 0 ? nil : createdBy }
}

/// A work request to create, before validation.
public struct WorkRequestSubmission: Hashable, Sendable {
    public var workspaceID: Int
    /// The creating user's id.
    public var createdBy: Int
    public var taskType: TaskType
    public var taskName: String
    /// The user's input, validated against the task's data model before insertion.
    public var taskData: JSONValue
    public var priorityBase: Int
    public var priorityAdjustment: Int
    /// Work requests that must terminate first.
    public var dependencyIDs: [Int]
    public var workflowData: WorkflowData
    public var unblockStrategy: UnblockStrategy

    public init(
        workspaceID: Int,
        createdBy: Int,
        taskType: TaskType = .worker,
        taskName: String,
        taskData: JSONValue = [:],
        priorityBase: Int = 0,
        priorityAdjustment: Int = 0,
        dependencyIDs: [Int] = [],
        workflowData: WorkflowData = WorkflowData(),
        unblockStrategy: UnblockStrategy = .deps
    ) {
        self.workspaceID = workspaceID
        self.createdBy = createdBy
        self.taskType = taskType
        self.taskName = taskName
        self.taskData = taskData
        self.priorityBase = priorityBase
        self.priorityAdjustment = priorityAdjustment
        self.dependencyIDs = dependencyIDs
        self.workflowData = workflowData
        self.unblockStrategy = unblockStrategy
    }

    /// Validates the submission against the task registry: the task exists for that type and the task data
    /// fits its model (Debusine `WorkRequest._clean_task_name_and_data`), and the creation rules hold.
    ///
    /// - Throws: the registry's error (`no task Worker:nope is registered`) or the task's data error
    ///   (pydantic's `1 validation error for SbuildData …`), unchanged, so the submitter sees the exact reason;
    ///   `WorkRequestValidationError` for a Wait task without `needs_input`.
    public func validated(by registry: TaskRegistry) throws -> ValidatedWorkRequestSubmission {
        let task = try registry.makeDBTask(type: taskType, name: taskName, taskData: taskData)
        var submission = self
        submission.taskName = task.taskName
        let probe = WorkRequest(
            id: 0,
            workspaceID: workspaceID,
            createdAt: Date(),
            createdBy: createdBy,
            taskType: taskType,
            taskName: task.taskName,
            taskData: taskData,
            workflowData: workflowData
        )
        try probe.checkCreatable()
        return ValidatedWorkRequestSubmission(submission: submission)
    }
}

/// A submission that passed `WorkRequestSubmission.validated(by:)`; only these can be inserted, so nothing
/// unvalidated reaches the table.
public struct ValidatedWorkRequestSubmission: Hashable, Sendable {
    public let submission: WorkRequestSubmission
}

/// Filters for `WorkRequestRepository.list`; every filter set must match.
public struct WorkRequestFilter: Hashable, Sendable {
    /// Any of these statuses (empty: any). A work request being unblocked (a pending stage) counts as
    /// `pending`, its status in Debusine's terms (`PendingStage.coreStatus`).
    public var statuses: [WorkRequestStatus]
    /// The task name, compared case-insensitively.
    public var taskName: String?
    public var workspaceID: Int?
    public var workerID: Int?
    /// At most this many, newest first.
    public var limit: Int

    public init(
        statuses: [WorkRequestStatus] = [],
        taskName: String? = nil,
        workspaceID: Int? = nil,
        workerID: Int? = nil,
        limit: Int = 50
    ) {
        self.statuses = statuses
        self.taskName = taskName
        self.workspaceID = workspaceID
        self.workerID = workerID
        self.limit = limit
    }
}

/// One line of a work-request listing: names for people, and the ids behind them for Debusine's serializer fields.
public struct WorkRequestSummary: Hashable, Sendable, Codable {
    public var id: Int
    public var workspace: String
    public var taskType: TaskType
    public var taskName: String
    /// The `status` column: `blocked` while being unblocked (`PendingStage.storedStatus(_:at:)`).
    public var status: WorkRequestStatus
    public var pendingStage: PendingStage?
    public var result: WorkRequestResult
    public var worker: String?
    public var priority: Int
    public var createdAt: Date
    public var createdBy: String?
    /// The workspace's scope and its name within it (`workspace` is `SCOPE/NAME`).
    public var scope: String = ""
    public var workspaceName: String = ""
    /// The ids behind `worker` and `createdBy` (Debusine's API shows ids).
    public var workerID: Int? = nil
    public var createdByID: Int? = nil

    /// `status`, or the pending stage while one is set.
    public var displayStatus: String { PendingStage.displayStatus(status.rawValue, at: pendingStage) }

    /// The status in Debusine's terms: `pending` while being unblocked (`PendingStage.coreStatus`).
    public var coreStatus: WorkRequestStatus { PendingStage.coreStatus(stored: status, at: pendingStage) }
}
