/// Why a work request is retried (Debusine `db/models/work_requests.py` `WorkRequestRetryReason`); each reason updates
/// `retry_count` differently.
public enum WorkRequestRetryReason: Hashable, Sendable {
    /// Its worker failed or vanished: `retry_count + 1`, refused once it reaches
    /// `maxAutomaticRetries`.
    case workerFailed
    /// A `retry-with-delays` reaction: `retry_count + 1`, refused once it reaches the number of delays
    /// the reaction lists.
    case delay(delayCount: Int)
    /// A person asked for it: `retry_count` starts again at 0, no limit.
    case manual

    /// `MAX_AUTOMATIC_RETRIES`: how often a worker failure is retried before the work request stays
    /// aborted.
    public static let maxAutomaticRetries = 3

    /// The `retry_count` of the retried work request, given the current one.
    public func retryCount(after current: Int) throws(RetryRefusal) -> Int {
        switch self {
        case .workerFailed:
            guard current < Self.maxAutomaticRetries else {
                throw .limitReached(reason: "worker failure", retryCount: current, limit: Self.maxAutomaticRetries)
            }
            return current + 1
        case .delay(let delayCount):
            guard current < delayCount else {
                throw .limitReached(reason: "retry with delays", retryCount: current, limit: delayCount)
            }
            return current + 1
        case .manual:
            return 0
        }
    }
}

/// The task types that may be retried (Debusine `WorkRequest._verify_retry`): Server tasks may have had side effects
/// and Wait tasks wait for people or time, so neither is ever retried.
public enum RetryableTaskTypes {
    /// Workflow, Worker, Internal and Signing.
    public static let all: Set<TaskType> = [.workflow, .worker, .internal, .signing]

    /// `true` when work requests of this type may be retried.
    public static func contains(_ type: TaskType) -> Bool { all.contains(type) }
}

/// Why a retry was refused (Debusine's `CannotRetry`).
public enum RetryRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The work request is not in the graph the retry was computed over.
    case unknownWorkRequest(workRequestID: Int)
    /// A retry already replaced this work request.
    case superseded(workRequestID: Int)
    /// The work request did not fail or abort.
    case notUnsuccessful(workRequestID: Int, status: WorkRequestStatus, result: WorkRequestResult)
    /// Its type is never retried.
    case typeNotRetryable(workRequestID: Int, taskType: TaskType)
    /// Its inputs no longer resolve (Worker/Signing: dynamic data cannot be recomputed).
    case dependenciesUnsatisfiable(workRequestID: Int)
    /// The retry reason's limit is reached.
    case limitReached(reason: String, retryCount: Int, limit: Int)
    /// Workflows and workflow callbacks are retried by re-orchestration, not by a superseding copy.
    case notSupersedable(workRequestID: Int, taskType: TaskType, taskName: String)

    public var description: String {
        switch self {
        case .unknownWorkRequest(let id):
            "work request \(id) is not loaded"
        case .superseded:
            "Cannot retry old superseded tasks"
        case .notUnsuccessful(let id, let status, let result):
            "Only aborted or failed tasks can be retried (work request \(id) is \(status.rawValue)"
                + (result == .none ? ")" : " with result \(result.rawValue))")
        case .typeNotRetryable(let id, let taskType):
            "Cannot retry \(taskType.rawValue) tasks (work request \(id))"
        case .dependenciesUnsatisfiable:
            "Task dependencies cannot be satisfied"
        case .limitReached(let reason, let retryCount, let limit):
            "Maximum number of retries (\(limit)) reached for \(reason): retry_count is \(retryCount)"
        case .notSupersedable(let id, let taskType, let taskName):
            "work request \(id) (\(taskType.rawValue)/\(taskName)) is retried by re-orchestration, "
                + "not by a superseding copy"
        }
    }
}

extension WorkRequestGraph {
    /// Checks the preconditions of retrying `id` (Debusine `WorkRequest._verify_retry`): a retryable type, not already
    /// superseded, unsuccessful, and (Worker/Signing) inputs that still resolve — `inputsResolve` is the
    /// lookup-resolver's answer, since resolving lookups is not pure.
    public func checkRetryable(_ id: Int, inputsResolve: Bool = true) throws(RetryRefusal) {
        guard let workRequest = self[id] else { throw .unknownWorkRequest(workRequestID: id) }
        guard RetryableTaskTypes.contains(workRequest.taskType) else {
            throw .typeNotRetryable(workRequestID: id, taskType: workRequest.taskType)
        }
        guard !isSuperseded(id) else { throw .superseded(workRequestID: id) }
        guard workRequest.isUnsuccessful else {
            throw .notUnsuccessful(workRequestID: id, status: workRequest.status, result: workRequest.result)
        }
        if workRequest.needsWorker && !inputsResolve {
            throw .dependenciesUnsatisfiable(workRequestID: id)
        }
    }
}
