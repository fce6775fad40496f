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
            error: "1 validation error for SystemImageBuildData\nbootstrap_options.variant\n  Input should be 'buildd' or 'minbase' [type=enum, input_value='essential', input_type=str]"
        ),
        BadTaskData(
            type: .worker, name: "simplesystemimagebuild", data: .object(minimalBootstrap),
            error: "1 validation error for SystemImageBuildData\ndisk_image\n  Field required [type=missing, input_value={'bootstrap_options': {'a..., 'suite': 'bookworm'}]}, input_type=dict]"
        ),
        BadTaskData(
            type: .worker, name: "simplesystemimagebuild",
            data: try! imageData.setting("vmdk", atPath: "disk_image.format"),
            error: "1 validation error for SystemImageBuildData\ndisk_image.format\n  Input should be 'raw' or 'qcow2' [type=enum, input_value='vmdk', input_type=str]"
        ),
        BadTaskData(
            type: .worker, name: "simplesystemimagebuild",
            data: try! imageData.setting([], atPath: "disk_image.partitions"),
            error: "1 validation error for SystemImageBuildData\ndisk_image.partitions\n  List should have at least 1 item after validation, not 0 [type=too_short, input_value=[], input_type=list]"
        ),
        BadTaskData(
            type: .worker, name: "simplesystemimagebuild",
            data: try! imageData.setting([["filesystem": "ext4"]], atPath: "disk_image.partitions"),
            error: "1 validation error for SystemImageBuildData\ndisk_image.partitions.0.size\n  Field required [type=missing, input_value={'filesystem': 'ext4'}, input_type=dict]"
        ),
        BadTaskData(
            type: .worker, name: "simplesystemimagebuild",
            data: try! imageData.setting([["size": 2, "filesystem": "ext4", "label": "root"]], atPath: "disk_image.partitions"),
            error: "1 validation error for SystemImageBuildData\ndisk_image.partitions.0.label\n  Extra inputs are not permitted [type=extra_forbidden, input_value='root', input_type=str]"
        ),
        // `SystemBootstrapRepository`: `types` at least one and unique, `components` unique.
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["types": []]),
            error: "1 validation error for MmDebstrapData\nbootstrap_repositories.0.types\n  List should have at least 1 item after validation, not 0 [type=too_short, input_value=[], input_type=list]"
        ),
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["types": ["deb", "deb"]]),
            error: "1 validation error for MmDebstrapData\nbootstrap_repositories.0.types\n  Value error, [<SystemBootstrapRepositoryType.DEB: 'deb'>, <SystemBootstrapRepositoryType.DEB: 'deb'>] contains duplicate items [type=value_error, input_value=['deb', 'deb'], input_type=list]"
        ),
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["types": ["udeb"]]),
            error: "1 validation error for MmDebstrapData\nbootstrap_repositories.0.types.0\n  Input should be 'deb' or 'deb-src' [type=enum, input_value='udeb', input_type=str]"
        ),
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["components": ["main", "main"]]),
            error: "1 validation error for MmDebstrapData\nbootstrap_repositories.0.components\n  Value error, ['main', 'main'] contains duplicate items [type=value_error, input_value=['main', 'main'], input_type=list]"
        ),
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["check_signature_with": "never"]),
            error: "1 validation error for MmDebstrapData\nbootstrap_repositories.0.check_signature_with\n  Input should be 'system', 'external' or 'no-check' [type=enum, input_value='never', input_type=str]"
        ),
        // `SystemBootstrapRepository._check_external_keyring`.
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["check_signature_with": "external"]),
            error: "1 validation error for MmDebstrapData\nbootstrap_repositories.0\n  Value error, repository requires 'keyring': 'check_signature_with' is set to 'external' [type=value_error, input_value={'check_signature_with': ...n', 'suite': 'bookworm'}, input_type=dict]"
        ),
        // `SystemBootstrapRepositoryKeyring.validate_url`: file:// only under the system keyring folders.
        BadTaskData(
            type: .worker, name: "mmdebstrap",
            data: repository(["keyring": ["url": "file:///usr/share/keyrings/../../../etc/shadow"]]),
            error: "1 validation error for MmDebstrapData\nbootstrap_repositories.0.keyring.url\n  Value error, file:// URLs for keyrings must be under /usr/share/keyrings/ or /usr/local/share/keyrings/ [type=value_error, input_value='file:///usr/share/keyrings/../../../etc/shadow', input_type=str]"
        ),
        BadTaskData(
            type: .worker, name: "mmdebstrap", data: repository(["keyring": ["url": "https://example.com/k.gpg", "sign": true]]),
            error: "1 validation error for MmDebstrapData\nbootstrap_repositories.0.keyring.sign\n  Extra inputs are not permitted [type=extra_forbidden, input_value=True, input_type=bool]"
        ),
        BadTaskData(
            type: .worker, name: "mmdebstrap",
            data: try! JSONValue.object(minimalBootstrap).setting("gpg", atPath: "bootstrap_options.gpgv_command"),
            error: "1 validation error for MmDebstrapData\nbootstrap_options.gpgv_command\n  Input should be 'gpgv' or 'gpgv-sq' [type=enum, input_value='gpg', input_type=str]"
        ),
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
        // `require_unique` compares as Python does, by code point: a precomposed and a decomposed `café` are two
        // components (Swift's `==` would call them one).
        _ = try MmdebstrapTask.validateData(Self.repository(["components": ["caf\u{E9}", "cafe\u{301}"]]))
    }
}
