import KilnCore
import KilnTasks
import Testing

/// One bad task data case: which task, the data, and the exact error text — for a task with a data model, what
/// Debusine 0.16.2's own model says of the same data (recorded by running it, as `deploy/fidelity/task-data-cases.py`
/// does); for the wait and internal tasks, which have none, Kiln's own sentence.
struct BadTaskData: Sendable, CustomTestStringConvertible {
    let type: TaskType
    let name: String
    let data: JSONValue
    let error: String

    var testDescription: String { "\(name): \(error.prefix(90))" }
}

@Suite("task data validation: clear errors naming the bad field and value")
struct TaskDataValidationTests {
    static let env: JSONValue = "debian/match:codename=sid"
    static let key = String(repeating: "0123456789ABCDEF", count: 2) + "01234567"

    static let cases: [BadTaskData] = [
        BadTaskData(
            type: .worker,
            name: "noop",
            data: ["result": true],
            error:
                "1 validation error for NoopData\nresult\n  Input should be '', 'success', 'failure', 'temporary failure', 'error' or 'skipped' [type=enum, input_value=True, input_type=bool]"
        ),
        BadTaskData(
            type: .worker,
            name: "noop",
            data: ["resutl": "success"],
            error:
                "1 validation error for NoopData\nresutl\n  Extra inputs are not permitted [type=extra_forbidden, input_value='success', input_type=str]"
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: ["build_architecture": "amd64"],
            error:
                "2 validation errors for SbuildData\nenvironment\n  Field required [type=missing, input_value={'build_architecture': 'amd64'}, input_type=dict]\ninput\n  Field required [type=missing, input_value={'build_architecture': 'amd64'}, input_type=dict]"
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: [
                "build_architecture": "amd64", "input": ["source_artifact": 1],
            ],
            error:
                "1 validation error for SbuildData\nenvironment\n  Field required [type=missing, input_value={'build_architecture': 'a... {'source_artifact': 1}}, input_type=dict]"
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: [
                "build_architecture": "amd64", "input": [:], "environment": env,
            ],
            error:
                "1 validation error for SbuildData\ninput.source_artifact\n  Field required [type=missing, input_value={}, input_type=dict]"
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: [
                "build_architecture": "amd64", "input": ["source_artifact": 1], "environment": env,
                "host_architecture": "amd64",
            ],
            error:
                "1 validation error for SbuildData\nhost_architecture\n  Extra inputs are not permitted [type=extra_forbidden, input_value='amd64', input_type=str]"
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: [
                "build_architecture": "amd64", "input": ["source_artifact": 1], "environment": env, "backend": "docker",
            ],
            error:
                "1 validation error for SbuildData\nbackend\n  Input should be 'auto', 'unshare', 'incus-lxc', 'incus-vm' or 'qemu' [type=enum, input_value='docker', input_type=str]"
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: [
                "build_architecture": "amd64", "input": ["source_artifact": 1], "environment": env,
                "build_components": ["any", "binary"],
            ],
            error:
                "1 validation error for SbuildData\nbuild_components.1\n  Input should be 'any', 'all' or 'source' [type=enum, input_value='binary', input_type=str]"
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: [
                "build_architecture": "amd64", "input": ["source_artifact": 1], "environment": env,
                "binnmu": ["changelog": "rebuild"],
            ],
            error:
                "1 validation error for SbuildData\nbinnmu.suffix\n  Field required [type=missing, input_value={'changelog': 'rebuild'}, input_type=dict]"
        ),
        // Debusine `tasks/tests/test_sbuild.py` `test_configure_fails_with_indep_binnmu`. (Kiln used to refuse
        // `aspcud_criteria` without the aspcud resolver; Debusine's `SbuildData` accepts it.)
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: [
                "build_architecture": "amd64",
                "input": ["source_artifact": 1], "environment": env, "build_components": ["any", "all"],
                "binnmu": ["suffix": "+1", "changelog": "foo"],
            ],
            error:
                "1 validation error for SbuildData\n  Value error, Cannot build architecture-independent packages in a binNMU [type=value_error, input_value={'binnmu': {'changelog': ... {'source_artifact': 1}}, input_type=dict]"
        ),
        // The key is `build_dep_resolver` (Debusine's `SbuildData.build_dep_resolver`).
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: [
                "build_architecture": "amd64", "input": ["source_artifact": 1], "environment": env,
                "build_dep_resolver": "dose3",
            ],
            error:
                "1 validation error for SbuildData\nbuild_dep_resolver\n  Input should be 'apt', 'aptitude', 'aspcud' or 'xapt' [type=enum, input_value='dose3', input_type=str]"
        ),
        // Debusine's `LookupMultiple` validator refuses a single lookup where a multiple one is expected.
        BadTaskData(
            type: .worker,
            name: "lintian",
            data: ["input": ["binary_artifacts": 2]],
            error:
                "1 validation error for LintianData\ninput.binary_artifacts\n  Value error, Lookup of multiple collection items must be a dictionary or a list [type=value_error, input_value=2, input_type=int]"
        ),
        // Debusine's `MmDebstrapData` has no executor fields and forbids extra keys.
        BadTaskData(
            type: .worker,
            name: "mmdebstrap",
            data: [
                "bootstrap_options": ["architecture": "amd64"],
                "bootstrap_repositories": [["mirror": "http://deb.debian.org/debian", "suite": "bookworm"]],
                "backend": "unshare",
            ],
            error:
                "1 validation error for MmDebstrapData\nbackend\n  Extra inputs are not permitted [type=extra_forbidden, input_value='unshare', input_type=str]"
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: [
                "build_architecture": "amd64", "input": ["source_artifact": 1.5], "environment": env,
            ],
            error:
                "2 validation errors for SbuildData\ninput.source_artifact.int\n  Input should be a valid integer, got a number with a fractional part [type=int_from_float, input_value=1.5, input_type=float]\ninput.source_artifact.str\n  Input should be a valid string [type=string_type, input_value=1.5, input_type=float]"
        ),
        // Debusine's `LintianInput.check_one_of_source_or_binary` (`tasks/models.py`) sentence.
        BadTaskData(
            type: .worker,
            name: "lintian",
            data: ["input": [:], "environment": env],
            error:
                "1 validation error for LintianData\ninput\n  Value error, One of source_artifact or binary_artifacts must be set [type=value_error, input_value={}, input_type=dict]"
        ),
        BadTaskData(
            type: .worker,
            name: "lintian",
            data: ["input": ["source_artifact": 1], "environment": env, "fail_on_severity": "fatal"],
            error:
                "1 validation error for LintianData\nfail_on_severity\n  Input should be 'error', 'warning', 'info', 'pedantic', 'experimental', 'overridden' or 'none' [type=enum, input_value='fatal', input_type=str]"
        ),
        BadTaskData(
            type: .worker,
            name: "lintian",
            data: ["input": ["source_artifact": 1], "environment": env, "output": ["source": true]],
            error:
                "1 validation error for LintianData\noutput.source\n  Extra inputs are not permitted [type=extra_forbidden, input_value=True, input_type=bool]"
        ),
        BadTaskData(
            type: .worker,
            name: "autopkgtest",
            data: ["input": ["source_artifact": 1], "environment": env],
            error:
                "1 validation error for AutopkgtestData\ninput.binary_artifacts\n  Field required [type=missing, input_value={'source_artifact': 1}, input_type=dict]"
        ),
        BadTaskData(
            type: .worker,
            name: "autopkgtest",
            data: ["input": ["source_artifact": 1, "binary_artifacts": [2]], "environment": env, "debug_level": 4],
            error:
                "1 validation error for AutopkgtestData\ndebug_level\n  Input should be less than or equal to 3 [type=less_than_equal, input_value=4, input_type=int]"
        ),
        BadTaskData(
            type: .worker,
            name: "autopkgtest",
            data: [
                "input": ["source_artifact": 1, "binary_artifacts": [2]], "environment": env, "timeout": ["global": -1],
            ],
            error:
                "1 validation error for AutopkgtestData\ntimeout.global\n  Input should be greater than or equal to 0 [type=greater_than_equal, input_value=-1, input_type=int]"
        ),
        BadTaskData(
            type: .worker,
            name: "autopkgtest",
            data: [
                "input": ["source_artifact": 1, "binary_artifacts": [2]], "environment": env,
                "extra_environment": ["A": 1],
            ],
            error:
                "1 validation error for AutopkgtestData\nextra_environment.A\n  Input should be a valid string [type=string_type, input_value=1, input_type=int]"
        ),
        BadTaskData(
            type: .worker,
            name: "mmdebstrap",
            data: ["bootstrap_options": ["architecture": "amd64"]],
            error:
                "1 validation error for MmDebstrapData\nbootstrap_repositories\n  Field required [type=missing, input_value={'bootstrap_options': {'architecture': 'amd64'}}, input_type=dict]"
        ),
        BadTaskData(
            type: .worker,
            name: "mmdebstrap",
            data: ["bootstrap_options": ["architecture": "amd64"], "bootstrap_repositories": []],
            error:
                "1 validation error for MmDebstrapData\nbootstrap_repositories\n  List should have at least 1 item after validation, not 0 [type=too_short, input_value=[], input_type=list]"
        ),
        BadTaskData(
            type: .worker,
            name: "mmdebstrap",
            data: ["bootstrap_options": ["architecture": "amd64"], "bootstrap_repositories": [["mirror": "http://x"]]],
            error:
                "1 validation error for MmDebstrapData\nbootstrap_repositories.0.suite\n  Field required [type=missing, input_value={'mirror': 'http://x'}, input_type=dict]"
        ),
        BadTaskData(
            type: .worker,
            name: "mmdebstrap",
            data: [
                "bootstrap_options": ["architecture": "amd64", "variant": "huge"],
                "bootstrap_repositories": [["mirror": "http://x", "suite": "sid"]],
            ],
            error:
                "1 validation error for MmDebstrapData\nbootstrap_options.variant\n  Input should be 'buildd', 'minbase', '-', 'apt', 'custom', 'debootstrap', 'essential', 'extract', 'important', 'required' or 'standard' [type=enum, input_value='huge', input_type=str]"
        ),
        BadTaskData(
            type: .signing,
            name: "debsign",
            data: ["unsigned": 6, "key": 123],
            error:
                "1 validation error for DebsignData\nkey\n  Input should be a valid string [type=string_type, input_value=123, input_type=int]"
        ),
        BadTaskData(
            type: .signing,
            name: "debsign",
            data: ["key": .string(key)],
            error:
                "1 validation error for DebsignData\nunsigned\n  Field required [type=missing, input_value={'key': '0123456789ABCDEF...23456789ABCDEF01234567'}, input_type=dict]"
        ),
        BadTaskData(
            type: .server,
            name: "servernoop",
            data: ["exception": "maybe"],  // pydantic accepts "no" (lax booleans), not "maybe"
            error:
                "1 validation error for ServerNoopData\nexception\n  Input should be a valid boolean, unable to interpret input [type=bool_parsing, input_value='maybe', input_type=str]"
        ),
        BadTaskData(
            type: .internal,
            name: "synchronization_point",
            data: ["step": "x"],
            error: TaskDataError.unknownField("step").description
        ),
        BadTaskData(
            type: .wait,
            name: "delay",
            data: [:],
            error: TaskDataError.missingField("delay_until").description
        ),
        BadTaskData(
            type: .wait,
            name: "delay",
            data: ["delay_until": "tomorrow"],
            error: TaskDataError.invalidValue(
                field: "delay_until",
                value: "tomorrow",
                reason: "must be an ISO 8601 timestamp with a time zone"
            ).description
        ),
        BadTaskData(
            type: .worker,
            name: "noop",
            data: ["task_configuration": ["a"]],
            error:
                "2 validation errors for NoopData\ntask_configuration.int\n  Input should be a valid integer [type=int_type, input_value=['a'], input_type=list]\ntask_configuration.str\n  Input should be a valid string [type=string_type, input_value=['a'], input_type=list]"
        ),
    ]

    @Test("bad task data is refused with the expected error", arguments: cases + SystemBootstrapTasksTests.refusals)
    func refused(_ bad: BadTaskData) throws {
        let error = try #require(throws: TaskDataError.self) {
            try KilnTasks.registry().makeDBTask(type: bad.type, name: bad.name, taskData: bad.data)
        }
        #expect(error.description == bad.error)
    }

    @Test("good task data is accepted, with defaults filled in")
    func accepted() throws {
        let sbuild = try SbuildTask.validateData(["input": ["source_artifact": 1], "environment": Self.env])
        #expect(sbuild.buildComponents == ["any"])
        #expect(sbuild.executor.backend == .auto)
        #expect(sbuild.extraBinaryArtifacts == [])
        #expect(sbuild.buildDepResolver == nil && !sbuild.resolveAlternatives)
        let aspcud = try SbuildTask.validateData([
            "input": ["source_artifact": 1], "environment": Self.env, "build_dep_resolver": "aspcud",
            "aspcud_criteria": "-removed", "resolve_alternatives": true,
        ])
        #expect(
            aspcud.buildDepResolver == "aspcud" && aspcud.aspcudCriteria == "-removed" && aspcud.resolveAlternatives
        )
        // Debusine `test_lintian.py` `test_compute_dynamic_data_source_artifact_subject_no_binaries` configures
        // lintian without an environment: it is optional.
        #expect(try LintianTask.validateData(["input": ["source_artifact": 1]]).executor.environment == nil)
        let lintian = try LintianTask.validateData([
            "input": ["source_artifact": 1], "environment": Self.env,
            "task_configuration": "mine@debusine:task-configuration",
        ])
        // Debusine `tasks/tests/test_lintian.py` `test_configure_without_fail_on_severity`: the default is
        // `error` (Kiln's was `none`).
        #expect(lintian.targetDistribution == "debian:unstable" && lintian.failOnSeverity == "error")
        #expect(lintian.taskConfiguration == "mine@debusine:task-configuration")
        let autopkgtest = try AutopkgtestTask.validateData([
            "input": ["source_artifact": 1, "binary_artifacts": [2]], "environment": Self.env,
            "extra_environment": ["LANG": "C.UTF-8"], "timeout": ["global": 3600],
        ])
        #expect(autopkgtest.extraEnvironment == ["LANG": "C.UTF-8"] && autopkgtest.timeout == ["global": 3600])
        #expect(autopkgtest.needsInternet == "run" && autopkgtest.failOn.failedTest)
        // Debusine `signing/tasks/tests/test_debsign.py` `SAMPLE_TASK_DATA`: any key string, kept as given.
        let debsign = try DebsignTask.validateData(["unsigned": 2, "key": "ABC123"])
        #expect(debsign.key == "ABC123")
        #expect(try NoopTask.validateData([:]).result == .success)
    }
}
