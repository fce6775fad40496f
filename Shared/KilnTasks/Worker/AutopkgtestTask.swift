import KilnCore

/// `autopkgtest` (Worker): runs a source package's tests against binary packages inside an executor.
///
/// Subject = the source package name, configuration context = the environment's codename. Requires the
/// executor, the build architecture and `worker:cap:autopkgtest`; provides `task:source-package:<name>`.
public struct AutopkgtestTask: ExecutorTask, HostToolTask, SourcePackageTask {
    /// Which test outcomes make the task fail (`fail_on`).
    public struct FailOn: Hashable, Sendable {
        /// `failed_test` (default true): a failing test fails the task.
        public var failedTest: Bool
        /// `flaky_test` (default false): tests marked flaky fail the task only when asked.
        public var flakyTest: Bool
        /// `skipped_test` (default false): skipped tests fail the task only when asked.
        public var skippedTest: Bool
    }

    /// `autopkgtest` task data (Debusine's `AutopkgtestData`).
    public struct TaskData: Hashable, Sendable {
        /// `input.source_artifact`.
        public var sourceArtifact: JSONValue
        /// `input.binary_artifacts`.
        public var binaryArtifacts: JSONValue
        /// `input.context_artifacts` (default none).
        public var contextArtifacts: JSONValue
        /// `backend`, `build_architecture`, `environment`.
        public var executor: ExecutorSettings
        /// `include_tests`: only these tests run (default all).
        public var includeTests: [String]
        /// `exclude_tests`: tests not to run.
        public var excludeTests: [String]
        /// `debug_level` 0…3 (default 0).
        public var debugLevel: Int
        /// `extra_environment`: variables set for the tests.
        public var extraEnvironment: [String: String]
        /// `needs_internet`: `run` (default), `try` or `skip`.
        public var needsInternet: String
        /// `fail_on`.
        public var failOn: FailOn
        /// `timeout`: per-phase limits in seconds (`global`, `factor`, `short`, `install`, `test`, `copy`).
        public var timeout: [String: Int]
        /// `use_packages_from_base_repository` (default false).
        public var usePackagesFromBaseRepository: Bool
        /// `pin_packages`: per release, the packages (`src:NAME` for a source's binaries) autopkgtest takes from
        /// that release (`--pin-packages`); default none.
        public var pinPackages: [String: [String]]
        /// `extra_repositories`: APT repositories added to the test environment, if any.
        public var extraRepositories: [ExtraRepository]?
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `autopkgtest` task.
    public static let taskName = "autopkgtest"
    /// Worker: runs on an external worker with the executor it asks for.
    public static let taskType = TaskType.worker
    /// Version 1: forms the `worker:task:worker:autopkgtest:version:1` tag (Debusine `tasks/autopkgtest.py`
    /// `Autopkgtest.TASK_VERSION`).
    public static let taskVersion = 1
    /// Build architecture, extra repositories, source (`Stage.pending`: it gives the subject), binaries, context
    /// and environment, as Debusine's `Autopkgtest` has them, in its resolution order
    /// (`ExecutorTaskSupport.extraRepositories`).
    public static let inputFields: [InputField] = [
        ExecutorTaskSupport.buildArchitecture(),
        ExecutorTaskSupport.extraRepositories,
        ExecutorTaskSupport.sourceArtifact(categories: .sourceOrUpload),
        ExecutorTaskSupport.binaryArtifacts("binary_artifacts", categories: .binaryOrUpload),
        ExecutorTaskSupport.binaryArtifacts("context_artifacts", categories: .binaryOrUpload, default: []),
        ExecutorTaskSupport.environment(categories: KnownCategories.environmentArtifacts),
    ]

    /// `timeout`'s keys, in the order of Debusine's `AutopkgtestTimeout` fields (the order of its `--timeout-*` options).
    public static let timeoutKeys = ["global", "factor", "short", "install", "test", "copy"]

    /// The validated data.
    public let data: TaskData
    /// The input fields, resolved server side or restored on the worker.
    public let inputs: ResolvedInputs

    /// Memberwise: used by `make(taskData:dynamicData:)` and the proxy, which validate beforehand.
    public init(data: TaskData, inputs: ResolvedInputs) {
        self.data = data
        self.inputs = inputs
    }

