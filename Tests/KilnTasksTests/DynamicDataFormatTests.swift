import KilnCore
import KilnTasks
import KilnTestSupport
import Testing

/// Each task's stored dynamic data, key for key, as Debusine's `compute_dynamic_data` writes it with
/// `exclude_unset=True`: the keys a task passes are present (None as `null`), the others absent.
@Suite("dynamic data keys and formats per task, as Debusine's compute_dynamic_data")
struct DynamicDataFormatTests {
    static let env: JSONValue = "debian/match:codename=sid"

    /// The stored JSON without `task_input_fields`, which other tests cover.
    func stored(_ task: any DBTask) throws -> [String: JSONValue] {
        var object = try #require(try task.computeDynamicData().json.objectValue)
        #expect(object.removeValue(forKey: "task_input_fields") != nil, "task_input_fields is always written")
        return object
    }

    /// Debusine `tasks/tests/test_sbuild.py` `SbuildTests::test_compute_dynamic_data`.
    @Test("sbuild: summary with the host architecture, runtime context, binnmu_maintainer, extra_repositories")
    func sbuild() throws {
        let data: JSONValue = [
            "input": ["source_artifact": 1], "environment": Self.env, "build_components": ["any", "all"],
        ]
        let task = try resolvedDBTask(.worker, "sbuild", data, stage: .running, fqdn: "debusine.example.com")
        #expect(
            try stored(task) == [
                "environment_id": 3, "extra_repositories": .null, "input_source_artifact_id": 1,
                "input_extra_binary_artifacts_ids": [], "binnmu_maintainer": "Debusine <noreply@debusine.example.com>",
                "subject": "hello", "parameter_summary": "hello_1.0-1 (amd64)",
                "runtime_context": "all+any:amd64:amd64",
                "configuration_context": "sid",
            ]
        )
        let fields = try task.computeDynamicData().taskInputFields
        #expect(fields["debusine_fqdn"] == "debusine.example.com", "Debusine `DebusineFQDNInputTests::test_resolve`")
        // Debusine `db/tasks/tests/test_resolver.py` `ExtraRepositoriesInputTests::test_resolve_none`: no extra
        // repositories is a saved null.
        #expect(fields["extra_repositories"] == .null)
        #expect(
            Set(fields.keys) == [
                "task_configuration", "build_architecture", "input_source_artifact", "input_extra_binary_artifacts",
                "environment", "extra_repositories", "debusine_fqdn",
            ]
        )
        // On the worker, rebuilt from the saved data, a binNMU without a maintainer names the same
        // (Debusine `Sbuild._cmdline_binnmu`, test `test_cmdline_binnmu`).
        let onWorker = try SbuildTask.make(taskData: data, dynamicData: try task.computeDynamicData().json)
        #expect(try onWorker.binnmuMaintainer == "Debusine <noreply@debusine.example.com>")
    }

    /// Debusine `tasks/tests/test_sbuild.py` `SbuildTests::test_compute_dynamic_data_build_profiles_runtime_context`
    /// (`nocheck`/`nodoc` give a null runtime context) and `test_host_architecture` (`all` or `source` alone).
    @Test(
        "sbuild: a nocheck or nodoc build has a null runtime context; all or source alone is the host architecture",
        arguments: [
            (["any"], ["nodoc"], "hello_1.0-1 (amd64)", nil),
            (["all"], [], "hello_1.0-1 (all)", "all:amd64:all"),
            (["source"], ["nocheck"], "hello_1.0-1 (source)", nil),
            (["source", "any"], [], "hello_1.0-1 (amd64)", "any+source:amd64:amd64"),
        ] as [([String], [String], String, String?)]
    )
    func sbuildVariants(components: [String], profiles: [String], summary: String, runtime: String?) throws {
        let data: JSONValue = [
            "input": ["source_artifact": 1], "environment": Self.env,
            "build_components": .array(components.map(JSONValue.string)),
            "build_profiles": .array(profiles.map(JSONValue.string)),
        ]
        let object = try stored(try resolvedDBTask(.worker, "sbuild", data, stage: .running))
        #expect(object["parameter_summary"] == .string(summary))
        #expect(object["runtime_context"] == (runtime.map(JSONValue.string) ?? .null))
    }

    /// Debusine `tasks/tests/test_autopkgtest.py` `AutopkgtestTests::test_compute_dynamic_data`; the source may be
    /// an upload, read through `get_source_package_name`/`get_source_package_version`.
    @Test("autopkgtest: summary with the build architecture, runtime context architecture:backend")
    func autopkgtest() throws {
        for source in [1, 6] {
            let data: JSONValue = [
                "input": ["source_artifact": .int(source), "binary_artifacts": [2, 6]], "environment": Self.env,
            ]
            let task = try resolvedDBTask(.worker, "autopkgtest", data, stage: .running)
            #expect(
                try stored(task) == [
                    "environment_id": 3, "extra_repositories": .null, "input_source_artifact_id": .int(source),
                    "input_binary_artifacts_ids": [2, 6], "input_context_artifacts_ids": [], "subject": "hello",
                    "parameter_summary": "hello_1.0-1 (amd64)", "runtime_context": "amd64:unshare",
                    "configuration_context": "sid",
                ]
            )
        }
    }

    /// Debusine `tasks/tests/test_lintian.py` `LintianTests::test_compute_dynamic_data`.
    @Test("lintian: every key written")
    func lintian() throws {
        let data: JSONValue = ["input": ["source_artifact": 1], "environment": Self.env]
        #expect(
            try stored(try resolvedDBTask(.worker, "lintian", data, stage: .running)) == [
                "environment_id": 3, "input_source_artifact_id": 1, "input_binary_artifacts_ids": [],
                "subject": "hello", "parameter_summary": "hello_1.0-1",
                "runtime_context": "binary-all+binary-any+source:sid", "configuration_context": "sid",
            ]
        )
    }

    /// Debusine `tasks/tests/test_lintian.py` `test_compute_dynamic_data_source_artifact_subject_no_binaries`:
    /// no environment, so its id, the runtime and configuration contexts are null; the source is an upload.
    @Test("lintian: without an environment the environment keys are null")
    func lintianWithoutEnvironment() throws {
        let data: JSONValue = ["input": ["source_artifact": 6]]
        #expect(
            try stored(try resolvedDBTask(.worker, "lintian", data, stage: .running)) == [
                "environment_id": .null, "input_source_artifact_id": 6, "input_binary_artifacts_ids": [],
                "subject": "hello", "parameter_summary": "hello_1.0-1", "runtime_context": .null,
                "configuration_context": .null,
            ]
        )
    }

    /// Debusine `tasks/tests/test_lintian.py` `test_compute_dynamic_data_debian_binary_package_subject`: with
    /// binaries only, the subject and version come from the first binary and the source id is null.
    @Test("lintian: binaries only take subject and version from the first binary")
    func lintianBinariesOnly() throws {
        let data: JSONValue = ["input": ["binary_artifacts": [2]], "environment": Self.env]
        let object = try stored(try resolvedDBTask(.worker, "lintian", data, stage: .running))
        #expect(object["subject"] == "hello")
        #expect(object["parameter_summary"] == "hello_1.0-1")
        #expect(object["input_source_artifact_id"] == .null)
        #expect(object["input_binary_artifacts_ids"] == [2])
    }

    /// Debusine `tasks/tests/test_mmdebstrap.py` `MmDebstrapTests::test_compute_dynamic_data` (no variant:
    /// Python's `None` in the runtime context) and `test_systembootstrap.py` (variant `buildd`).
    @Test(
        "mmdebstrap: subject, summary, runtime context and configuration context; no environment_id",
        arguments: [
            (nil, "bookworm (amd64)", "amd64:None:hello,python3"),
            ("buildd", "bookworm (amd64-buildd)", "amd64:buildd:hello,python3"),
        ] as [(String?, String, String)]
    )
    func mmdebstrap(variant: String?, summary: String, runtime: String) throws {
        var options: [String: JSONValue] = ["architecture": "amd64", "extra_packages": ["python3", "hello"]]
        options["variant"] = variant.map(JSONValue.string)
        let data: JSONValue = [
            "bootstrap_options": .object(options),
            "bootstrap_repositories": [
                ["mirror": "https://deb.debian.org/debian", "suite": "bookworm", "components": ["main"]]
            ],
        ]
        #expect(
            try stored(try resolvedDBTask(.worker, "mmdebstrap", data, stage: .running)) == [
                "subject": "bookworm", "parameter_summary": .string(summary), "runtime_context": .string(runtime),
                "configuration_context": "amd64",
            ]
        )
    }

    /// Debusine `signing/tasks/tests/test_debsign.py` `DebsignTests::test_compute_dynamic_data`: `unsigned_id`
    /// only; the artifact's category is not checked when resolving (`unsigned = SingleInput()`).
    @Test("debsign: unsigned_id only")
    func debsign() throws {
        let key = JSONValue.string(String(repeating: "A", count: 40))
        let task = try resolvedDBTask(.signing, "debsign", ["unsigned": 6, "key": key], stage: .running)
        #expect(try stored(task) == ["unsigned_id": 6])
        let anyCategory = try resolvedDBTask(.signing, "debsign", ["unsigned": 1, "key": key], stage: .running)
        #expect(try stored(anyCategory) == ["unsigned_id": 1])
    }

    /// Debusine stores with `exclude_unset=True` (`db/models/work_requests.py` `WorkRequest.compute_dynamic_data`):
    /// a member passed as None is `null`, one never passed is absent.
    @Test("TaskDynamicData: a member set to nil is written as null, an unset one is left out")
    func explicitNulls() {
        var dynamic = TaskDynamicData(subject: "hello", runtimeContext: .some(nil))
        dynamic.configurationContext = nil
        #expect(
            dynamic.json == [
                "subject": "hello", "runtime_context": nil, "configuration_context": nil, "task_input_fields": [:],
            ]
        )
        #expect(dynamic.parameterSummary == nil && dynamic.runtimeContext == nil)
        #expect(TaskDynamicData().json == ["task_input_fields": [:]])
    }
}
