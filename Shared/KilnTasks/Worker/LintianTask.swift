import KilnCore

/// `lintian` (Worker): checks a source package and/or binary packages, inside an executor environment if one is given.
///
/// Subject = the source package name (from the source artifact, else the first binary's), configuration
/// context = the environment's codename, runtime context = the enabled analyses and codename
/// (`binary-all+binary-any+source:sid`). The environment is optional, as in Debusine's `Lintian`
/// (`OptionalEnvironmentInput`). Provides `task:source-package:<name>` when a source is checked.
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
        /// `fail_on_severity` (default `error`, Debusine's `LintianFailOnSeverity.ERROR`).
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
    /// Source and binaries both at `Stage.pending`: either may give the subject. Sources and binaries
    /// may be uploads, and the environment is optional, as Debusine's `Lintian` declares them.
    public static let inputFields: [InputField] = [
        ExecutorTaskSupport.buildArchitecture(),
        ExecutorTaskSupport.sourceArtifact(kind: .optionalSingle, categories: .sourceOrUpload),
        ExecutorTaskSupport.binaryArtifacts(
            "binary_artifacts",
            stage: .pending,
            categories: .binaryOrUpload,
            default: []
        ),
        ExecutorTaskSupport.environment(optional: true, categories: KnownCategories.environmentArtifacts),
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
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard var input = try reader.object("input") else { throw .missingField("input") }
        let source = try input.optionalSingleLookup("source_artifact")
        let binaries = try input.multipleLookup("binary_artifacts", default: [])
        try input.finish()
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
            failOnSeverity: try reader.choice("fail_on_severity", from: severities, default: "error"),
            executor: try ExecutorSettings.read(from: &reader, environmentRequired: false),
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        return data
    }

    var source: InputArtifactSingle? {
        get throws { try inputs.optionalArtifact("input_source_artifact") }
    }

    var firstBinary: BaseTaskInputArtifact? {
        get throws { try inputs.multiple("input_binary_artifacts").artifacts.first }
    }

    /// The source package name, else the first binary's source name: a binaries-only check still has a
    /// package for configuration to key on (Debusine's `Lintian.get_subject`).
    public func getSubject() throws -> String? {
        if let source = try source { return SourcePackageFacts(source).name }
        return try firstBinary.flatMap { SourcePackageFacts($0).name }
    }

    /// Debusine's `Lintian.compute_dynamic_data` (`test_lintian.py` `LintianTests::test_compute_dynamic_data*`):
    /// every member written, null when unknown; the summary is `{subject}_{version}` with Python's `None`
    /// for a missing part, the version being the source's, else the first binary's; the runtime context is
    /// `<analyses>:<codename>` only when there is an environment.
    public func computeDynamicData() throws -> TaskDynamicData {
        var version = try source.flatMap { SourcePackageFacts($0).version }
        if version == nil { version = try firstBinary.flatMap { SourcePackageFacts($0).version } }
        let subject = try getSubject()
        var runtimeContext: String?
        if let environment = try inputs.optionalArtifact(ExecutorTaskSupport.environmentField) {
            let codename = environment.data["codename"]?.stringValue
            runtimeContext = "\(data.analyses.names.joined(separator: "+")):\(codename.pythonFormatted)"
        }
        return try executorDynamicData(
            parameterSummary: "\(subject.pythonFormatted)_\(version.pythonFormatted)",
            subject: subject,
            runtimeContext: runtimeContext,
            configurationContext: .some(try getConfigurationContext()),
            extra: [
                "input_source_artifact_id": ExecutorTaskSupport.artifactID(try source),
                "input_binary_artifacts_ids": try ExecutorTaskSupport.artifactIDs(inputs, "input_binary_artifacts"),
            ]
        )
    }
}

/// Executor and build architecture only (`ExecutorTask`): Debusine defines no lintian capability tag, so
/// lintian is no `HostToolTask`.
extension LintianTask.TaskData: ExecutorTaskData {}

extension LintianTask {
    /// `task:source-package:<name>` only when a source artifact is checked, as Debusine's
    /// `Lintian.compute_scheduler_tags` adds it; a binaries-only check has a subject but provides no tag.
    public func computeSystemProvidedTags() throws -> Set<String> {
        guard let source = try source, let name = SourcePackageFacts(source).name else { return [] }
        return [TagOntology.taskSourcePackage(name)]
    }
}
