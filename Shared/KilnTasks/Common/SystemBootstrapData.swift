import KilnCore

/// What every SystemBootstrap task reads (Debusine `tasks/models.py` `SystemBootstrapData`: `bootstrap_options`,
/// `bootstrap_repositories`, `customization_script`), shared by `mmdebstrap` and `simplesystemimagebuild`, which
/// differ only in the variants they allow and in what they add (the disk image).
public struct SystemBootstrapData: Hashable, Sendable {
    /// `bootstrap_repositories[i].keyring` (Debusine's `SystemBootstrapRepositoryKeyring`).
    public struct Keyring: Hashable, Sendable {
        /// `url`: where the keyring is downloaded from; a `file://` URL only under `/usr/share/keyrings/` or
        /// `/usr/local/share/keyrings/`.
        public var url: String
        /// `sha256sum` (default empty: not checked).
        public var sha256sum: String
        /// `install` (default false): also install the keyring inside the system built.
        public var install: Bool
    }

    /// One APT repository (Debusine's `SystemBootstrapRepository`).
    public struct Repository: Hashable, Sendable {
        /// `mirror`: the archive URL.
        public var mirror: String
        /// `suite` (`bookworm`); the first repository's suite is the subject.
        public var suite: String
        /// `types`: `deb` and/or `deb-src`, at least one, no duplicate (default `["deb"]`).
        public var types: [String]
        /// `components`, no duplicate; nil (the default) means every component the suite's `Release` lists.
        public var components: [String]?
        /// `check_signature_with`: `system` (default), `external` (needs `keyring`) or `no-check`.
        public var checkSignatureWith: String
        /// `keyring_package`: a package holding the repository's keyring, installed in the system built.
        public var keyringPackage: String?
        /// `keyring`.
        public var keyring: Keyring?
    }

    /// `bootstrap_options.architecture`: the architecture of the system built.
    public var architecture: String
    /// `bootstrap_options.variant`, if given (one of the task's variants).
    public var variant: String?
    /// `bootstrap_options.extra_packages`.
    public var extraPackages: [String]
    /// `bootstrap_options.use_signed_by` (default true).
    public var useSignedBy: Bool
    /// `bootstrap_options.gpgv_command`: `gpgv` or `gpgv-sq`, if given.
    public var gpgvCommand: String?
    /// `bootstrap_repositories`: at least one.
    public var repositories: [Repository]
    /// `customization_script`, if any.
    public var customizationScript: String?

    /// Debusine's `MmDebstrapVariant`.
    public static let mmdebstrapVariants = [
        "extract", "custom", "essential", "apt", "required", "minbase", "buildd", "important", "debootstrap", "-",
        "standard",
    ]
    /// Debusine's `DebootstrapVariant` (the variants of `simplesystemimagebuild`).
    public static let debootstrapVariants = ["buildd", "minbase"]

    static let repositoryTypes = ["deb", "deb-src"]
    static let signatureChecks = ["system", "external", "no-check"]
    static let gpgvCommands = ["gpgv", "gpgv-sq"]

    /// Reads the three shared keys from `reader`, leaving the task's own keys to the caller (which finishes it).
    ///
    /// - Parameter variants: the `bootstrap_options.variant` values this task allows.
    /// - Throws: `TaskDataError` naming the bad or unknown field, with Debusine's sentence where its model has one.
    public static func read(from reader: inout TaskDataReader, variants: [String]) throws(TaskDataError) -> Self {
        guard var options = try reader.object("bootstrap_options") else { throw .missingField("bootstrap_options") }
        // Any text, as Debusine's `SystemBootstrapOptions.architecture`: the tool refuses a name it does not know.
        let architecture = try options.string("architecture")
        var variant: String?
        if options.raw("variant") != nil {
            variant = try options.choice("variant", from: variants, default: "")
        }
        var gpgvCommand: String?
        if options.raw("gpgv_command") != nil {
            gpgvCommand = try options.choice("gpgv_command", from: gpgvCommands, default: "")
        }
        let extraPackages = try options.stringList("extra_packages")
        let useSignedBy = try options.bool("use_signed_by", default: true)
        try options.finish()

        guard let list = reader.raw("bootstrap_repositories") else { throw .missingField("bootstrap_repositories") }
        guard let elements = list.arrayValue else {
            throw .wrongType(field: "bootstrap_repositories", expected: "a list of repositories", found: list)
        }
        var repositories: [Repository] = []
        for (index, element) in elements.enumerated() {
            var repository = try TaskDataReader(element, path: "bootstrap_repositories[\(index)]")
            repositories.append(try readRepository(&repository))
            try repository.finish()
        }
        return SystemBootstrapData(
            architecture: architecture, variant: variant, extraPackages: extraPackages, useSignedBy: useSignedBy,
            gpgvCommand: gpgvCommand, repositories: repositories,
            customizationScript: try reader.optionalString("customization_script"))
    }

