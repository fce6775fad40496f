import KilnCore

/// `servernoop` (Server): the server-side counterpart of `noop`, run by the Celery-type worker; used to test
/// server-task scheduling. Its data says which outcome to produce.
public struct ServerNoopTask: DBTask {
    /// `servernoop` task data.
    public struct TaskData: Hashable, Sendable {
        /// The result to report (default true).
        public var result: Bool
        /// Whether to raise an exception instead (default false), to test error handling.
        public var exception: Bool
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    public static let taskType = TaskType.server
    public static let taskName = "servernoop"
    public static let taskVersion = 1

    public let taskData: JSONValue
    /// The validated data.
    public let data: TaskData
    public var inputs: ResolvedInputs

    public init(taskData: JSONValue) throws {
        var reader = try TaskDataReader(taskData)
        data = TaskData(
            result: try reader.bool("result", default: true),
            exception: try reader.bool("exception", default: false),
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        self.taskData = taskData
        inputs = try ResolvedInputs(fields: Self.ownInputFields)
    }
}
