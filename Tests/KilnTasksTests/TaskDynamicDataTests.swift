import Foundation
import KilnCore
import KilnTasks
import Testing

@Suite("Dynamic data, worker-side reconstruction and execution (Debusine `TaskFieldContainer`, `TaskRunner.setup_task`)")
struct TaskDynamicDataTests {
    @Test("lintian on hello 1.0-1 with an sid environment (Debusine `server/tests/test_scheduler.py` `test_computes_dynamic_data`)")
    func lintianDynamicData() throws {
        let data: JSONValue = ["input": ["source_artifact": 1], "environment": "debian/match:codename=sid"]
        let task = try resolvedDBTask(
            .worker,
            "lintian",
            data,
            stage: .running,
            lookups: Fixtures.lookups(withDefaultConfiguration: true)
        )
        let dynamic = try task.computeDynamicData()
        #expect(dynamic.subject == "hello")
        #expect(dynamic.parameterSummary == "hello_1.0-1")
        #expect(dynamic.json.value(atPath: "environment_id") == 3)
        #expect(dynamic.configurationContext == "sid")
        #expect(dynamic.runtimeContext == "binary-all+binary-any+source:sid")
        #expect(
            dynamic.extra == ["input_source_artifact_id": 1, "input_binary_artifacts_ids": [], "environment_id": 3]
        )
        #expect(
            Set(dynamic.taskInputFields.keys) == [
                "build_architecture", "environment", "input_binary_artifacts", "input_source_artifact",
                "task_configuration",
            ]
        )
        #expect(dynamic.taskInputFields["task_configuration"]?.value(atPath: "collection_id") == 12)
        #expect(
            try task.getTaskConfigurationSubjectContext()
                == TaskConfigurationSubjectContext(subject: "hello", context: "sid")
        )
    }

    @Test("lintian's runtime context lists only the enabled analyses")
    func lintianAnalyses() throws {
        let data: JSONValue = [
            "input": ["source_artifact": 1], "environment": "debian/match:codename=sid",
            "output": ["binary_all_analysis": false, "binary_any_analysis": false],
        ]
        let dynamic = try resolvedDBTask(.worker, "lintian", data, stage: .running).computeDynamicData()
        #expect(dynamic.runtimeContext == "source:sid")
    }

    @Test("the worker rebuilds sbuild from configured data and dynamic data, with no resolver (Debusine `TaskRunner.setup_task`)")
    func workerReconstruction() throws {
        let data: JSONValue = [
            "input": ["source_artifact": 1, "extra_binary_artifacts": [2]], "environment": "debian/match:codename=sid",
        ]
        let server = try resolvedDBTask(.worker, "sbuild", data, stage: .running)
        let dynamic = try server.computeDynamicData()
        #expect(
            dynamic.extra == [
                "input_source_artifact_id": 1, "input_extra_binary_artifacts_ids": [2], "environment_id": 3,
                "extra_repositories": .null, "binnmu_maintainer": "Debusine <noreply@localhost>",
            ]
        )

        let onWorker = try KilnTasks.registry().makeExternalTask(
            type: .worker,
            name: "sbuild",
            taskData: data,
            dynamicData: dynamic.json
        )
        #expect(try onWorker.getSubject() == "hello")
        #expect(try onWorker.getConfigurationContext() == "sid")
        #expect(try onWorker.computeDynamicData().extra == dynamic.extra)
        #expect(try onWorker.computeSystemRequiredTags().contains("worker:build-arch:amd64"))

        let unresolved = try KilnTasks.registry().makeExternalTask(
            type: .worker,
            name: "sbuild",
            taskData: data,
            dynamicData: [:]
        )
        #expect(throws: TaskInputError.unresolved("input_source_artifact")) { try unresolved.getSubject() }
    }

    @Test(
        "noop's outcome comes from its task data",
        arguments: [
            (JSONValue.object([:]), TaskOutcome.Result.success), (JSONValue.object(["result": "success"]), .success),
            (JSONValue.object(["result": "failure"]), .failure), (JSONValue.object(["result": "error"]), .error),
            (JSONValue.object(["result": "skipped"]), .skipped),
            (JSONValue.object(["result": "temporary failure"]), .temporaryFailure),
            (JSONValue.object(["result": ""]), .error),
        ]
    )
    func noopOutcome(data: JSONValue, expected: TaskOutcome.Result) async throws {
        let task = try KilnTasks.registry().makeExternalTask(
            type: .worker,
            name: "noop",
            taskData: data,
            dynamicData: [:]
        )
        let context = RecordingContext()
        let outcome = try await task.execute(in: context)
        #expect(outcome.result == expected)
        #expect(await context.lines.count == 1)
    }

    @Test("tasks without a worker pipeline in Kiln refuse to run rather than fake a result")
    func sbuildDoesNotFakeExecution() async throws {
        let data: JSONValue = ["input": ["source_artifact": 1], "environment": "debian/match:codename=sid"]
        let task = try KilnTasks.registry().makeExternalTask(
            type: .worker,
            name: "sbuild",
            taskData: data,
            dynamicData: [:]
        )
        await #expect(throws: TaskExecutionError.executionUnavailable(task: "sbuild")) {
            try await task.execute(in: RecordingContext())
        }
    }

    @Test("delay is due once delay_until ≤ now (Debusine `server/scheduler.py` `complete_wait_tasks`)")
    func delayDue() throws {
        let task = try DelayTask(taskData: ["delay_until": "2026-11-29T10:00:00.250+01:00"])
        #expect(task.delayUntil == Date(timeIntervalSince1970: 1_795_942_800.25))
        #expect(task.isDue(at: task.delayUntil))
        #expect(!task.isDue(at: task.delayUntil.addingTimeInterval(-1)))
    }

    @Test("every Kiln task is registered under its (type, name)")
    func registeredTasks() throws {
        #expect(
            try KilnTasks.registry().keys.map(\.description) == [
                "Internal:synchronization_point", "Server:aptmirror", "Server:copycollectionitems",
                "Server:create_child_workspace", "Server:generatesuiteindexes", "Server:packageupload",
                "Server:servernoop", "Signing:debsign", "Signing:generatekey",
                "Signing:noop", "Signing:sign", "Signing:signrepositoryindex", "Wait:confirm", "Wait:delay", "Wait:externaldebsign",
                "Worker:assemblesignedsource", "Worker:autopkgtest", "Worker:blhc", "Worker:debdiff",
                "Worker:extractforsigning", "Worker:lintian", "Worker:makesourcepackageupload", "Worker:mergeuploads",
                "Worker:mmdebstrap", "Worker:noop", "Worker:piuparts", "Worker:sbuild", "Worker:simplesystemimagebuild",
            ]
        )
        var registry = try KilnTasks.registry()
        #expect(throws: TaskRegistryError.duplicate(TaskRegistry.Key(type: .worker, name: "noop"))) {
            try KilnTasks.register(into: &registry)
        }
    }
}

private actor RecordingContext: TaskExecutionContext {
    nonisolated let workRequestID = 42
    private(set) var lines: [String] = []
    func log(_ line: String) async { lines.append(line) }
}
