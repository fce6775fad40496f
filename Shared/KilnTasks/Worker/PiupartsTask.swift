import KilnCore

/// `piuparts` (Worker): tests installing, upgrading and removing binary packages with piuparts, inside an
/// executor environment, starting from a base tarball (Debusine `tasks/piuparts.py` `Piuparts`, data
/// `tasks/models.py` `PiupartsData`).
///
/// Subject = the binaries' source names, sorted and space-separated; configuration context = the base
/// tarball's codename. Requires the executor and build-architecture tags only; provides no
/// `task:source-package:` tag (Debusine's `Piuparts` does not add one).
public struct PiupartsTask: ExecutorTask {
    /// `piuparts` task data.
    public struct TaskData: Hashable, Sendable {
        /// `input.binary_artifacts`: the packages to test.
        public var binaryArtifacts: JSONValue
        /// `base_tgz`: the `debian:system-tarball` piuparts starts from.
        public var baseTgz: JSONValue
        /// `backend`, `environment` (required) and `build_architecture` (optional).
        public var executor: ExecutorSettings
        /// `extra_repositories`: APT repositories added to the test environment, if any.
        public var extraRepositories: [ExtraRepository]?
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `Piuparts` class.
    public static let taskName = "piuparts"
    /// Worker: runs on an external worker with the executor it asks for.
    public static let taskType = TaskType.worker
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1
    /// Debusine's fields: `base_tgz` (a system tarball, `Stage.pending`: the context is its codename; looked up
    /// with `format=tarball`, no backend and no variant, as `image_category=TARBALL, set_backend=False,
    /// try_variant=False`), `environment` (`Stage.running`) and
    /// `input_binary_artifacts` (binary packages or uploads, `Stage.pending`: the subject comes from them).
    /// `extra_repositories` comes second, in Debusine's resolution order (`ExecutorTaskSupport.extraRepositories`).
    public static let inputFields: [InputField] = [
        ExecutorTaskSupport.buildArchitecture(),
        ExecutorTaskSupport.extraRepositories,
        InputField(
            "base_tgz",
            kind: .environment(
                EnvironmentFieldOptions(
                    architectureField: ExecutorTaskSupport.buildArchitectureField,
                    backendPath: nil,
                    format: .tarball,
                    triesTaskVariant: false
                )
            ),
            stage: .pending,
            categories: [KnownCategories.systemTarball]
        ),
        ExecutorTaskSupport.environment(stage: .running),
        InputField(
            "input_binary_artifacts",
            kind: .multiple,
            stage: .pending,
            path: "input.binary_artifacts",
            categories: [KnownCategories.binaryPackage, KnownCategories.upload]
        ),
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

    /// Accepts what `PiupartsData` accepts.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard var input = try reader.object("input") else { throw .missingField("input") }
        let binaries = try input.multipleLookup("binary_artifacts")
        try input.finish()
        let data = TaskData(
            binaryArtifacts: binaries,
            baseTgz: try reader.singleLookup("base_tgz"),
            executor: try ExecutorSettings.read(from: &reader, environmentRequired: true),
            extraRepositories: try reader.extraRepositories(),
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        return data
    }

    /// The binaries' facts.
    var binaries: [PackageArtifactFacts] {
        get throws { try inputs.multiple("input_binary_artifacts").artifacts.map(PackageArtifactFacts.init) }
    }

    /// The binaries' source names, sorted and space-separated (Debusine `test_piuparts.py` `test_get_subject`).
    public func getSubject() throws -> String? {
        Set(try binaries.compactMap(\.sourceName)).sorted().joined(separator: " ")
    }

    /// The base tarball's codename (Debusine `test_piuparts.py` `test_get_configuration_context`).
    public func getConfigurationContext() throws -> String? {
        try inputs.artifact("base_tgz").data["codename"]?.stringValue
    }

    /// `base_tgz_id`, `input_binary_artifacts_ids`, the resolved `extra_repositories`, runtime context
    /// `<codename>:<build architecture>` and summary `<source>_<version> (<arch>)` for one source and
    /// version, else `<subject> (<arch>)` (Debusine `test_piuparts.py` `test_compute_dynamic_data`).
    public func computeDynamicData() throws -> TaskDynamicData {
        let binaries = try binaries
        let architecture = try inputs.string(ExecutorTaskSupport.buildArchitectureField)
        let names = Set(binaries.compactMap(\.sourceName))
        let versions = Set(binaries.compactMap(\.sourceVersion))
        let subject = try getSubject()
        let summary =
            if let name = names.first, let version = versions.first, names.count == 1, versions.count == 1 {
                "\(name)_\(version)"
            } else {
                subject ?? ""
            }
        return try executorDynamicData(
            parameterSummary: "\(summary) (\(architecture))",
            subject: subject,
            runtimeContext: "\(try getConfigurationContext() ?? "None"):\(architecture)",
            configurationContext: .some(try getConfigurationContext()),
            extra: [
                "extra_repositories": try ExecutorTaskSupport.extraRepositoriesJSON(inputs),
                "input_binary_artifacts_ids": try ExecutorTaskSupport.artifactIDs(inputs, "input_binary_artifacts"),
                "base_tgz_id": try inputs.artifact("base_tgz").artifactID.map(JSONValue.int) ?? .null,
            ]
        )
    }
}

/// Executor and build architecture (`ExecutorTask`); piuparts runs inside the environment, so no host tool.
extension PiupartsTask.TaskData: ExecutorTaskData {}
