import KilnCore

/// `mmdebstrap` (Worker): builds a system tarball with mmdebstrap.
///
/// Its build architecture is `bootstrap_options.architecture` (the input field reads that dotted path). Like
/// Debusine's `SystemBootstrap` (a `RunCommandTask`, not a `BaseTaskWithExecutor`), it runs on the worker's
/// host: it has no `backend` or `environment` and requires no executor, only the build architecture and
/// `worker:cap:mmdebstrap` (`test_mmdebstrap.py` `MmDebstrapTests::test_compute_scheduler_tags`).
public struct MmdebstrapTask: HostToolTask {
    /// One APT repository to bootstrap from (`bootstrap_repositories[i]`).
    public struct Repository: Hashable, Sendable {
        /// The archive URL.
        public var mirror: String
        /// The suite (`bookworm`); the first repository's suite is the subject.
        public var suite: String
        /// The components (`main`, `contrib`…).
        public var components: [String]
        /// `deb` and/or `deb-src` (default `["deb"]`).
        public var types: [String]
    }

    /// `mmdebstrap` task data (Debusine's `MmDebstrapData`).
    public struct TaskData: Hashable, Sendable {
        /// `bootstrap_options.architecture`: the architecture of the system built.
        public var architecture: String
        /// `bootstrap_options.variant`, if given.
        public var variant: String?
        /// `bootstrap_options.extra_packages`.
        public var extraPackages: [String]
        /// `bootstrap_options.use_signed_by` (default true).
        public var useSignedBy: Bool
        /// `bootstrap_repositories`: at least one.
        public var repositories: [Repository]
        /// `customization_script`, if any.
        public var customizationScript: String?
        /// `task_configuration`.
        public var taskConfiguration: JSONValue?
    }

    /// The registry name, as Debusine's `mmdebstrap` task.
    public static let taskName = "mmdebstrap"
    /// Worker: runs on an external worker with the executor it asks for.
    public static let taskType = TaskType.worker
    /// Version 1: forms the `worker:task:worker:mmdebstrap:version:1` tag (Debusine `tasks/systembootstrap.py`
    /// `SystemBootstrap.TASK_VERSION`).
    public static let taskVersion = 1
    /// The build architecture read from `bootstrap_options.architecture` (Debusine's `SystemBootstrap`
    /// declares only this field besides `task_configuration`).
    public static let inputFields: [InputField] = [
        ExecutorTaskSupport.buildArchitecture(path: "bootstrap_options.architecture")
    ]

    static let variants = [
        "extract", "custom", "essential", "apt", "required", "minbase", "buildd", "important", "debootstrap", "-",
        "standard",
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

    /// Checks every option against Debusine's `MmDebstrapData` rules, so bad data fails at submission.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public static func validateData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        guard var options = try reader.object("bootstrap_options") else { throw .missingField("bootstrap_options") }
        let architecture = try options.string("architecture")
        if architecture.isEmpty || architecture.contains(where: \.isWhitespace) {
            throw .invalidValue(
                field: options.fieldName("architecture"),
                value: .string(architecture),
                reason: "must be a Debian architecture name"
            )
        }
        var variant: String?
        if let given = try options.optionalString("variant") {
            guard variants.contains(given) else {
                throw .invalidValue(
                    field: options.fieldName("variant"),
                    value: .string(given),
                    reason: "must be one of \(variants.joined(separator: ", "))"
                )
            }
            variant = given
        }
        let extraPackages = try options.stringList("extra_packages")
        let useSignedBy = try options.bool("use_signed_by", default: true)
        try options.finish()

        guard let list = reader.raw("bootstrap_repositories") else { throw .missingField("bootstrap_repositories") }
        guard let elements = list.arrayValue else {
            throw .wrongType(field: "bootstrap_repositories", expected: "a list of repositories", found: list)
        }
        if elements.isEmpty {
            throw .invalidValue(
                field: "bootstrap_repositories",
                value: list,
                reason: "at least one repository is needed"
            )
        }
        var repositories: [Repository] = []
        for (index, element) in elements.enumerated() {
            var repository = try TaskDataReader(element, path: "bootstrap_repositories[\(index)]")
            let types = try repository.stringList("types", default: ["deb"])
            if let bad = types.first(where: { !["deb", "deb-src"].contains($0) }) {
                throw .invalidValue(
                    field: repository.fieldName("types"),
                    value: .string(bad),
                    reason: "must be deb or deb-src"
                )
            }
            repositories.append(
                Repository(
                    mirror: try repository.string("mirror"),
                    suite: try repository.string("suite"),
                    components: try repository.stringList("components"),
                    types: types
                )
            )
            try repository.finish()
        }
        let data = TaskData(
            architecture: architecture,
            variant: variant,
            extraPackages: extraPackages,
            useSignedBy: useSignedBy,
            repositories: repositories,
            customizationScript: try reader.optionalString("customization_script"),
            taskConfiguration: try reader.taskConfiguration()
        )
        try reader.finish()
        return data
    }

    /// The first repository's suite (Debusine's `SystemBootstrap.get_subject`).
    public func getSubject() throws -> String? { data.repositories.first?.suite }

    /// The architecture built (Debusine's `SystemBootstrap.get_configuration_context`).
    public func getConfigurationContext() throws -> String? { data.architecture }

    /// `worker:build-arch:<architecture>` and `worker:cap:mmdebstrap`, and no executor tag (Debusine's
    /// `SystemBootstrap.compute_scheduler_tags` and `MmDebstrap.compute_scheduler_tags`).
    public func computeSystemRequiredTags() throws -> Set<String> {
        [
            Self.hostCapabilityTag,
            TagOntology.buildArch(try inputs.string(ExecutorTaskSupport.buildArchitectureField)),
        ]
    }

    /// Debusine's `SystemBootstrap.compute_dynamic_data` (`test_mmdebstrap.py`
    /// `MmDebstrapTests::test_compute_dynamic_data`): subject `bookworm`, summary `bookworm (amd64)` or
    /// `bookworm (amd64-buildd)`, runtime context `amd64:None:hello,python3` (Python's `None` for no
    /// variant, the extra packages sorted), configuration context the architecture.
    public func computeDynamicData() throws -> TaskDynamicData {
        let suite = data.repositories.first?.suite
        let architecture = data.architecture
        let flavour = data.variant.map { "\(architecture)-\($0)" } ?? architecture
        return TaskDynamicData(
            parameterSummary: "\(suite.pythonFormatted) (\(flavour))",
            subject: suite,
            runtimeContext:
                "\(architecture):\(data.variant.pythonFormatted):\(data.extraPackages.sorted().joined(separator: ","))",
            configurationContext: architecture
        )
    }

    /// `worker:cap:mmdebstrap` is advertised only where the command exists, and required (Debusine
    /// `tasks/mmdebstrap.py` `MmDebstrap.get_provided_worker_tags`, `MmDebstrap.compute_scheduler_tags`).
    public static let requiredHostCommand = "mmdebstrap"
}
