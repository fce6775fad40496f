import KilnCore
import KilnTasks
import Testing

/// `debdiff` as Debusine's `tasks/debdiff.py` schedules and configures it.
@Suite("debdiff follows Debusine's DebDiff")
struct DebDiffTaskTests {
    static let env: JSONValue = "debian/match:codename=sid"

    /// Debusine `tasks/tests/test_debdiff.py` `test_compute_scheduler_tags`, `test_get_subject`,
    /// `test_compute_dynamic_data` (`source:hello`, `hello: 1.0 → 1.1 (source)`).
    @Test("sources: source-package tag, source:<name> subject and summary")
    func sources() throws {
        let data: JSONValue = [
            "input": ["source_artifacts": [1, .int(PackageTaskFixtures.newHelloSource)]], "environment": Self.env,
            "build_architecture": "amd64",
        ]
        let task = try PackageTaskFixtures.task("debdiff", data)
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(
            tags.required.allTags == [
                "worker:type:external", "worker:task:worker:debdiff:version:1", "worker:executor:unshare",
                "worker:build-arch:amd64",
            ])
        #expect(tags.provided.allTags.contains("task:source-package:hello"))
        #expect(
            try task.getTaskConfigurationSubjectContext()
                == TaskConfigurationSubjectContext(subject: "source:hello", context: nil))
        let dynamic = try PackageTaskFixtures.task("debdiff", data, stage: .running).computeDynamicData()
        #expect(dynamic.parameterSummary == "hello: 1.0-1 → 1.0-2 (source)")
        // `DebDiff.compute_dynamic_data` sets no context; stored with `exclude_unset`, the keys are absent.
        #expect(Set((dynamic.json.objectValue ?? [:]).keys).isDisjoint(with: ["configuration_context", "runtime_context"]))
        #expect(dynamic.extra["input_source_artifacts_ids"] == [1, .int(PackageTaskFixtures.newHelloSource)])
        #expect(dynamic.extra["input_binary_artifacts_ids"] == .null)
    }

    /// Debusine `tasks/debdiff.py` `_validate_binary_original_new_count`: a `TaskConfigError` with the bare sentence.
    @Test("binaries: an empty side is refused with Debusine's bare sentence")
    func emptyBinarySide() throws {
        let data: JSONValue = [
            "input": ["binary_artifacts": [[], [.int(PackageTaskFixtures.newHelloBinary)]]], "environment": Self.env,
            "build_architecture": "amd64",
        ]
        let task = try PackageTaskFixtures.task("debdiff", data, stage: .running)
        #expect(throws: TaskConfigError(
            "input.binary_artifacts[0] and input.binary_artifacts[1] cannot have zero artifacts (got 0 and 1)")) {
            _ = try task.computeDynamicData()
        }
    }

    /// Debusine `tasks/tests/test_debdiff.py` `test_compute_scheduler_tags_no_source`: comparing binaries
    /// provides no `task:source-package:` tag; the subject is `binary:<name>`.
    @Test("binaries: no source-package tag, binary:<name> subject, build architecture in the summary")
    func binaries() throws {
        let data: JSONValue = [
            "input": ["binary_artifacts": [[2], [.int(PackageTaskFixtures.newHelloBinary)]]], "environment": Self.env,
            "build_architecture": "amd64",
        ]
        let task = try PackageTaskFixtures.task("debdiff", data, stage: .running)
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(!tags.provided.allTags.contains { $0.hasPrefix("task:source-package:") })
        let dynamic = try task.computeDynamicData()
        #expect(dynamic.subject == "binary:hello" && dynamic.parameterSummary == "hello: 1.0-1 → 1.0-2 (amd64)")
        #expect(dynamic.extra["input_binary_artifacts_ids"] == [[2], [.int(PackageTaskFixtures.newHelloBinary)]])
    }

    /// Debusine `tasks/tests/test_debdiff.py` `test_compute_dynamic_data_raise_task_config_error_categories`:
    /// binaries of different categories are refused.
    @Test("binaries of mixed categories are refused")
    func mixedCategories() throws {
        let data: JSONValue = [
            "input": ["binary_artifacts": [[2], [.int(PackageTaskFixtures.helloUpload)]]], "environment": Self.env,
            "build_architecture": "amd64",
        ]
        let task = try PackageTaskFixtures.task("debdiff", data)
        #expect(
            throws: TaskConfigError(
                "All binary artifacts must have the same category. Found \"debian:binary-package\" and \"debian:upload\"")
        ) { try task.getTaskConfigurationSubjectContext() }
    }

    /// Debusine `tasks/models.py` `DebDiffInput.check_one_of_source_or_binary` and `min_length=2,
    /// max_length=2`; `test_configure_with_invalid_flag`; `DebDiffData` requiring `build_architecture`.
    @Test("data: exactly one of two sources or two binaries; flags checked; build_architecture required")
    func data() throws {
        let base: [String: JSONValue] = ["environment": 1, "build_architecture": "amd64"]
        func with(_ extra: [String: JSONValue]) -> JSONValue { .object(base.merging(extra) { $1 }) }
        expectTaskDataRefusal(
            "1 validation error for DebDiffData\ninput\n  Value error, Exactly one of source_artifacts or binary_artifacts must be set [type=value_error, input_value={}, input_type=dict]"
        ) { _ = try DebDiffTask.validateData(with(["input": [:]])) }
        expectTaskDataRefusal(
            "1 validation error for DebDiffData\ninput.source_artifacts\n  List should have at least 2 items after validation, not 1 [type=too_short, input_value=[1], input_type=list]"
        ) { _ = try DebDiffTask.validateData(with(["input": ["source_artifacts": [1]]])) }
        expectTaskDataRefusal(
            "1 validation error for DebDiffData\ninput\n  Value error, Exactly one of source_artifacts or binary_artifacts must be set [type=value_error, input_value={'binary_artifacts': [[3]...urce_artifacts': [1, 2]}, input_type=dict]"
        ) { _ = try DebDiffTask.validateData(with(["input": ["source_artifacts": [1, 2], "binary_artifacts": [[3], [4]]]])) }
        expectTaskDataRefusal(
            "1 validation error for DebDiffData\nextra_flags.0\n  Input should be '--dirs', '--nocontrol', '--wdiff-source-control', '--show-moved', '--diffstat', '--apply-patches' or '--ignore-space' [type=enum, input_value='--unknown', input_type=str]"
        ) { _ = try DebDiffTask.validateData(with(["input": ["source_artifacts": [1, 2]], "extra_flags": ["--unknown"]])) }
        expectTaskDataRefusal(
            "1 validation error for DebDiffData\nbuild_architecture\n  Field required [type=missing, input_value={'environment': 1, 'input...rce_artifacts': [1, 2]}}, input_type=dict]"
        ) { _ = try DebDiffTask.validateData(["input": ["source_artifacts": [1, 2]], "environment": 1]) }
    }
}
