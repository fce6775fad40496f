import KilnCore

/// `blhc` (Worker): checks a package build log for missing hardening flags, inside an executor environment
/// (Debusine `tasks/blhc.py` `Blhc`, data `tasks/models.py` `BlhcData`).
///
/// Subject = the build log's `source`; no configuration context (Debusine does not override
/// `get_configuration_context`). Requires the executor and build-architecture tags only; provides
/// `task:source-package:<source>`.
public struct BlhcTask: ExecutorTask, SourcePackageTask {
    /// `blhc` task data (Debusine's `BlhcData`).
    public struct TaskData: Hashable, Sendable {
        /// `input.artifact`: the `debian:package-build-log` to check.
        public var artifact: JSONValue
        /// `extra_flags`: options passed to blhc, each one of `flags`.
        public var extraFlags: [String]
        /// `backend`, `environment` (required) and `build_architecture` (required).
        public var executor: ExecutorSettings
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `Blhc` class.
    public static let taskName = "blhc"
    /// Worker: runs on an external worker with the executor it asks for.
    public static let taskType = TaskType.worker
    /// Version 1, Debusine's `Blhc.TASK_VERSION`.
    public static let taskVersion = 1
    /// Debusine's `input_artifact` (build log, `Stage.pending`: the subject comes from it) and
    /// `environment = EnvironmentInput(stage=Stage.PENDING)`, after the executor's build architecture.
    public static let inputFields: [InputField] = [
        ExecutorTaskSupport.buildArchitecture(),
        InputField(
            "input_artifact", kind: .single, stage: .pending, path: "input.artifact",
            categories: [KnownCategories.packageBuildLog]),
        ExecutorTaskSupport.environment(),
    ]

    /// Debusine's `BlhcFlags`.
    static let flags = ["--all", "--bindnow", "--buildd", "--color", "--debian", "--line-numbers", "--pie"]

    /// The validated data.
    public let data: TaskData
    /// The input fields, resolved server side or restored on the worker.
    public let inputs: ResolvedInputs

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Accepts what `BlhcData` accepts; `environment` and `build_architecture` are required there.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard var input = try reader.object("input") else { throw .missingField("input") }
        let artifact = try input.singleLookup("artifact")
        try input.finish()
        var executor = try ExecutorSettings.read(from: &reader, environmentRequired: true, readsArchitecture: false)
        executor.buildArchitecture = try reader.string("build_architecture")
        let data = TaskData(
            artifact: artifact, extraFlags: try reader.choiceList("extra_flags", from: flags), executor: executor,
            taskConfiguration: try reader.taskConfiguration())
        try reader.finish()
        return data
    }

    /// The build log's facts.
    var buildLog: PackageArtifactFacts { get throws { PackageArtifactFacts(try inputs.artifact("input_artifact")) } }

    /// The build log's `source` (Debusine `test_blhc.py` `test_get_subject`).
    public func getSubject() throws -> String? { try buildLog.sourceName }

    /// None (Debusine `test_blhc.py` `test_get_configuration_context`).
    public func getConfigurationContext() throws -> String? { nil }

    /// `input_artifact_id`, `input_artifact_data` (the build log data with `bd_uninstallable` cleared) and
    /// the summary `<source>_<version> (<architectures>)` (Debusine `test_blhc.py` `test_compute_dynamic_data`).
    public func computeDynamicData() throws -> TaskDynamicData {
        let artifact = try inputs.artifact("input_artifact")
        let log = PackageArtifactFacts(artifact)
        var logData = artifact.data
        logData["bd_uninstallable"] = .null
        return try executorDynamicData(
            parameterSummary: "\(log.sourceName ?? "")_\(log.sourceVersion ?? "") "
                + "(\(log.architectures.sorted().joined(separator: " ")))",
            subject: try getSubject(),
            extra: ["input_artifact_id": artifact.artifactID.map(JSONValue.int) ?? .null, "input_artifact_data": .object(logData)]
        )
    }
}

/// Executor and build architecture (`ExecutorTask`); blhc runs inside the environment, so no host tool.
extension BlhcTask.TaskData: ExecutorTaskData {}
