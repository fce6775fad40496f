import KilnCore

/// `assemblesignedsource` (Worker): assembles a signed source package from a template binary package and
/// signed artifacts (Debusine `tasks/assemble_signed_source.py` `AssembleSignedSource`, data
/// `tasks/models.py` `AssembleSignedSourceData`).
///
/// Subject = the template's binary package name; no configuration context. Requires the executor and
/// build-architecture tags only.
public struct AssembleSignedSourceTask: ExecutorTask {
    /// `assemblesignedsource` task data.
    public struct TaskData: Hashable, Sendable {
        /// `template`: the `debian:binary-package` holding the source template.
        public var template: JSONValue
        /// `signed`: the signed artifacts.
        public var signed: JSONValue
        /// `backend` (`auto` only), `environment` (required) and `build_architecture` (optional).
        public var executor: ExecutorSettings
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `AssembleSignedSource` class.
    public static let taskName = "assemblesignedsource"
    /// Worker: runs on an external worker.
    public static let taskType = TaskType.worker
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1
    /// Debusine's `template` and `environment` at `Stage.pending`; at `Stage.running`, `signed = MultiInput()` and
    /// `unsigned = UnsignedMultiInput(field="signed")`: the signing inputs and binary packages the signed
    /// artifacts were made from, found through their `relates-to` relations.
    public static let inputFields: [InputField] = [
        ExecutorTaskSupport.buildArchitecture(),
        InputField("template", kind: .single, stage: .pending, categories: [KnownCategories.binaryPackage]),
        ExecutorTaskSupport.environment(),
        InputField("signed", kind: .multiple),
        InputField("unsigned", kind: .unsignedArtifacts, path: "signed"),
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

    /// Accepts what `AssembleSignedSourceData` accepts, `backend` only `auto`.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        let executor = try ExecutorSettings.read(from: &reader, environmentRequired: true)
        let data = TaskData(
            template: try reader.singleLookup("template"),
            signed: try reader.multipleLookup("signed"),
            executor: executor,
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        return data
    }

    /// The template's binary package name (Debusine `test_assemble_signed_source.py` `test_get_subject`).
    public func getSubject() throws -> String? {
        PackageArtifactFacts(try inputs.artifact("template")).binaryPackageName
    }

    /// None: Debusine's task does not override `get_configuration_context`.
    public func getConfigurationContext() throws -> String? { nil }

    /// `template_id`, `signed_ids`, `unsigned_ids` and the summary `<package>_<version> (<architecture>)` (Debusine
    /// `test_assemble_signed_source.py` `test_compute_dynamic_data`).
    public func computeDynamicData() throws -> TaskDynamicData {
        let template = try inputs.artifact("template")
        let facts = PackageArtifactFacts(template)
        return try executorDynamicData(
            parameterSummary: "\(facts.binaryPackageName.pythonFormatted)_\(facts.binaryPackageVersion ?? "") "
                + "(\(facts.architectures.sorted().joined(separator: ", ")))",
            subject: try getSubject(),
            extra: [
                "template_id": template.artifactID.map(JSONValue.int) ?? .null,
                "signed_ids": try ExecutorTaskSupport.artifactIDs(inputs, "signed"),
                "unsigned_ids": try ExecutorTaskSupport.artifactIDs(inputs, "unsigned"),
            ]
        )
    }
}

/// Executor and build architecture (`ExecutorTask`); no host tool.
extension AssembleSignedSourceTask.TaskData: ExecutorTaskData {}
