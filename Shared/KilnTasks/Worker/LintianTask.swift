import KilnCore

/// `lintian` (Worker): checks a source package and/or binary packages inside an executor environment.
///
/// Subject = the source package name (from the source artifact, else the binaries' `srcpkg_name`),
/// configuration context = the environment's codename, runtime context = the enabled analyses and codename
/// (`binary-all+binary-any+source:sid`, Debusine `tasks/lintian.py` `Lintian.compute_dynamic_data`). Provides
/// `task:source-package:<name>`.
public struct LintianTask: ExecutorTask, SourcePackageTask {
    /// Which analyses to run (`output`); each defaults to true.
    public struct Analyses: Hashable, Sendable {
        /// `source_analysis`: check the source package.
        public var source: Bool
        /// `binary_all_analysis`: check the `Architecture: all` binaries.
        public var binaryAll: Bool
        /// `binary_any_analysis`: check the architecture-specific binaries.
        public var binaryAny: Bool

        /// The enabled analyses' names, sorted (`binary-all`, `binary-any`, `source`).
        var names: [String] {
            [binaryAll ? "binary-all" : nil, binaryAny ? "binary-any" : nil, source ? "source" : nil].compactMap { $0 }
        }
    }

    /// `lintian` task data (Debusine's `LintianData`).
    public struct TaskData: Hashable, Sendable {
        /// `input.source_artifact`, if a source package is checked.
        public var sourceArtifact: JSONValue?
        /// `input.binary_artifacts` (default none).
        public var binaryArtifacts: JSONValue
        /// `output`.
        public var analyses: Analyses
        /// `target_distribution` (default `debian:unstable`).
        public var targetDistribution: String
        /// `include_tags`: only these lintian tags are reported (default all).
        public var includeTags: [String]
        /// `exclude_tags`: lintian tags to leave out of the report.
        public var excludeTags: [String]
        /// `fail_on_severity` (default `none`).
        public var failOnSeverity: String
        /// `backend`, `build_architecture`, `environment`.
        public var executor: ExecutorSettings
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `lintian` task.
    public static let taskName = "lintian"
    /// Worker: runs on an external worker with the executor it asks for.
    public static let taskType = TaskType.worker
    /// Version 1: forms the `worker:task:worker:lintian:version:1` tag (Debusine `tasks/lintian.py`
    /// `Lintian.TASK_VERSION`).
    public static let taskVersion = 1
    /// Source and binaries both at `Stage.pending`: either may give the subject (Debusine `Lintian.get_subject`).
    public static let inputFields: [InputField] = [
        ExecutorTaskSupport.buildArchitecture(),
        ExecutorTaskSupport.sourceArtifact(kind: .optionalSingle),
        ExecutorTaskSupport.binaryArtifacts("binary_artifacts", stage: .pending, default: []),
        ExecutorTaskSupport.environment(),
    ]

    static let severities = ["error", "warning", "info", "pedantic", "experimental", "overridden", "none"]

    /// The validated data.
    public let data: TaskData
    /// The input fields, resolved server side or restored on the worker.
    public let inputs: ResolvedInputs

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Checks every option against Debusine's `LintianData` rules, so bad data fails at submission.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func validateData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard var input = try reader.object("input") else { throw .missingField("input") }
        let source = try input.optionalSingleLookup("source_artifact")
        let binaries = try input.multipleLookup("binary_artifacts", default: [])
        try input.finish()
        if source == nil, binaries == [] {
            throw .invalidValue(
                field: "input",
                value: json.value(atPath: "input") ?? .null,
                reason: "one of source_artifact or binary_artifacts must be set"
            )
        }
        var analyses = Analyses(source: true, binaryAll: true, binaryAny: true)
        if var output = try reader.object("output") {
            analyses.source = try output.bool("source_analysis", default: true)
            analyses.binaryAll = try output.bool("binary_all_analysis", default: true)
            analyses.binaryAny = try output.bool("binary_any_analysis", default: true)
            try output.finish()
        }
        let data = TaskData(
            sourceArtifact: source,
            binaryArtifacts: binaries,
            analyses: analyses,
            targetDistribution: try reader.optionalString("target_distribution") ?? "debian:unstable",
            includeTags: try reader.stringList("include_tags"),
            excludeTags: try reader.stringList("exclude_tags"),
            failOnSeverity: try reader.choice("fail_on_severity", from: severities, default: "none"),
            executor: try ExecutorSettings.read(from: &reader, environmentRequired: true),
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        return data
    }

    var source: SourcePackageFacts? {
        get throws { SourcePackageFacts(try inputs.optionalArtifact("input_source_artifact")) }
    }

    /// The source package name, else the first binary's `srcpkg_name`: a binaries-only check still has a
    /// package for configuration to key on (Debusine `Lintian.get_subject`).
    public func getSubject() throws -> String? {
        if let source = try source { return source.name }
        let binaries = try inputs.multiple("input_binary_artifacts").artifacts
        return binaries.lazy.compactMap { $0.data?["srcpkg_name"]?.stringValue }.first
    }

    /// Also sets the runtime context `<analyses>:<codename>` Debusine uses to compare lintian runs
    /// (`Lintian.compute_dynamic_data`).
    public func computeDynamicData() throws -> TaskDynamicData {
        let codename = try ExecutorTaskSupport.codename(inputs)
        let analyses = data.analyses.names.joined(separator: "+")
        return try executorDynamicData(
            parameterSummary: try source?.summary,
            subject: try getSubject(),
            runtimeContext: codename.map { "\(analyses):\($0)" },
            extra: [
                "input_source_artifact_id":
                    try inputs.optionalArtifact("input_source_artifact")?.artifactID.map(JSONValue.int) ?? .null,
                "input_binary_artifacts_ids": try ExecutorTaskSupport.artifactIDs(inputs, "input_binary_artifacts"),
            ]
        )
    }
}

/// Executor and build architecture only (`ExecutorTask`): Debusine defines no lintian capability tag, so
/// lintian is no `HostToolTask` (Debusine `Lintian.compute_scheduler_tags`). `task:source-package:` comes from the
/// subject (`SourcePackageTask`), so it exists for binaries-only checks too.
extension LintianTask.TaskData: ExecutorTaskData {}
