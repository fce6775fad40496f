import KilnCore

/// `noop` (Worker): does nothing and ends with the result its data asks for. Used to test the pipeline end
/// to end — scheduling, dispatch, completion — without any build tool on the worker.
///
/// Its data is Debusine's `NoopData`: a `BaseTaskDataWithExecutor`, so `backend`, `environment` and
/// `build_architecture` are accepted (and ignored: no input fields, no tags), plus `result`, a
/// `WorkRequestResults` value defaulting to `success` (Debusine `tasks/noop.py`, `tasks/models.py` `NoopData`).
public struct NoopTask: ExternalTask {
    /// `noop` task data.
    public struct TaskData: Hashable, Sendable {
        /// The result to report (default `success`, as Debusine's `NoopData`).
        public var result: WorkRequestResult
        /// `backend`, `environment`, `build_architecture`: accepted because Debusine's model inherits them
        /// from `BaseTaskDataWithExecutor`, but unused (Debusine's `Noop` is no executor task).
        public var executor: ExecutorSettings
        /// The `task_configuration` lookup, if given.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `noop` task.
    public static let taskName = "noop"
    /// Worker: it exercises the external-worker path end to end.
    public static let taskType = TaskType.worker
    /// Version 1: forms the `worker:task:worker:noop:version:1` tag (Debusine `tasks/noop.py` `Noop.TASK_VERSION`).
    public static let taskVersion = 1
    /// None: a noop reads no artifacts, not even the environment its data may name.
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

    /// Accepts what Debusine's `NoopData` accepts and nothing else, so a typo is refused at submission
    /// (Debusine `tasks/tests/test_noop.py` `test_no_additional_properties`).
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        let data = TaskData(
            result: try reader.workRequestResult(default: .success),
            executor: try ExecutorSettings.read(from: &reader, environmentRequired: false),
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        return data
    }

    /// A noop has nothing to be about (Debusine `test_noop.py` `test_get_subject`).
    public func getSubject() throws -> String? { nil }

    /// Really runs: the outcome is the one the task data asks for, as Debusine's `Noop.run` returns
    /// `data.result` as-is. The empty result is reported as an error: Debusine's server refuses an empty
    /// completion result (`WorkRequestCompletedSerializer`), and so does Kiln's gateway.
    public func execute(in context: some TaskExecutionContext) async throws -> TaskOutcome {
        await context.log("noop: reporting '\(data.result.rawValue)' as requested by task data")
        return Self.outcome(for: data.result)
    }

    /// The outcome reporting `result`.
    static func outcome(for result: WorkRequestResult) -> TaskOutcome {
        switch result {
        case .success: .success
        case .failure: TaskOutcome(.failure, message: "noop task data asked for result 'failure'")
        case .temporaryFailure: TaskOutcome(.temporaryFailure, message: "noop task data asked for 'temporary failure'")
        case .error: TaskOutcome(.error, message: "noop task data asked for result 'error'")
        case .skipped: TaskOutcome(.skipped)
        case .none: TaskOutcome(.error, message: "noop task data asked for the empty result, which cannot be reported")
        }
    }
}