    /// Checks every option against Debusine's `AutopkgtestData` rules, so bad data fails at submission.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard var input = try reader.object("input") else { throw .missingField("input") }
        let source = try input.singleLookup("source_artifact")
        let binaries = try input.multipleLookup("binary_artifacts")
        let context = try input.multipleLookup("context_artifacts", default: [])
        try input.finish()
        var extraEnvironment: [String: String] = [:]
        if var environment = try reader.object("extra_environment") {
            for name in environment.keys { extraEnvironment[name] = try environment.string(name) }
            try environment.finish()
        }
        var pinPackages: [String: [String]] = [:]
        if var pins = try reader.object("pin_packages") {
            for release in pins.keys { pinPackages[release] = try pins.stringList(release) }
            try pins.finish()
        }
        var failOn = FailOn(failedTest: true, flakyTest: false, skippedTest: false)
        if var fail = try reader.object("fail_on") {
            failOn = FailOn(
                failedTest: try fail.bool("failed_test", default: true),
                flakyTest: try fail.bool("flaky_test", default: false),
                skippedTest: try fail.bool("skipped_test", default: false)
            )
            try fail.finish()
        }
        var timeout: [String: Int] = [:]
        if var limits = try reader.object("timeout") {
            for key in timeoutKeys { timeout[key] = try limits.optionalInt(key, in: 0...Int.max) }
            try limits.finish()
        }
        let data = TaskData(
            sourceArtifact: source,
            binaryArtifacts: binaries,
            contextArtifacts: context,
            executor: try ExecutorSettings.read(from: &reader, environmentRequired: true),
            includeTests: try reader.stringList("include_tests"),
            excludeTests: try reader.stringList("exclude_tests"),
            debugLevel: try reader.optionalInt("debug_level", in: 0...3) ?? 0,
            extraEnvironment: extraEnvironment,
            needsInternet: try reader.choice("needs_internet", from: ["run", "try", "skip"], default: "run"),
            failOn: failOn,
            timeout: timeout,
            usePackagesFromBaseRepository: try reader.bool("use_packages_from_base_repository", default: false),
            pinPackages: pinPackages,
            extraRepositories: try reader.extraRepositories(),
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        return data
    }

    var source: SourcePackageFacts {
        get throws { SourcePackageFacts(try inputs.artifact("input_source_artifact")) }
    }

    /// The source package name (an upload's `Source`): configuration entries for autopkgtest are keyed by it
    /// (Debusine's `Autopkgtest.get_subject`).
    public func getSubject() throws -> String? { try source.name }

    /// Debusine's `Autopkgtest.compute_dynamic_data` (`test_autopkgtest.py`
    /// `AutopkgtestTests::test_compute_dynamic_data`): summary `hello_1.0 (amd64)`, runtime context
    /// `amd64:unshare` (the backend `auto` stands for), the resolved `extra_repositories`, and the legacy ids.
    public func computeDynamicData() throws -> TaskDynamicData {
        let source = try source
        let architecture = try inputs.string(ExecutorTaskSupport.buildArchitectureField)
        return try executorDynamicData(
            parameterSummary: "\(source.summary) (\(architecture))",
            subject: source.name,
            runtimeContext: "\(architecture):\(data.executor.backend.effective.rawValue)",
            configurationContext: .some(try getConfigurationContext()),
            extra: [
                "extra_repositories": try ExecutorTaskSupport.extraRepositoriesJSON(inputs),
                "input_source_artifact_id": ExecutorTaskSupport.artifactID(
                    try inputs.artifact("input_source_artifact")
                ),
                "input_binary_artifacts_ids": try ExecutorTaskSupport.artifactIDs(inputs, "input_binary_artifacts"),
                "input_context_artifacts_ids": try ExecutorTaskSupport.artifactIDs(inputs, "input_context_artifacts"),
            ]
        )
    }

    /// `worker:cap:autopkgtest` is advertised only where the command exists, and required (Debusine
    /// `Autopkgtest.get_provided_worker_tags`, `Autopkgtest.compute_scheduler_tags`).
    public static let requiredHostCommand = "autopkgtest"
}

extension AutopkgtestTask.TaskData: ExecutorTaskData {}
