import KilnCore
import KilnTasks
import Testing

/// One bad task data case: which task, the data, and the exact error.
struct BadTaskData: Sendable, CustomTestStringConvertible {
    let type: TaskType
    let name: String
    let data: JSONValue
    let error: TaskDataError

    var testDescription: String { "\(name): \(error)" }
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
            error: .invalidValue(
                field: "result", value: true,
                reason: "must be one of '', 'success', 'failure', 'temporary failure', 'error', 'skipped'")
        ),
        BadTaskData(type: .worker, name: "noop", data: ["resutl": "success"], error: .unknownField("resutl")),
        BadTaskData(type: .worker, name: "sbuild", data: [:], error: .missingField("input")),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: ["input": ["source_artifact": 1]],
            error: .missingField("environment")
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: ["input": [:], "environment": env],
            error: .missingField("input.source_artifact")
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: ["input": ["source_artifact": 1], "environment": env, "host_architecture": "amd64"],
            error: .invalidValue(
                field: "host_architecture",
                value: "amd64",
                reason: "this field was renamed to build_architecture"
            )
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: ["input": ["source_artifact": 1], "environment": env, "backend": "docker"],
            error: .invalidValue(
                field: "backend",
                value: "docker",
                reason: "must be one of auto, unshare, incus-lxc, incus-vm, qemu"
            )
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: ["input": ["source_artifact": 1], "environment": env, "build_components": ["any", "binary"]],
            error: .invalidValue(
                field: "build_components[1]",
                value: "binary",
                reason: "must be one of any, all, source"
            )
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: ["input": ["source_artifact": 1], "environment": env, "build_components": []],
            error: .invalidValue(
                field: "build_components",
                value: [],
                reason: "at least one of any, all, source is needed"
            )
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: ["input": ["source_artifact": 1], "environment": env, "binnmu": ["changelog": "rebuild"]],
            error: .missingField("binnmu.suffix")
        ),
        // Debusine `tasks/tests/test_sbuild.py` `test_configure_fails_with_indep_binnmu`. (Kiln used to refuse
        // `aspcud_criteria` without the aspcud resolver; Debusine's `SbuildData` accepts it.)
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: [
                "input": ["source_artifact": 1], "environment": env, "build_components": ["any", "all"],
                "binnmu": ["suffix": "+1", "changelog": "foo"],
            ],
            error: .invalidValue(
                field: "binnmu",
                value: ["suffix": "+1", "changelog": "foo"],
                reason: "Cannot build architecture-independent packages in a binNMU"
            )
        ),
        // The key is `build_dep_resolver` (Debusine's `SbuildData.build_dep_resolver`).
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: ["input": ["source_artifact": 1], "environment": env, "build_dep_resolver": "dose3"],
            error: .invalidValue(
                field: "build_dep_resolver",
                value: "dose3",
                reason: "must be one of apt, aptitude, aspcud, xapt"
            )
        ),
        // Debusine's `LookupMultiple` validator refuses a single lookup where a multiple one is expected.
        BadTaskData(
            type: .worker,
            name: "lintian",
            data: ["input": ["binary_artifacts": 2]],
            error: .invalidValue(
                field: "input.binary_artifacts",
                value: 2,
                reason: "Lookup of multiple collection items must be a dictionary or a list"
            )
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
            error: .unknownField("backend")
        ),
        BadTaskData(
            type: .worker,
            name: "sbuild",
            data: ["input": ["source_artifact": 1.5], "environment": env],
            error: .wrongType(
                field: "input.source_artifact",
                expected: "a single lookup (integer or string)",
                found: 1.5
            )
        ),
        // Debusine's `LintianInput.check_one_of_source_or_binary` (`tasks/models.py`) sentence.
        BadTaskData(
            type: .worker,
            name: "lintian",
            data: ["input": [:], "environment": env],
            error: .invalidValue(
                field: "input",
                value: [:],
                reason: "One of source_artifact or binary_artifacts must be set"
            )
        ),
        BadTaskData(
            type: .worker,
            name: "lintian",
            data: ["input": ["source_artifact": 1], "environment": env, "fail_on_severity": "fatal"],
            error: .invalidValue(
                field: "fail_on_severity",
                value: "fatal",
                reason: "must be one of error, warning, info, pedantic, experimental, overridden, none"
            )
        ),
        BadTaskData(
            type: .worker,
            name: "lintian",
            data: ["input": ["source_artifact": 1], "environment": env, "output": ["source": true]],
            error: .unknownField("output.source")
        ),
        BadTaskData(
            type: .worker,
            name: "autopkgtest",
            data: ["input": ["source_artifact": 1], "environment": env],
            error: .missingField("input.binary_artifacts")
        ),
        BadTaskData(
            type: .worker,
            name: "autopkgtest",
            data: ["input": ["source_artifact": 1, "binary_artifacts": [2]], "environment": env, "debug_level": 4],
            error: .invalidValue(field: "debug_level", value: 4, reason: "must be between 0 and 3")
        ),
        BadTaskData(
            type: .worker,
            name: "autopkgtest",
            data: [
                "input": ["source_artifact": 1, "binary_artifacts": [2]], "environment": env, "timeout": ["global": -1],
            ],
            error: .invalidValue(field: "timeout.global", value: -1, reason: "must be between 0 and \(Int.max)")
        ),
        BadTaskData(
            type: .worker,
            name: "autopkgtest",
            data: [
                "input": ["source_artifact": 1, "binary_artifacts": [2]], "environment": env,
                "extra_environment": ["A": 1],
            ],
            error: .wrongType(field: "extra_environment.A", expected: "a string", found: 1)
        ),
        BadTaskData(
            type: .worker,
            name: "mmdebstrap",
            data: ["bootstrap_options": ["architecture": "amd64"]],
            error: .missingField("bootstrap_repositories")
        ),
        BadTaskData(
            type: .worker,
            name: "mmdebstrap",
            data: ["bootstrap_options": ["architecture": "amd64"], "bootstrap_repositories": []],
            error: .invalidValue(
                field: "bootstrap_repositories",
                value: [],
                reason: "at least one repository is needed"
            )
        ),
        BadTaskData(
            type: .worker,
            name: "mmdebstrap",
            data: ["bootstrap_options": ["architecture": "amd64"], "bootstrap_repositories": [["mirror": "http://x"]]],
            error: .missingField("bootstrap_repositories[0].suite")
        ),
        BadTaskData(
            type: .worker,
            name: "mmdebstrap",
            data: [
                "bootstrap_options": ["architecture": "amd64", "variant": "huge"],
                "bootstrap_repositories": [["mirror": "http://x", "suite": "sid"]],
            ],
            error: .invalidValue(
                field: "bootstrap_options.variant",
                value: "huge",
                reason:
                    "must be one of extract, custom, essential, apt, required, minbase, buildd, important, debootstrap, -, standard"
            )
        ),
        BadTaskData(
            type: .signing,
            name: "debsign",
            data: ["unsigned": 6, "key": 123],
            error: .wrongType(field: "key", expected: "a string", found: 123)
        ),
        BadTaskData(type: .signing, name: "debsign", data: ["key": .string(key)], error: .missingField("unsigned")),
        BadTaskData(
            type: .server,
            name: "servernoop",
            data: ["exception": "maybe"],  // pydantic accepts "no" (lax booleans), not "maybe"
            error: .wrongType(field: "exception", expected: "a boolean", found: "maybe")
        ),
        BadTaskData(type: .internal, name: "synchronization_point", data: ["step": "x"], error: .unknownField("step")),
        BadTaskData(type: .wait, name: "delay", data: [:], error: .missingField("delay_until")),
        BadTaskData(
            type: .wait,
            name: "delay",
            data: ["delay_until": "tomorrow"],
            error: .invalidValue(
                field: "delay_until",
                value: "tomorrow",
                reason: "must be an ISO 8601 timestamp with a time zone"
            )
        ),
        BadTaskData(
            type: .worker,
            name: "noop",
            data: ["task_configuration": ["a"]],
            error: .wrongType(
                field: "task_configuration",
                expected: "a single lookup (integer or string)",
                found: ["a"]
            )
        ),
    ]

    @Test("bad task data is refused with the expected error", arguments: cases + SystemBootstrapTasksTests.refusals)
    func refused(_ bad: BadTaskData) throws {
        let error = try #require(throws: TaskDataError.self) {
            try KilnTasks.registry().makeDBTask(type: bad.type, name: bad.name, taskData: bad.data)
        }
        #expect(error == bad.error)
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
