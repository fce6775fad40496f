import KilnCore

/// `makesourcepackageupload` (Worker): makes a `debian:upload` from a `debian:source-package`, inside an
/// executor environment (Debusine `tasks/makesourcepackageupload.py` `MakeSourcePackageUpload`, data
/// `tasks/models.py` `MakeSourcePackageUploadData`).
///
/// Subject = the source package name; no configuration context. Requires the executor and
/// build-architecture tags; provides `task:source-package:<name>`.
public struct MakeSourcePackageUploadTask: ExecutorTask, SourcePackageTask {
    /// `makesourcepackageupload` task data.
    public struct TaskData: Hashable, Sendable {
        /// `input.source_artifact`.
        public var sourceArtifact: JSONValue
        /// `since_version`: include changelog entries since this version.
        public var sinceVersion: String?
        /// `target_distribution`: the distribution to write in the `.changes`.
        public var targetDistribution: String?
        /// `backend`, `environment` (required) and `build_architecture` (optional).
        public var executor: ExecutorSettings
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `MakeSourcePackageUpload` class.
    public static let taskName = "makesourcepackageupload"
    /// Worker: runs on an external worker with the executor it asks for.
    public static let taskType = TaskType.worker
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1
    /// The source package at `Stage.pending` (the subject comes from it); the environment at
    /// `Stage.running` (Debusine's plain `EnvironmentInput()`).
    public static let inputFields: [InputField] = [
        ExecutorTaskSupport.buildArchitecture(),
        ExecutorTaskSupport.sourceArtifact(categories: [KnownCategories.sourcePackage]),
        ExecutorTaskSupport.environment(stage: .running),
    ]

    /// The validated data.
    public let data: TaskData
    /// The input fields, resolved server side or restored on the worker.
    public let inputs: ResolvedInputs

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Accepts what `MakeSourcePackageUploadData` accepts.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard var input = try reader.object("input") else { throw .missingField("input") }
        let source = try input.singleLookup("source_artifact")
        try input.finish()
        let data = TaskData(
            sourceArtifact: source,
            sinceVersion: try reader.optionalString("since_version"),
            targetDistribution: try reader.optionalString("target_distribution"),
            executor: try ExecutorSettings.read(from: &reader, environmentRequired: true),
            taskConfiguration: try reader.taskConfiguration())
        try reader.finish()
        return data
    }

    /// The source package's facts.
    var source: PackageArtifactFacts {
        get throws { PackageArtifactFacts(try inputs.artifact("input_source_artifact")) }
    }

    /// The source package name (Debusine `test_makesourcepackageupload.py` `test_get_subject`).
    public func getSubject() throws -> String? { try source.sourceName }

    /// None: Debusine's task does not override `get_configuration_context`.
    public func getConfigurationContext() throws -> String? { nil }

    /// `input_source_artifact_id` and the summary `<name>_<version>` (Debusine
    /// `test_makesourcepackageupload.py` `test_compute_dynamic_data`).
    public func computeDynamicData() throws -> TaskDynamicData {
        let source = try source
        return try executorDynamicData(
            parameterSummary: "\(source.sourceName ?? "")_\(source.sourceVersion ?? "")",
            subject: try getSubject(),
            extra: [
                "input_source_artifact_id":
                    try inputs.artifact("input_source_artifact").artifactID.map(JSONValue.int) ?? .null
            ]
        )
    }
}

/// Executor and build architecture (`ExecutorTask`); no host tool.
extension MakeSourcePackageUploadTask.TaskData: ExecutorTaskData {}
