import KilnCore
import KilnTasks
import Testing

/// `blhc` as Debusine's `tasks/blhc.py` schedules and configures it.
@Suite("blhc follows Debusine's Blhc")
struct BlhcTaskTests {
    static let data: JSONValue = [
        "input": ["artifact": .int(PackageTaskFixtures.buildLog)], "environment": "debian/match:codename=sid",
        "build_architecture": "amd64",
    ]

    /// Debusine `tasks/tests/test_blhc.py` `test_compute_scheduler_tags`, `test_get_subject`,
    /// `test_get_configuration_context`.
    @Test("tags: executor and build architecture required, the build log's source provided; subject only")
    func tags() throws {
        let task = try PackageTaskFixtures.task("blhc", Self.data)
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(
            tags.required.allTags == [
                "worker:type:external", "worker:task:worker:blhc:version:1", "worker:executor:unshare",
                "worker:build-arch:amd64",
            ])
        #expect(tags.provided.allTags.contains("task:source-package:hello"))
        #expect(try task.getTaskConfigurationSubjectContext() == TaskConfigurationSubjectContext(subject: "hello", context: nil))
    }

    /// Debusine `tasks/tests/test_blhc.py` `test_compute_dynamic_data`: `hello_1.0 (amd64)`, the build log
    /// data with `bd_uninstallable` cleared.
    @Test("dynamic data: ids, build log data and summary")
    func dynamicData() throws {
        let dynamic = try PackageTaskFixtures.task("blhc", Self.data, stage: .running).computeDynamicData()
        #expect(dynamic.subject == "hello" && dynamic.parameterSummary == "hello_1.0-1 (amd64)")
        #expect(dynamic.configurationContext == nil && dynamic.runtimeContext == nil)
        // `Blhc.compute_dynamic_data` sets neither context, and Debusine stores with `exclude_unset`: no keys at all.
        #expect(Set((dynamic.json.objectValue ?? [:]).keys).isDisjoint(with: ["configuration_context", "runtime_context"]))
        #expect(dynamic.extra["input_artifact_id"] == .int(PackageTaskFixtures.buildLog))
        #expect(dynamic.extra["environment_id"] == 3)
        #expect(dynamic.extra["input_artifact_data"]?.value(atPath: "bd_uninstallable") == .null)
        #expect(dynamic.extra["input_artifact_data"]?.value(atPath: "source") == "hello")
    }

    /// Debusine `tasks/tests/test_blhc.py` `test_configure_fails_with_missing_required_data`,
    /// `test_configure_with_invalid_flag`, `test_configure_additional_properties_in_input`, and `BlhcData`
    /// requiring `build_architecture` and `environment`.
    @Test("data: flags checked, build_architecture and environment required, input closed")
    func data() throws {
        #expect(try BlhcTask.validateData(["input": ["artifact": 5], "environment": 1, "build_architecture": "amd64", "extra_flags": ["--bindnow"]]).extraFlags == ["--bindnow"])
        expectTaskDataRefusal(
            "1 validation error for BlhcData\ninput.artifact\n  Field required [type=missing, input_value={}, input_type=dict]"
        ) { _ = try BlhcTask.validateData(["input": [:], "environment": 1, "build_architecture": "amd64"]) }
        expectTaskDataRefusal(
            "1 validation error for BlhcData\nextra_flags.0\n  Input should be '--all', '--bindnow', '--buildd', '--color', '--debian', '--line-numbers' or '--pie' [type=enum, input_value='--unknown-flag', input_type=str]"
        ) { _ = try BlhcTask.validateData(["input": ["artifact": 5], "environment": 1, "build_architecture": "amd64", "extra_flags": ["--unknown-flag"]]) }
        expectTaskDataRefusal(
            "1 validation error for BlhcData\ninput.some_additional_property\n  Extra inputs are not permitted [type=extra_forbidden, input_value=87, input_type=int]"
        ) { _ = try BlhcTask.validateData(["input": ["artifact": 5, "some_additional_property": 87], "environment": 1, "build_architecture": "amd64"]) }
        expectTaskDataRefusal(
            "1 validation error for BlhcData\nbuild_architecture\n  Field required [type=missing, input_value={'environment': 1, 'input': {'artifact': 5}}, input_type=dict]"
        ) { _ = try BlhcTask.validateData(["input": ["artifact": 5], "environment": 1]) }
        expectTaskDataRefusal(
            "1 validation error for BlhcData\nenvironment\n  Field required [type=missing, input_value={'build_architecture': 'a...input': {'artifact': 5}}, input_type=dict]"
        ) { _ = try BlhcTask.validateData(["input": ["artifact": 5], "build_architecture": "amd64"]) }
    }
}
