/// What the worker-gateway sends to a worker's private queue (default exchange, routing key = the queue).
public enum GatewayMessageKind: String, CaseIterable, Sendable, Codable {
    /// The worker is registered and enabled: here is its name and the timing it must keep.
    case welcome = "gateway.welcome"
    /// The worker may not work (unknown and now registered disabled, disabled, bad token).
    case refused = "gateway.refused"
    /// A work request to run.
    case assignment = "gateway.assignment"
    /// Stop running a work request (it was aborted; Debusine never tells the worker, Kiln does).
    case abort = "gateway.abort"
}

/// `gateway.welcome`.
public struct GatewayWelcome: VersionedMessage, Hashable {
    public var schemaVersion: Int
    public var workerID: Int
    public var workerName: String
    /// How often to send `worker.heartbeat`.
    public var heartbeatSeconds: Int
    /// How long an assignment's lease lasts without a heartbeat.
    public var leaseSeconds: Int

    public init(workerID: Int, workerName: String, heartbeatSeconds: Int, leaseSeconds: Int) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.workerID = workerID
        self.workerName = workerName
        self.heartbeatSeconds = heartbeatSeconds
        self.leaseSeconds = leaseSeconds
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case workerID = "worker_id"
        case workerName = "worker_name"
        case heartbeatSeconds = "heartbeat_seconds"
        case leaseSeconds = "lease_seconds"
    }
}

/// `gateway.refused`, with Debusine's reason codes (`TOKEN_DISABLED`, …).
public struct GatewayRefusal: VersionedMessage, Hashable {
    public var schemaVersion: Int
    public var reason: String
    public var reasonCode: String

    public init(reason: String, reasonCode: String) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.reason = reason
        self.reasonCode = reasonCode
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case reason
        case reasonCode = "reason_code"
    }
}

/// `gateway.assignment`: everything the worker needs to rebuild the task with no database and no lookups
/// (§4.9 step 7): the configured task data (as `task_data`) and the dynamic data with `task_input_fields`.
public struct WorkAssignment: VersionedMessage, Hashable {
    public var schemaVersion: Int
    public var workRequestID: Int
    /// The fencing number the result must carry.
    public var epoch: Int
    public var taskType: TaskType
    public var taskName: String
    /// The configured task data.
    public var taskData: JSONValue
    public var dynamicTaskData: JSONValue
    public var workspace: String
    public var scope: String

    public init(
        workRequestID: Int, epoch: Int, taskType: TaskType, taskName: String, taskData: JSONValue,
        dynamicTaskData: JSONValue, workspace: String, scope: String
    ) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.workRequestID = workRequestID
        self.epoch = epoch
        self.taskType = taskType
        self.taskName = taskName
        self.taskData = taskData
        self.dynamicTaskData = dynamicTaskData
        self.workspace = workspace
        self.scope = scope
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case workRequestID = "work_request_id"
        case epoch
        case taskType = "task_type"
        case taskName = "task_name"
        case taskData = "task_data"
        case dynamicTaskData = "dynamic_task_data"
        case workspace, scope
    }
}

/// `gateway.abort`: stop the work request (only if still running under this epoch).
public struct AbortCommand: VersionedMessage, Hashable {
    public var schemaVersion: Int
    public var workRequestID: Int
    public var epoch: Int
    public var reason: String

    public init(workRequestID: Int, epoch: Int, reason: String) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.workRequestID = workRequestID
        self.epoch = epoch
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case workRequestID = "work_request_id"
        case epoch, reason
    }
}
