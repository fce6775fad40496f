import KilnCore

/// `sbuild` (Worker): builds a source package inside an executor environment.
///
/// Subject = the source package name, configuration context = the environment's codename (Debusine `tasks/sbuild.py`
/// `Sbuild.get_subject`, `Sbuild.get_configuration_context`). Requires the executor, the build architecture and
/// `worker:cap:sbuild`; provides `task:source-package:<name>`.
public struct SbuildTask: ExecutorTask, HostToolTask, SourcePackageTask {
    /// A binNMU request (`binnmu`).
    public struct BinNMU: Hashable, Sendable {
        /// The changelog entry text.
        public var changelog: String
        /// The version suffix (`+b1`).
        public var suffix: String
        /// The maintainer of the binNMU, if given.
        public var maintainer: String?
    }

    /// `sbuild` task data (Debusine's `SbuildData`; `host_architecture` is now `build_architecture`).
    public struct TaskData: Hashable, Sendable {
        /// `input.source_artifact`: the `debian:source-package` to build.
        public var sourceArtifact: JSONValue
        /// `input.extra_binary_artifacts`: extra binaries made available to the build (default none).
        public var extraBinaryArtifacts: JSONValue
        /// `backend`, `build_architecture`, `environment`.
        public var executor: ExecutorSettings
        /// `build_components`: any of `any`, `all`, `source` (default `["any"]`).
        public var buildComponents: [String]
        /// `build_profiles`: `DEB_BUILD_PROFILES` entries.
        public var buildProfiles: [String]
        /// `binnmu`, if this is a binNMU.
        public var binnmu: BinNMU?
        /// `build_dep_resolution`: sbuild's resolver (`apt`, `aptitude`, `aspcud`, `xapt`), if set.
        public var buildDepResolution: String?
        /// `aspcud_criteria`: only with the aspcud resolver.
        public var aspcudCriteria: String?
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `sbuild` task.
    public static let taskName = "sbuild"
    /// Worker: runs on an external worker with the executor it asks for.
    public static let taskType = TaskType.worker
    /// Version 1: forms the `worker:task:worker:sbuild:version:1` tag (Debusine `tasks/sbuild.py`
    /// `Sbuild.TASK_VERSION`).
    public static let taskVersion = 1
    /// Build architecture, source (`Stage.pending`: it gives the subject), extra binaries and environment (the input
    /// fields of Debusine `tasks/sbuild.py` `Sbuild`).
    public static let inputFields: [InputField] = [
        ExecutorTaskSupport.buildArchitecture(),
        ExecutorTaskSupport.sourceArtifact(),
        ExecutorTaskSupport.binaryArtifacts("extra_binary_artifacts", default: []),
        ExecutorTaskSupport.environment(),
    ]

    static let components = ["any", "all", "source"]
    static let resolvers = ["apt", "aptitude", "aspcud", "xapt"]

    /// The validated data.
    public let data: TaskData
    /// The input fields, resolved server side or restored on the worker.
    public let inputs: ResolvedInputs

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Checks every option against Debusine's `SbuildData` rules, so bad data fails at submission.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func validateData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard var input = try reader.object("input") else { throw .missingField("input") }
        let source = try input.singleLookup("source_artifact")
        let extra = try input.multipleLookup("extra_binary_artifacts", default: [])
        try input.finish()
        let executor = try ExecutorSettings.read(from: &reader, environmentRequired: true)
        let components = try reader.stringList("build_components", default: ["any"])
        let componentsField = reader.fieldName("build_components")
        if components.isEmpty {
            throw .invalidValue(field: componentsField, value: [], reason: "at least one of any, all, source is needed")
        }
        for (index, component) in components.enumerated() where !Self.components.contains(component) {
            throw .invalidValue(
                field: "\(componentsField)[\(index)]",
                value: .string(component),
                reason: "must be one of any, all, source"
            )
        }
        if Set(components).count != components.count {
            throw .invalidValue(
                field: componentsField,
                value: .array(components.map(JSONValue.string)),
                reason: "duplicate entries"
            )
        }
        let profiles = try reader.stringList("build_profiles")
        var binnmu: BinNMU?
        if var nmu = try reader.object("binnmu") {
            let changelog = try nmu.string("changelog")
            let suffix = try nmu.string("suffix")
            if suffix.isEmpty || suffix.contains(where: \.isWhitespace) {
                throw .invalidValue(
                    field: nmu.fieldName("suffix"),
                    value: .string(suffix),
                    reason: "must be a non-empty version suffix such as +b1"
                )
            }
            binnmu = BinNMU(changelog: changelog, suffix: suffix, maintainer: try nmu.optionalString("maintainer"))
            try nmu.finish()
        }
        var resolver: String?
        if let given = try reader.optionalString("build_dep_resolution") {
            guard Self.resolvers.contains(given) else {
                throw .invalidValue(
                    field: "build_dep_resolution",
                    value: .string(given),
                    reason: "must be one of \(Self.resolvers.joined(separator: ", "))"
                )
            }
            resolver = given
        }
        let criteria = try reader.optionalString("aspcud_criteria")
        if let criteria, resolver != "aspcud" {
            throw .invalidValue(
                field: "aspcud_criteria",
                value: .string(criteria),
                reason: "only allowed with build_dep_resolution aspcud"
            )
        }
        let data = TaskData(
            sourceArtifact: source,
            extraBinaryArtifacts: extra,
            executor: executor,
            buildComponents: components,
            buildProfiles: profiles,
            binnmu: binnmu,
            buildDepResolution: resolver,
            aspcudCriteria: criteria,
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        return data
    }

    var source: SourcePackageFacts? {
        get throws { SourcePackageFacts(try inputs.artifact("input_source_artifact")) }
    }

    /// The source package name: configuration entries for sbuild are keyed by it (Debusine `Sbuild.get_subject`).
    public func getSubject() throws -> String? { try source?.name }

    /// Subject, context, summary and the legacy artifact ids Debusine still writes beside the field values
    /// (`Sbuild.compute_dynamic_data`).
    public func computeDynamicData() throws -> TaskDynamicData {
        let sourceArtifact = try inputs.artifact("input_source_artifact")
        return try executorDynamicData(
            parameterSummary: try source?.summary,
            subject: try getSubject(),
            extra: [
                "input_source_artifact_id": sourceArtifact.artifactID.map(JSONValue.int) ?? .null,
                "input_extra_binary_artifacts_ids": try ExecutorTaskSupport.artifactIDs(
                    inputs, "input_extra_binary_artifacts"),
            ]
        )
    }

    /// `worker:cap:sbuild` is advertised only where the command exists, and required (Debusine
    /// `Sbuild.get_provided_worker_tags`, `Sbuild.compute_scheduler_tags`).
    public static let requiredHostCommand = "sbuild"
}

extension SbuildTask.TaskData: ExecutorTaskData {}
