import KilnCore

/// `noop` (Worker): does nothing and ends with the result its data asks for. Used to test the pipeline end
/// to end — scheduling, dispatch, completion — without any build tool on the worker.
public struct NoopTask: ExternalTask {
    /// `noop` task data.
    public struct TaskData: Hashable, Sendable {
        /// The result to report: `true` → success (the default, as Debusine's noop), `false` → failure.
        public var result: Bool
        /// The `task_configuration` lookup, if given.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `noop` task.
    public static let taskName = "noop"
    /// Worker: it exercises the external-worker path end to end.
    public static let taskType = TaskType.worker
    /// Version 1: forms the `worker:task:worker:noop:version:1` tag (Debusine `tasks/noop.py` `Noop.TASK_VERSION`).
    public static let taskVersion = 1
    /// None: a noop reads no artifacts.
    public static let inputFields: [InputField] = []

    /// The validated data.
    public let data: TaskData
    /// No fields of its own; the proxy still resolves `task_configuration`.
    public let inputs: ResolvedInputs

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Accepts `result` and `task_configuration` only, so a typo is refused at submission.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func validateData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        let data = TaskData(
            result: try reader.bool("result", default: true),
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        return data
    }

    /// A noop has nothing to be about.
    public func getSubject() throws -> String? { nil }

    /// Really runs: the outcome is the one the task data asks for.
    public func execute(in context: some TaskExecutionContext) async throws -> TaskOutcome {
        await context.log("noop: reporting \(data.result ? "success" : "failure") as requested by task data")
        return data.result ? .success : TaskOutcome(.failure, message: "noop task data asked for result=false")
    }
}
