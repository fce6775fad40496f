import KilnCore

/// `noop` (Signing): the signing worker's no-operation task, used to test signing-task scheduling
/// (Debusine `signing/tasks/noop.py` `SigningNoop`, `TASK_NAME = "noop"`, data `SigningNoopData`).
///
/// Shares its name with the Worker `noop`: the registry keys tasks by type and name. No subject, context,
/// fields or tags beyond the signing worker type and version.
public struct SigningNoopTask: ExternalTask {
    /// `noop` (Signing) task data.
    public struct TaskData: Hashable, Sendable {
        /// The result to report: a `WorkRequestResults` value, default `failure` (Debusine `SigningNoopData`).
        public var result: WorkRequestResult
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// `TASK_NAME = "noop"`, as Debusine's `SigningNoop`.
    public static let taskName = "noop"
    /// Signing: it runs on signing workers.
    public static let taskType = TaskType.signing
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1
    /// None: it reads nothing.
    public static let inputFields: [InputField] = []

    /// The validated data.
    public let data: TaskData
    /// No fields of its own.
    public let inputs: ResolvedInputs

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Accepts `result` and `task_configuration` only (`SigningNoopData`, a plain `BaseTaskData`).
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        let data = TaskData(
            result: try reader.workRequestResult(default: .failure), taskConfiguration: try reader.taskConfiguration())
        try reader.finish()
        return data
    }

    /// None (Debusine `signing/tasks/tests/test_noop.py` `test_get_subject`).
    public func getSubject() throws -> String? { nil }

    /// Really runs, as the Worker `noop`: reports the result its data asks for (Debusine's `SigningNoop.run`).
    public func execute(in context: some TaskExecutionContext) async throws -> TaskOutcome {
        await context.log("noop (signing): reporting '\(data.result.rawValue)' as requested by task data")
        return NoopTask.outcome(for: data.result)
    }
}
