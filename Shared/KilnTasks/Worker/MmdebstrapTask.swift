import KilnCore

/// `mmdebstrap` (Worker): builds a system tarball with mmdebstrap.
///
/// Its build architecture is `bootstrap_options.architecture` (the input field reads that dotted path). Like
/// Debusine's `SystemBootstrap` (a `RunCommandTask`, not a `BaseTaskWithExecutor`), it runs on the worker's
/// host: it has no `backend` or `environment` and requires no executor, only the build architecture and
/// `worker:cap:mmdebstrap` (`test_mmdebstrap.py` `MmDebstrapTests::test_compute_scheduler_tags`).
public struct MmdebstrapTask: SystemBootstrapTask {
    /// `mmdebstrap` task data (Debusine's `MmDebstrapData`: `SystemBootstrapData` with mmdebstrap's variants).
    public struct TaskData: Hashable, Sendable {
        /// `bootstrap_options`, `bootstrap_repositories`, `customization_script`.
        public var bootstrap: SystemBootstrapData
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `mmdebstrap` task.
    public static let taskName = "mmdebstrap"
    /// Worker: runs on an external worker's host.
    public static let taskType = TaskType.worker

    /// The validated data.
    public let data: TaskData
    /// The input fields, resolved server side or restored on the worker.
    public let inputs: ResolvedInputs

    /// The shared SystemBootstrap data.
    public var bootstrap: SystemBootstrapData { data.bootstrap }

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Checks every option against Debusine's `MmDebstrapData` rules, so bad data fails at submission.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        let data = TaskData(
            bootstrap: try SystemBootstrapData.read(from: &reader, variants: SystemBootstrapData.mmdebstrapVariants),
            taskConfiguration: try reader.taskConfiguration())
        try reader.finish()
        return data
    }
}
