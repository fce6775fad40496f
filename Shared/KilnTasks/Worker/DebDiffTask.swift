import KilnCore

/// `debdiff` (Worker): compares two source packages, or two sets of binary packages, with debdiff inside
/// an executor environment (Debusine `tasks/debdiff.py` `DebDiff`, data `tasks/models.py` `DebDiffData`).
///
/// Subject = `source:<name>` for sources, `binary:<name>` when every binary comes from one source, else
/// none; no configuration context. Provides `task:source-package:<name>` only when comparing sources
/// (Debusine `test_debdiff.py` `test_compute_scheduler_tags_no_source`).
public struct DebDiffTask: ExecutorTask {
    /// `debdiff` task data.
    public struct TaskData: Hashable, Sendable {
        /// `input.source_artifacts`: the original and new source packages, if comparing sources.
        public var sourceArtifacts: [JSONValue]?
        /// `input.binary_artifacts`: the original and new binaries (two multiple lookups), if comparing binaries.
        public var binaryArtifacts: [JSONValue]?
        /// `extra_flags`: options passed to debdiff, each one of `flags`.
        public var extraFlags: [String]
        /// `backend`, `environment` (required) and `build_architecture` (required).
        public var executor: ExecutorSettings
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `DebDiff` class.
    public static let taskName = "debdiff"
    /// Worker: runs on an external worker with the executor it asks for.
    public static let taskType = TaskType.worker
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1
    /// Debusine's fields: both artifact lists at `Stage.pending` (subject and tags come from them; the one
    /// not given resolves to an empty list), the environment at `Stage.running`.
    public static let inputFields: [InputField] = [
        ExecutorTaskSupport.buildArchitecture(),
        ExecutorTaskSupport.environment(stage: .running),
        InputField(
            "source_artifacts", kind: .singleList, stage: .pending, path: "input.source_artifacts",
            categories: [KnownCategories.sourcePackage], default: []),
        InputField(
            "binary_artifacts", kind: .multipleList, stage: .pending, path: "input.binary_artifacts",
            categories: [KnownCategories.upload, KnownCategories.binaryPackage], default: []),
    ]

    /// Debusine's `DebDiffFlags`.
    static let flags = [
        "--dirs", "--nocontrol", "--wdiff-source-control", "--show-moved", "--diffstat", "--apply-patches",
        "--ignore-space",
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

    /// Accepts what `DebDiffData` accepts: exactly one of two source lookups or two binary lookups.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard var input = try reader.object("input") else { throw .missingField("input") }
        let sources = pair(&input, "source_artifacts")
        let binaries = pair(&input, "binary_artifacts")
        try input.finish()
        var executor = try ExecutorSettings.read(from: &reader, environmentRequired: true, readsArchitecture: false)
        executor.buildArchitecture = try reader.string("build_architecture")
        let data = TaskData(
            sourceArtifacts: sources, binaryArtifacts: binaries,
            extraFlags: try reader.choiceList("extra_flags", from: flags), executor: executor,
            taskConfiguration: try reader.taskConfiguration())
        try reader.finish()
        return data
    }

    /// The optional pair of lookups at `key`, an integral number read as the id it stands for (`DebDiffData`,
    /// checked first, holds the list to exactly two lookups).
    private static func pair(_ reader: inout TaskDataReader, _ key: String) -> [JSONValue]? {
        reader.raw(key)?.arrayValue.map { elements in elements.map { $0.lookupID.map(JSONValue.int) ?? $0 } }
    }

    /// The compared package and versions (Debusine `DebDiff._summarize_source_artifacts` and
    /// `_summarize_binary_artifacts`).
    struct Summary: Hashable {
        var package: String?
        var originalVersion: String?
        var newVersion: String?
        var isSource: Bool
    }

