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

    public static let taskName = "noop"
    public static let taskType = TaskType.worker
    public static let taskVersion = 1
    public static let inputFields: [InputField] = []

    public let data: TaskData
    public let inputs: ResolvedInputs

    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

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