    private static func readRepository(_ reader: inout TaskDataReader) throws(TaskDataError) -> Repository {
        let mirror = try reader.string("mirror")
        let suite = try reader.string("suite")
        let types = try reader.choiceList("types", from: repositoryTypes, default: ["deb"])
        let components = try reader.optionalStringList("components")
        let check = try reader.choice("check_signature_with", from: signatureChecks, default: "system")
        let keyringPackage = try reader.optionalString("keyring_package")
        var keyring: Keyring?
        if var given = try reader.object("keyring") {
            let url = try given.url("url")
            keyring = Keyring(
                url: url, sha256sum: try given.optionalString("sha256sum") ?? "",
                install: try given.bool("install", default: false))
            try given.finish()
        }
        return Repository(
            mirror: mirror, suite: suite, types: types, components: components, checkSignatureWith: check,
            keyringPackage: keyringPackage, keyring: keyring)
    }
}

/// A SystemBootstrap task (Debusine `tasks/systembootstrap.py` `SystemBootstrap`): runs on the worker's host (no
/// executor), with the build architecture read from `bootstrap_options.architecture`; its subject, configuration
/// context, tags and dynamic data come from the shared data alone.
public protocol SystemBootstrapTask: HostToolTask {
    /// The shared part of the task data.
    var bootstrap: SystemBootstrapData { get }
}

extension SystemBootstrapTask {
    /// The build architecture read from `bootstrap_options.architecture` (Debusine's `SystemBootstrap` declares
    /// only this field besides `task_configuration`).
    public static var inputFields: [InputField] {
        [ExecutorTaskSupport.buildArchitecture(path: "bootstrap_options.architecture")]
    }

    /// Version 1 (Debusine `SystemBootstrap.TASK_VERSION`).
    public static var taskVersion: Int { 1 }

    /// Both run `mmdebstrap` (`simplesystemimagebuild` through `debefivm-create`): Debusine's
    /// `MmDebstrap.get_provided_worker_tags` and `SimpleSystemImageBuild.get_provided_worker_tags` both advertise
    /// and require `worker:cap:mmdebstrap`.
    public static var requiredHostCommand: String { "mmdebstrap" }

    /// The first repository's suite (Debusine's `SystemBootstrap.get_subject`).
    public func getSubject() throws -> String? { bootstrap.repositories.first?.suite }

    /// The architecture built (Debusine's `SystemBootstrap.get_configuration_context`).
    public func getConfigurationContext() throws -> String? { bootstrap.architecture }

    /// `worker:build-arch:<architecture>` and `worker:cap:mmdebstrap`, and no executor tag (Debusine's
    /// `SystemBootstrap.compute_scheduler_tags` and the tasks' own `compute_scheduler_tags`).
    public func computeSystemRequiredTags() throws -> Set<String> {
        [
            Self.hostCapabilityTag,
            TagOntology.buildArch(try inputs.string(ExecutorTaskSupport.buildArchitectureField)),
        ]
    }

    /// Debusine's `SystemBootstrap.compute_dynamic_data` (`test_mmdebstrap.py`
    /// `MmDebstrapTests::test_compute_dynamic_data`): subject `bookworm`, summary `bookworm (amd64)` or
    /// `bookworm (amd64-buildd)`, runtime context `amd64:None:hello,python3` (Python's `None` for no variant, the
    /// extra packages sorted), configuration context the architecture.
    public func computeDynamicData() throws -> TaskDynamicData {
        let suite = bootstrap.repositories.first?.suite
        let architecture = bootstrap.architecture
        let flavour = bootstrap.variant.map { "\(architecture)-\($0)" } ?? architecture
        return TaskDynamicData(
            parameterSummary: "\(suite.pythonFormatted) (\(flavour))",
            subject: suite,
            runtimeContext:
                "\(architecture):\(bootstrap.variant.pythonFormatted):\(bootstrap.extraPackages.sorted().joined(separator: ","))",
            configurationContext: architecture
        )
    }
}
