import KilnCore
import KilnTasks
import Testing

/// The SystemBootstrap tasks, `mmdebstrap` and `simplesystemimagebuild`, as Debusine models them
/// (`tasks/models.py` `SystemBootstrapData`, `MmDebstrapData`, `SystemImageBuildData`; `tasks/systembootstrap.py`).
@Suite("SystemBootstrap tasks: mmdebstrap and simplesystemimagebuild")
struct SystemBootstrapTasksTests {
    /// Debusine `tasks/tests/test_simplesystemimagebuild.py` `SAMPLE_TASK_DATA`.
    static let imageData: JSONValue = [
        "bootstrap_options": ["architecture": "amd64", "extra_packages": ["hello"], "use_signed_by": true],
        "bootstrap_repositories": [
            [
                "mirror": "https://deb.debian.org/debian", "suite": "stable", "components": ["main", "contrib"],
                "check_signature_with": "system",
            ],
            [
                "types": ["deb-src"], "mirror": "https://example.com", "suite": "bullseye", "components": ["main"],
                "check_signature_with": "system", "keyring": ["url": "https://example.com/keyring.gpg"],
            ],
        ],
        "disk_image": ["format": "raw", "partitions": [["size": 2, "filesystem": "ext4"]]],
    ]

    static let minimalBootstrap: [String: JSONValue] = [
        "bootstrap_options": ["architecture": "amd64"],
        "bootstrap_repositories": [["mirror": "http://deb.debian.org/debian", "suite": "bookworm"]],
    ]

    static func repository(_ extra: [String: JSONValue]) -> JSONValue {
        var repository: [String: JSONValue] = ["mirror": "http://deb.debian.org/debian", "suite": "bookworm"]
        repository.merge(extra) { $1 }
        return ["bootstrap_options": ["architecture": "amd64"], "bootstrap_repositories": [.object(repository)]]
    }

    @Test("simplesystemimagebuild is registered, with Debusine's defaults (test_configure_task_defaults)")
    func imageDefaults() throws {
        let data = try SimpleSystemImageBuildTask.validateData(Self.imageData)
        #expect(data.diskImage.filename == "image" && data.diskImage.kernelPackage == nil && data.diskImage.bootloader == nil)
        let partition = try #require(data.diskImage.partitions.first)
        #expect(data.diskImage.partitions.count == 1)
        #expect(partition.size == 2 && partition.filesystem == "ext4" && partition.mountpoint == "none")
        #expect(data.bootstrap.repositories[0].types == ["deb"])
        let keyring = try #require(data.bootstrap.repositories[1].keyring)
        #expect(keyring.url == "https://example.com/keyring.gpg" && keyring.sha256sum == "" && !keyring.install)
        #expect(data.bootstrap.useSignedBy && data.bootstrap.gpgvCommand == nil && data.bootstrap.variant == nil)
        #expect(try KilnTasks.registry().registration(type: .worker, name: "simplesystemimagebuild") != nil)
    }

