import KilnCore

/// `servernoop` (Server): the server-side counterpart of `noop`, run by the Celery-type worker; used to test
/// server-task scheduling. Its data says which outcome to produce.
public struct ServerNoopTask: DBTask {
    /// `servernoop` task data.
    public struct TaskData: Hashable, Sendable {
        /// The result to report: a `WorkRequestResults` value, default `failure` (Debusine
        /// `server/tasks/models.py` `ServerNoopData`).
        public var result: WorkRequestResult
        /// Whether to raise an exception instead (default false), to test error handling.
        public var exception: Bool
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// Server: run by the Celery-type worker, which is what this task exists to exercise.
    public static let taskType = TaskType.server
    /// The registry name, as Debusine's `servernoop` task.
    public static let taskName = "servernoop"
    /// Version 1: forms the `worker:task:server:servernoop:version:1` tag the Celery worker provides.
    public static let taskVersion = 1

    /// The data as submitted, kept so field resolution reads the same JSON the validation checked.
    public let taskData: JSONValue
    /// The validated data.
    public let data: TaskData
    /// Only the DBTask's own `task_configuration` field: a noop reads no artifacts.
    public var inputs: ResolvedInputs

    /// Validates the data with Debusine's types and defaults (`result` = `failure`, `exception` = false) so a
    /// typo is refused at submission.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public init(taskData: JSONValue) throws {
        try Self.dataModel?.validateTaskData(taskData)
        var reader = try TaskDataReader(taskData)
        data = TaskData(
            result: try reader.workRequestResult(default: .failure),
            exception: try reader.bool("exception", default: false),
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        self.taskData = taskData
        inputs = try ResolvedInputs(fields: Self.ownInputFields)
    }
}