    /// The summary of the sources if given, else of the binaries, checking the binaries as Debusine does:
    /// both sides non-empty, one category throughout, several artifacts per side only for binary packages.
    ///
    /// - Throws: `TaskConfigError` with Debusine's bare message when the binaries break a rule.
    func summary() throws -> Summary {
        let sources = try inputs.artifactList("source_artifacts").map(PackageArtifactFacts.init)
        if sources.count == 2 {
            return Summary(
                package: sources[0].sourceName, originalVersion: sources[0].sourceVersion,
                newVersion: sources[1].sourceVersion, isSource: true)
        }
        let sides = try inputs.multipleList("binary_artifacts").map { $0.artifacts.map(PackageArtifactFacts.init) }
        guard sides.count == 2 else { return Summary(isSource: false) }
        guard !sides[0].isEmpty, !sides[1].isEmpty else {
            throw refusal(
                "input.binary_artifacts[0] and input.binary_artifacts[1] cannot have zero artifacts "
                    + "(got \(sides[0].count) and \(sides[1].count))")
        }
        var category: String?
        var names = Set<String>()
        for side in sides {
            for artifact in side {
                category = category ?? artifact.category
                if category != artifact.category {
                    throw refusal(
                        "All binary artifacts must have the same category. Found \"\(category ?? "None")\" "
                            + "and \"\(artifact.category ?? "None")\"")
                }
                if let name = artifact.sourceName { names.insert(name) }
            }
            if category != KnownCategories.binaryPackage, side.count > 1 {
                throw refusal(
                    "If binary_artifacts source and new contain more than one artifact all must be of category "
                        + "debian:binary-package. Found: \(category ?? "None")")
            }
        }
        guard names.count == 1 else { return Summary(isSource: false) }
        return Summary(
            package: names.first, originalVersion: sides[0][0].binaryPackageVersion,
            newVersion: sides[1][0].binaryPackageVersion, isSource: false)
    }

    /// Debusine's `_validate_binary_original_new_count` and `_summarize_binary_artifacts` raise a `TaskConfigError`
    /// with the bare sentence, which `Failed to configure:` and a refused submission show as it is.
    private func refusal(_ reason: String) -> TaskConfigError {
        TaskConfigError(reason)
    }

    /// `source:<name>` or `binary:<name>`, else none (Debusine `test_debdiff.py` `test_get_subject_*`).
    public func getSubject() throws -> String? {
        let summary = try summary()
        return summary.package.map { "\(summary.isSource ? "source" : "binary"):\($0)" }
    }

    /// None: Debusine's `DebDiff` does not override `get_configuration_context`.
    public func getConfigurationContext() throws -> String? { nil }

    /// `task:source-package:<name>` only when comparing source packages.
    public func computeSystemProvidedTags() throws -> Set<String> {
        let summary = try summary()
        guard summary.isSource, let package = summary.package else { return [] }
        return [TagOntology.taskSourcePackage(package)]
    }

    /// The artifact ids per input and the summary `<name>: <original> → <new> (source)` or
    /// `… (<build architecture>)` (Debusine `test_debdiff.py` `test_compute_dynamic_data_*`).
    public func computeDynamicData() throws -> TaskDynamicData {
        let summary = try summary()
        let suffix = summary.isSource ? "source" : try inputs.string(ExecutorTaskSupport.buildArchitectureField)
        let sources = try inputs.artifactList("source_artifacts")
        let binaries = try inputs.multipleList("binary_artifacts")
        return try executorDynamicData(
            parameterSummary: summary.package.map {
                "\($0): \(summary.originalVersion ?? "None") → \(summary.newVersion ?? "None") (\(suffix))"
            },
            subject: try getSubject(),
            extra: [
                "input_source_artifacts_ids":
                    sources.isEmpty ? .null : .array(sources.flatMap(\.resolvedIDs).map(JSONValue.int)),
                "input_binary_artifacts_ids":
                    binaries.isEmpty ? .null : .array(binaries.map { .array($0.artifactIDs.map(JSONValue.int)) }),
            ])
    }
}

/// Executor and build architecture (`ExecutorTask`); debdiff runs inside the environment, so no host tool.
extension DebDiffTask.TaskData: ExecutorTaskData {}
