/// Where a work request runs and how the scheduler treats it (Debusine `artifacts/models.py` `TaskTypes`).
///
/// Raw values are capitalised exactly as Debusine stores them, because they appear in task-configuration
/// item names (`Worker:sbuild::`), in `worker:task:` tags (lowercased) and on the wire.
public enum TaskType: String, CaseIterable, Codable, Hashable, Sendable {
    /// Runs on an external worker (`worker:type:external`).
    case worker = "Worker"
    /// Runs server-side with database access, never user code (`worker:type:celery`).
    case server = "Server"
    /// Synchronisation points and workflow callbacks: no worker.
    case `internal` = "Internal"
    /// Orchestrates child work requests: no worker.
    case workflow = "Workflow"
    /// Runs on a signing worker that holds private keys (`worker:type:signing`).
    case signing = "Signing"
    /// Waits for time or a person: no worker.
    case wait = "Wait"

    /// The `worker_type` of the workers that may run this type, or `nil` when no worker ever does
    /// (those tasks require `worker:type:not-assignable`: Debusine `db/tasks/base.py` `DBTask.compute_scheduler_tags`).
    public var dispatchWorkerType: WorkerType? {
        switch self {
        case .worker: .external
        case .server: .celery
        case .signing: .signing
        case .internal, .workflow, .wait: nil
        }
    }

    /// Parses a task type case-insensitively (`worker`, `Worker` and `WORKER` all name `.worker`).
    public init?(caseInsensitive text: String) {
        guard let match = TaskType.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            return nil
        }
        self = match
    }
}

/// The kind of worker process (Debusine `tasks/models.py` `WorkerType`). Raw values are the code's values (`external`,
/// not the `worker` of Debusine's scheduler-tags documentation), because they form the `worker:type:` tags.
public enum WorkerType: String, CaseIterable, Codable, Hashable, Sendable {
    /// The `kiln-worker` daemon: runs `Worker` tasks inside an executor.
    case external
    /// The server-side task runner: runs `Server` tasks.
    case celery
    /// A worker that holds signing keys: runs `Signing` tasks; enabled only explicitly.
    case signing
    /// The scheduler itself, for status only; never matched.
    case scheduler
}