    /// Debusine `test_simplesystemimagebuild.py` `test_compute_scheduler_tags`, `test_compute_dynamic_data`,
    /// `test_get_subject`, `test_get_configuration_context`, `test_get_provided_worker_tags`.
    @Test("simplesystemimagebuild: worker:cap:mmdebstrap and the build architecture; subject, summary and contexts as SystemBootstrap's")
    func imageTagsAndDynamicData() throws {
        let task = try resolvedDBTask(.worker, "simplesystemimagebuild", Self.imageData, stage: .running)
        #expect(
            try task.computeSchedulerTags(for: Fixtures.developersWorkRequest).required.allTags == [
                "worker:type:external", "worker:task:worker:simplesystemimagebuild:version:1",
                "worker:build-arch:amd64", "worker:cap:mmdebstrap",
            ])
        #expect(
            try task.getTaskConfigurationSubjectContext()
                == TaskConfigurationSubjectContext(subject: "stable", context: "amd64"))
        var dynamic = try #require(try task.computeDynamicData().json.objectValue)
        dynamic["task_input_fields"] = nil
        #expect(
            dynamic == [
                "subject": "stable", "parameter_summary": "stable (amd64)", "runtime_context": "amd64:None:hello",
                "configuration_context": "amd64",
            ])
        let host = WorkerHostCapabilities(installedCommands: ["mmdebstrap"], availableExecutors: [])
        #expect(
            try KilnTasks.registry().restricted(toNames: ["simplesystemimagebuild"]).providedWorkerTags(
                for: [.worker], host: host)
                == ["worker:task:worker:simplesystemimagebuild:version:1", "worker:cap:mmdebstrap"])
    }

    /// Run by `TaskDataValidationTests.refused` with the other tasks' bad data.
    static let refusals: [BadTaskData] = [
        // `SystemImageBuildData.bootstrap_options` is `DebootstrapBootstrapOptions`: buildd or minbase only.
        BadTaskData(
            type: .worker, name: "simplesystemimagebuild",
            data: try! imageData.setting("essential", atPath: "bootstrap_options.variant"),
            error: .invalidValue(
                field: "bootstrap_options.variant", value: "essential", reason: "must be one of buildd, minbase")),
        BadTaskData(
            type: .worker, name: "simplesystemimagebuild", data: .object(minimalBootstrap),
            error: .missingField("disk_image")),
        BadTaskData(
            type: .worker, name: "simplesystemimagebuild",
            data: try! imageData.setting("vmdk", atPath: "disk_image.format"),
            error: .invalidValue(field: "disk_image.format", value: "vmdk", reason: "must be one of raw, qcow2")),
        BadTaskData(
            type: .worker, name: "simplesystemimagebuild",
            data: try! imageData.setting([], atPath: "disk_image.partitions"),
            error: .invalidValue(
                field: "disk_image.partitions", value: [],
                reason: "List should have at least 1 item after validation, not 0")),
        BadTaskData(
            type: .worker, name: "simplesystemimagebuild",
            data: try! imageData.setting([["filesystem": "ext4"]], atPath: "disk_image.partitions"),
            error: .missingField("disk_image.partitions[0].size")),
        BadTaskData(
            type: .worker, name: "simplesystemimagebuild",
            data: try! imageData.setting([["size": 2, "filesystem": "ext4", "label": "root"]], atPath: "disk_image.partitions"),
            error: .unknownField("disk_image.partitions[0].label")),
        // `SystemBootstrapRepository`: `types` at least one and unique, `components` unique.
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["types": []]),
            error: .invalidValue(
                field: "bootstrap_repositories[0].types", value: [],
                reason: "List should have at least 1 item after validation, not 0")),
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["types": ["deb", "deb"]]),
            error: .invalidValue(
                field: "bootstrap_repositories[0].types", value: ["deb", "deb"],
                reason:
                    "[<SystemBootstrapRepositoryType.DEB: 'deb'>, <SystemBootstrapRepositoryType.DEB: 'deb'>] contains duplicate items"
            )),
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["types": ["udeb"]]),
            error: .invalidValue(
                field: "bootstrap_repositories[0].types[0]", value: "udeb", reason: "must be one of deb, deb-src")),
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["components": ["main", "main"]]),
            error: .invalidValue(
                field: "bootstrap_repositories[0].components", value: ["main", "main"],
                reason: "['main', 'main'] contains duplicate items")),
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["check_signature_with": "never"]),
            error: .invalidValue(
                field: "bootstrap_repositories[0].check_signature_with", value: "never",
                reason: "must be one of system, external, no-check")),
        // `SystemBootstrapRepository._check_external_keyring`.
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["check_signature_with": "external"]),
            error: .invalidValue(
                field: "bootstrap_repositories[0]",
                value: [
                    "mirror": "http://deb.debian.org/debian", "suite": "bookworm", "check_signature_with": "external",
                ],
                reason: "repository requires 'keyring': 'check_signature_with' is set to 'external'")),
        // `SystemBootstrapRepositoryKeyring.validate_url`: file:// only under the system keyring folders.
        BadTaskData(
            type: .worker, name: "mmdebstrap",
            data: repository(["keyring": ["url": "file:///usr/share/keyrings/../../../etc/shadow"]]),
            error: .invalidValue(
                field: "bootstrap_repositories[0].keyring.url", value: "file:///usr/share/keyrings/../../../etc/shadow",
                reason: "file:// URLs for keyrings must be under /usr/share/keyrings/ or /usr/local/share/keyrings/")),
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["keyring": ["url": "https://example.com/k.gpg", "sign": true]]),
            error: .unknownField("bootstrap_repositories[0].keyring.sign")),
        BadTaskData(
            type: .worker, name: "mmdebstrap",
            data: try! JSONValue.object(minimalBootstrap).setting("gpg", atPath: "bootstrap_options.gpgv_command"),
            error: .invalidValue(
                field: "bootstrap_options.gpgv_command", value: "gpg", reason: "must be one of gpgv, gpgv-sq")),
    ]

    @Test("every SystemBootstrapRepository key Debusine accepts is accepted by mmdebstrap")
    func repositoryKeys() throws {
        let data = try MmdebstrapTask.validateData(
            Self.repository([
                "types": ["deb", "deb-src"], "components": ["main", "contrib"], "check_signature_with": "external",
                "keyring_package": "debian-archive-keyring",
                "keyring": ["url": "file:///usr/share/keyrings/debian-archive-keyring.gpg", "sha256sum": "ab", "install": true],
            ]).setting("gpgv-sq", atPath: "bootstrap_options.gpgv_command"))
        let repository = try #require(data.bootstrap.repositories.first)
        #expect(repository.types == ["deb", "deb-src"] && repository.components == ["main", "contrib"])
        #expect(repository.checkSignatureWith == "external" && repository.keyringPackage == "debian-archive-keyring")
        #expect(repository.keyring?.install == true && repository.keyring?.sha256sum == "ab")
        #expect(data.bootstrap.gpgvCommand == "gpgv-sq")
        // No components: every component of the suite (Debusine `_list_components_for_suite`), not an empty list.
        #expect(try MmdebstrapTask.validateData(.object(Self.minimalBootstrap)).bootstrap.repositories[0].components == nil)
    }
}
