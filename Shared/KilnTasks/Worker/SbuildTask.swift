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
        /// The maintainer of the binNMU, if given, as `str(NameEmail)` writes it (`Name <address>`), which is what
        /// Debusine's `Sbuild._cmdline_binnmu` passes to `--maintainer`.
        public var maintainer: String?
        /// `timestamp`: the binNMU changelog entry's date, if given (sbuild's default: now).
        public var timestamp: PydanticDateTime?
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
        /// `build_dep_resolver`: sbuild's resolver (`apt`, `aptitude`, `aspcud`, `xapt`), if set (Debusine's
        /// `SbuildBuildDepResolver`, default none).
        public var buildDepResolver: String?
        /// `aspcud_criteria`, passed to sbuild as given.
        public var aspcudCriteria: String?
        /// `resolve_alternatives` (default false).
        public var resolveAlternatives: Bool
        /// `extra_repositories`: APT repositories added to the build environment, if any.
        public var extraRepositories: [ExtraRepository]?
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
    /// Build architecture, extra repositories, source (`Stage.pending`: it gives the subject), extra binaries of
    /// any category, environment and the server FQDN, as Debusine's `Sbuild` has them (`debusine/tasks/sbuild.py`),
    /// in its resolution order (`ExecutorTaskSupport.extraRepositories`).
    public static let inputFields: [InputField] = [
        ExecutorTaskSupport.buildArchitecture(),
        ExecutorTaskSupport.extraRepositories,
        ExecutorTaskSupport.sourceArtifact(categories: [KnownCategories.sourcePackage]),
        ExecutorTaskSupport.binaryArtifacts("extra_binary_artifacts", categories: [], default: []),
        ExecutorTaskSupport.environment(categories: KnownCategories.environmentArtifacts),
        InputField(fqdnField, kind: .serverFQDN),
    ]

    /// Name of the server-FQDN input field (Debusine's `debusine_fqdn = DebusineFQDNInput(...)`).
    static let fqdnField = "debusine_fqdn"

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
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard var input = try reader.object("input") else { throw .missingField("input") }
        let source = try input.singleLookup("source_artifact")
        let extra = try input.multipleLookup("extra_binary_artifacts", default: [])
        try input.finish()
        let executor = try ExecutorSettings.read(from: &reader, environmentRequired: true)
        let components = try reader.stringList("build_components", default: ["any"])
        let profiles = try reader.stringList("build_profiles")
        var binnmu: BinNMU?
        if var nmu = try reader.object("binnmu") {
            let changelog = try nmu.string("changelog")
            // Any text, as Debusine's `SbuildBinNMU.suffix` (sbuild judges it when it builds).
            let suffix = try nmu.string("suffix")
            var timestamp: PydanticDateTime?
            if let raw = nmu.raw("timestamp") {
                switch PydanticDateTime.parse(raw) {
                case .success(let value): timestamp = value
                case .failure(let failure):
                    throw .invalidValue(field: nmu.fieldName("timestamp"), value: raw, reason: failure.message)
                }
            }
            binnmu = BinNMU(
                changelog: changelog, suffix: suffix, maintainer: try maintainer(&nmu), timestamp: timestamp)
            try nmu.finish()
        }
        let data = TaskData(
            sourceArtifact: source,
            extraBinaryArtifacts: extra,
            executor: executor,
            buildComponents: components,
            buildProfiles: profiles,
            binnmu: binnmu,
            buildDepResolver: try reader.optionalString("build_dep_resolver"),
            aspcudCriteria: try reader.optionalString("aspcud_criteria"),
            resolveAlternatives: try reader.bool("resolve_alternatives", default: false),
            extraRepositories: try reader.extraRepositories(),
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        return data
    }

    /// `binnmu.maintainer` normalised as pydantic's `NameEmail` (the data model has refused what it cannot read).
    private static func maintainer(_ reader: inout TaskDataReader) throws(TaskDataError) -> String? {
        guard let given = try reader.optionalString("maintainer") else { return nil }
        switch PydanticNameEmail.parse(given) {
        case .success(let value): return value.description
        case .failure(let failure):
            throw .invalidValue(field: reader.fieldName("maintainer"), value: .string(given), reason: failure.reason)
        }
    }

    var source: SourcePackageFacts {
        get throws { SourcePackageFacts(try inputs.artifact("input_source_artifact")) }
    }

    /// The source package name: configuration entries for sbuild are keyed by it (Debusine `Sbuild.get_subject`).
    public func getSubject() throws -> String? { try source.name }

    /// Debusine's `Sbuild._host_architecture`: `all` or `source` when that is the only component built,
    /// else the build architecture.
    func hostArchitecture() throws -> String {
        switch data.buildComponents {
        case ["all"]: "all"
        case ["source"]: "source"
        default: try inputs.string(ExecutorTaskSupport.buildArchitectureField)
        }
    }

    /// Debusine's `Sbuild.compute_dynamic_data` (`test_sbuild.py` `SbuildTests::test_compute_dynamic_data`):
    /// summary `hello_1.0 (amd64)`, runtime context `all+any:amd64:amd64` (null when the `nocheck` or
    /// `nodoc` profile makes the build non-standard), `binnmu_maintainer` from the server FQDN whether or
    /// not this is a binNMU, the resolved `extra_repositories`, and the legacy ids.
    public func computeDynamicData() throws -> TaskDynamicData {
        let source = try source
        let host = try hostArchitecture()
        let architecture = try inputs.string(ExecutorTaskSupport.buildArchitectureField)
        let nonStandard = data.buildProfiles.contains { $0 == "nocheck" || $0 == "nodoc" }
        let components = data.buildComponents.sorted().joined(separator: "+")
        return try executorDynamicData(
            parameterSummary: "\(source.summary) (\(host))",
            subject: source.name,
            runtimeContext: .some(nonStandard ? nil : "\(components):\(architecture):\(host)"),  // set, null when non-standard
            configurationContext: .some(try getConfigurationContext()),
            extra: [
                "extra_repositories": try ExecutorTaskSupport.extraRepositoriesJSON(inputs),
                "input_source_artifact_id": ExecutorTaskSupport.artifactID(
                    try inputs.artifact("input_source_artifact")
                ),
                "input_extra_binary_artifacts_ids": try ExecutorTaskSupport.artifactIDs(
                    inputs,
                    "input_extra_binary_artifacts"
                ),
                "binnmu_maintainer": .string(try binnmuMaintainer),
            ]
        )
    }

    /// Who a binNMU names when its data names no maintainer (Debusine's `binnmu_maintainer` dynamic data,
    /// used by `Sbuild._cmdline_binnmu`): `Debusine <noreply@FQDN>` with the server FQDN input.
    public var binnmuMaintainer: String {
        get throws { "Debusine <noreply@\(try inputs.string(Self.fqdnField))>" }
    }

    /// `worker:cap:sbuild` is advertised only where the command exists, and required (Debusine
    /// `Sbuild.get_provided_worker_tags`, `Sbuild.compute_scheduler_tags`).
    public static let requiredHostCommand = "sbuild"
}

extension SbuildTask.TaskData: ExecutorTaskData {}
