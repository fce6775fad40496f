/// What a task can use while it runs on a worker. Kept small on purpose: tasks receive everything else
/// (configured data, resolved inputs) before they run, so execution needs no database and no lookups.
public protocol TaskExecutionContext: Sendable {
    /// The work request being executed (for logs).
    var workRequestID: Int { get }
    /// Appends a line to the work request's execution log.
    func log(_ line: String) async
}

/// How a task execution ended, as the worker reports it (Debusine `artifacts/models.py` `WorkRequestResults`).
public struct TaskOutcome: Hashable, Sendable, Codable {
    /// The reported result.
    public enum Result: String, Hashable, Sendable, Codable {
        /// The task did what it was asked and its checks passed.
        case success
        /// The task ran but its checks failed (e.g. a package failed to build).
        case failure
        /// The task could not run properly (bad environment, internal error).
        case error
    }

    /// The result.
    public var result: Result
    /// A human-readable explanation, for failures and errors.
    public var message: String?

    /// The message is optional: a success usually needs none.
    public init(_ result: Result, message: String? = nil) {
        self.result = result
        self.message = message
    }

    /// A success.
    public static let success = TaskOutcome(.success)
    /// A failure.
    public static let failure = TaskOutcome(.failure)
}

/// Why a worker could not execute a task.
public enum TaskExecutionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// This build of the worker has no execution pipeline for the task (executors, artifact download and
    /// upload are not part of Kiln's task layer); the worker reports the work request as an error.
    case executionUnavailable(task: String)

    public var description: String {
        switch self {
        case .executionUnavailable(let task):
            "task '\(task)' has no worker-side execution pipeline in this build of kiln-worker"
        }
    }
}
