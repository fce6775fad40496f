import KilnCore
import KilnTasks
import Testing

/// `piuparts` as Debusine's `tasks/piuparts.py` schedules and configures it.
@Suite("piuparts follows Debusine's Piuparts")
struct PiupartsTaskTests {
    static let data: JSONValue = [
        "input": ["binary_artifacts": [2]], "base_tgz": 3, "environment": "debian/match:codename=sid",
    ]

    /// Debusine `tasks/tests/test_piuparts.py` `test_compute_scheduler_tags` (executor and build
    /// architecture only, no `task:source-package:` tag), `test_get_subject`, `test_get_configuration_context`.
    @Test("tags: executor and build architecture only; subject the sources, context the base tarball's codename")
    func tags() throws {
        let task = try PackageTaskFixtures.task("piuparts", Self.data)
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(
            tags.required.allTags == [
                "worker:type:external", "worker:task:worker:piuparts:version:1", "worker:executor:unshare",
                "worker:build-arch:amd64",
            ]
        )
        #expect(!tags.provided.allTags.contains { $0.hasPrefix("task:source-package:") })
        #expect(
            try task.getTaskConfigurationSubjectContext()
                == TaskConfigurationSubjectContext(subject: "hello", context: "sid")
        )
    }

    /// Debusine `tasks/tests/test_piuparts.py` `test_compute_dynamic_data` (`hello_1.0 (amd64)`, `sid:amd64`).
    @Test("dynamic data: ids, summary and runtime context")
    func dynamicData() throws {
        let dynamic = try PackageTaskFixtures.task("piuparts", Self.data, stage: .running).computeDynamicData()
        #expect(dynamic.subject == "hello" && dynamic.parameterSummary == "hello_1.0-1 (amd64)")
        #expect(dynamic.runtimeContext == "sid:amd64" && dynamic.configurationContext == "sid")
        #expect(dynamic.extra["base_tgz_id"] == 3 && dynamic.extra["input_binary_artifacts_ids"] == [2])
    }

    /// Debusine `tasks/piuparts.py`: `base_tgz = EnvironmentInput(image_category=TARBALL, set_backend=False,
    /// try_variant=False, …)`, so `WorkRequest.lookup_environment` adds `format=tarball` and the architecture,
    /// no backend, and tries no `variant=piuparts` first; `environment` is an ordinary `EnvironmentInput`.
    @Test("base_tgz is looked up as a tarball, without backend or variant; environment as every executor's")
    func baseTgzLookup() throws {
        let lookups = PackageTaskFixtures.lookups()
        let data: JSONValue = [
            "input": ["binary_artifacts": [2]], "base_tgz": "debian/match:codename=sid",
            "environment": "debian/match:codename=sid", "backend": "incus-vm",
        ]
        let task = try resolvedDBTask(.worker, "piuparts", data, stage: .running, lookups: lookups)
        #expect(
            lookups.environmentCalls.map {
                "\($0.architecture) \($0.backend ?? "-") \($0.format ?? "-") \($0.taskName ?? "-")"
            }
                == ["amd64 - tarball -", "amd64 incus-vm image piuparts"]
        )
        // sid/amd64 exists both as a tarball (3) and as an image (24): the base is the tarball whatever the backend.
        #expect(try task.computeDynamicData().extra["base_tgz_id"] == 3)
    }

    /// Debusine `tasks/tests/test_piuparts.py` `test_compute_dynamic_data_multiple_source_packages`: several
    /// sources give the space-separated subject as summary.
    @Test("several sources: the subject lists them, the summary too")
    func severalSources() throws {
        let data: JSONValue = [
            "input": ["binary_artifacts": [2, .int(PackageTaskFixtures.libreofficeUpload)]], "base_tgz": 3,
            "environment": "debian/match:codename=sid",
        ]
        let dynamic = try PackageTaskFixtures.task("piuparts", data, stage: .running).computeDynamicData()
        #expect(dynamic.subject == "hello libreoffice" && dynamic.parameterSummary == "hello libreoffice (amd64)")
    }

    /// Debusine `tasks/tests/test_piuparts.py` `test_configure_environment_is_required`,
    /// `test_configure_base_tgz_is_required`.
    @Test("data: environment and base_tgz required")
    func data() throws {
        expectTaskDataRefusal(
            "1 validation error for PiupartsData\nenvironment\n  Field required [type=missing, input_value={'base_tgz': 3, 'input': ...binary_artifacts': [2]}}, input_type=dict]"
        ) { _ = try PiupartsTask.validateData(["input": ["binary_artifacts": [2]], "base_tgz": 3]) }
        expectTaskDataRefusal(
            "1 validation error for PiupartsData\nbase_tgz\n  Field required [type=missing, input_value={'environment': 3, 'input...binary_artifacts': [2]}}, input_type=dict]"
        ) { _ = try PiupartsTask.validateData(["input": ["binary_artifacts": [2]], "environment": 3]) }
    }
}
