import KilnCore

/// `extractforsigning` (Worker): extracts signing input from binary packages, following a template
/// package (Debusine `tasks/extract_for_signing.py` `ExtractForSigning`, data `tasks/models.py`
/// `ExtractForSigningData`).
///
/// Subject = the template's binary package name; no configuration context. Requires the executor and
/// build-architecture tags only (no `task:source-package:` tag).
public struct ExtractForSigningTask: ExecutorTask {
    /// `extractforsigning` task data.
    public struct TaskData: Hashable, Sendable {
        /// `input.template_artifact`: the `debian:binary-package` holding the signing template.
        public var templateArtifact: JSONValue
        /// `input.binary_artifacts`: the binaries (or uploads of them) to extract from.
        public var binaryArtifacts: JSONValue
        /// `backend` (`auto` only), `environment` (required) and `build_architecture` (optional).
        public var executor: ExecutorSettings
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `ExtractForSigning` class.
    public static let taskName = "extractforsigning"
    /// Worker: runs on an external worker.
    public static let taskType = TaskType.worker
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1
    /// The template at `Stage.pending` (the subject comes from it); the binaries and the environment at
    /// `Stage.running`, each upload among the binaries replaced by the binary packages it `extends` (Debusine's
    /// `UploadArtifactsInput`).
    public static let inputFields: [InputField] = [
        ExecutorTaskSupport.buildArchitecture(),
        InputField(
            "template_artifact",
            kind: .single,
            stage: .pending,
            path: "input.template_artifact",
            categories: [KnownCategories.binaryPackage]
        ),
        InputField(
            "binary_artifacts",
            kind: .uploadArtifacts,
            path: "input.binary_artifacts",
            categories: [KnownCategories.binaryPackage]
        ),
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

    /// Accepts what `ExtractForSigningData` accepts, `backend` only `auto`.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard var input = try reader.object("input") else { throw .missingField("input") }
        let template = try input.singleLookup("template_artifact")
        let binaries = try input.multipleLookup("binary_artifacts")
        try input.finish()
        let executor = try ExecutorSettings.read(from: &reader, environmentRequired: true)
        let data = TaskData(
            templateArtifact: template,
            binaryArtifacts: binaries,
            executor: executor,
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        return data
    }

    /// The template's binary package name (Debusine `test_extract_for_signing.py` `test_get_subject`).
    public func getSubject() throws -> String? {
        PackageArtifactFacts(try inputs.artifact("template_artifact")).binaryPackageName
    }

    /// None: Debusine's task does not override `get_configuration_context`.
    public func getConfigurationContext() throws -> String? { nil }

    /// `input_template_artifact_id`, `input_binary_artifacts_ids` and the summary
    /// `<package>_<version> (<architectures>)` (Debusine `test_extract_for_signing.py`
    /// `test_compute_dynamic_data`).
    public func computeDynamicData() throws -> TaskDynamicData {
        let template = try inputs.artifact("template_artifact")
        let facts = PackageArtifactFacts(template)
        let binaries = try inputs.multiple("binary_artifacts").artifacts
        let architectures = binaries.map(PackageArtifactFacts.init).reduce(into: Set<String>()) {
            $0.formUnion($1.architectures)
        }
        return try executorDynamicData(
            parameterSummary: "\(facts.binaryPackageName.pythonFormatted)_\(facts.binaryPackageVersion ?? "") "
                + "(\(architectures.sorted().joined(separator: ", ")))",
            subject: try getSubject(),
            extra: [
                "input_template_artifact_id": template.artifactID.map(JSONValue.int) ?? .null,
                "input_binary_artifacts_ids": .array(binaries.map { $0.artifactID.map(JSONValue.int) ?? .null }),
            ]
        )
    }
}

/// Executor and build architecture (`ExecutorTask`); no host tool.
extension ExtractForSigningTask.TaskData: ExecutorTaskData {}
