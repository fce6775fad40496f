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
    /// A result the gateway did not accept, with Debusine's answer to it.
    case resultRefused = "gateway.result-refused"
}

/// `gateway.result-refused`: why a result changed nothing, so the worker's log says it. An unknown or another
/// worker's work request is answered as Debusine's `UpdateWorkRequestAsCompletedView` answers (`Work request
/// not found`); a result for a work request no longer running, or under an old assignment, is Kiln's addition
/// (Debusine accepts the request and only logs `Cannot mark WorkRequest N as completed: current status is S`),
/// titled `Cannot change work request as completed` with that text as detail.
public struct ResultRefusal: VersionedMessage, Hashable {
    /// The schema version the producer wrote; `MessageCodec.decode` refuses any other.
    public var schemaVersion: Int
    /// The work request the result was for.
    public var workRequestID: Int
    /// The epoch the result carried.
    public var epoch: Int
    /// Debusine's title.
    public var title: String
    /// Debusine's detail where it has one, else Kiln's reason (an old epoch: Debusine has no epochs).
    public var detail: String

    /// Stamps the current `MessageCodec.schemaVersion`, so producers cannot forget it.
    public init(workRequestID: Int, epoch: Int, title: String, detail: String) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.workRequestID = workRequestID
        self.epoch = epoch
        self.title = title
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case workRequestID = "work_request_id"
        case epoch, title, detail
    }
}

/// `gateway.welcome`.
public struct GatewayWelcome: VersionedMessage, Hashable {
    /// The schema version the producer wrote; `MessageCodec.decode` refuses any other.
    public var schemaVersion: Int
    /// The worker's database id, which the worker logs and reports nothing else by.
    public var workerID: Int
    /// The name the gateway derived from the fqdn (Debusine `WorkerManager.create_with_fqdn`), so worker and operator
    /// use the same one.
    public var workerName: String
    /// How often to send `worker.heartbeat`.
    public var heartbeatSeconds: Int
    /// How long an assignment's lease lasts without a heartbeat.
    public var leaseSeconds: Int
    /// The `session` of the hello this answers (`WorkerHello.session`): a worker ignores a welcome for
    /// another session.
    public var session: String?

    /// Stamps the current `MessageCodec.schemaVersion`, so producers cannot forget it.
    public init(workerID: Int, workerName: String, heartbeatSeconds: Int, leaseSeconds: Int, session: String? = nil) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.session = session
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
        case session
    }
}

/// `gateway.refused`, with Debusine's reason codes (`TOKEN_DISABLED`, …).
public struct GatewayRefusal: VersionedMessage, Hashable {
    /// The schema version the producer wrote; `MessageCodec.decode` refuses any other.
    public var schemaVersion: Int
    /// The explanation, worded as Debusine's (`No token header, token not associated to a worker or not
    /// enabled`, `Token has been disabled (token hash: "…")`), so it can be compared with Debusine's word for word.
    public var reason: String
    /// Debusine's machine-readable code (`TOKEN_DISABLED`, …), so the worker can decide whether to retry.
    public var reasonCode: String
    /// The `session` of the hello this answers (see ``GatewayWelcome/session``).
    public var session: String?
    /// The worker's name when the gateway knows it: the name `kiln worker enable` takes, which is not the FQDN.
    public var worker: String?
    /// Kiln's advice for the operator (`kiln worker enable NAME`), apart from Debusine's reason.
    public var advice: String?

    /// Stamps the current `MessageCodec.schemaVersion`, so producers cannot forget it.
    public init(
        reason: String, reasonCode: String, session: String? = nil, worker: String? = nil, advice: String? = nil
    ) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.session = session
        self.reason = reason
        self.reasonCode = reasonCode
        self.worker = worker
        self.advice = advice
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case reason
        case reasonCode = "reason_code"
        case session
        case worker
        case advice
    }
}

/// `gateway.assignment`: everything the worker needs to rebuild the task with no database and no lookups
/// (Debusine `worker/task_runner.py` `TaskRunner.setup_task`): the configured task data (as `task_data`) and the
/// dynamic data with `task_input_fields`.
public struct WorkAssignment: VersionedMessage, Hashable {
    /// The schema version the producer wrote; `MessageCodec.decode` refuses any other.
    public var schemaVersion: Int
    /// The work request to run.
    public var workRequestID: Int
    /// The fencing number the result must carry.
    public var epoch: Int
    /// With `taskName`, the registry key the worker builds the `ExternalTask` from.
    public var taskType: TaskType
    /// The registry name of the task.
    public var taskName: String
    /// The configured task data.
    public var taskData: JSONValue
    /// The dynamic data with `task_input_fields`: the field values the worker restores instead of looking up (Debusine
    /// `TaskFieldContainer.restore_field_values`).
    public var dynamicTaskData: JSONValue
    /// The work request's workspace name, for the worker's logs and paths.
    public var workspace: String
    /// The workspace's scope, for the worker's logs and paths.
    public var scope: String
    /// The work request as Debusine's get-next gives it to a worker (`server/views/workers.py`
    /// `GetNextWorkRequestView`, `WorkerWorkRequestSerializer`): `id`, `status` (as before the work request is
    /// marked running: `pending`, or `running` for work handed back after a reconnection), `created_at`, `created_by`, `worker`, priorities, `workflow_data`,
    /// `scheduler_tags_*`, … — every field but the HTTP ones (`url`, `links`, `token`). Absent from the messages
    /// of older gateways.
    public var workRequest: JSONValue?

    /// Stamps the current `MessageCodec.schemaVersion`, so producers cannot forget it.
    public init(
        workRequestID: Int, epoch: Int, taskType: TaskType, taskName: String, taskData: JSONValue,
        dynamicTaskData: JSONValue, workspace: String, scope: String, workRequest: JSONValue? = nil
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
        self.workRequest = workRequest
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case workRequest = "work_request"
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
    /// The schema version the producer wrote; `MessageCodec.decode` refuses any other.
    public var schemaVersion: Int
    /// The work request to stop.
    public var workRequestID: Int
    /// The fencing number of the assignment to stop, so an old abort cannot stop a newer run.
    public var epoch: Int
    /// Why it was aborted, for the worker's log.
    public var reason: String

    /// Stamps the current `MessageCodec.schemaVersion`, so producers cannot forget it.
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
