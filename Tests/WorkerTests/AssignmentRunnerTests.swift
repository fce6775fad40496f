import KilnCore
import KilnTasks
import Logging
import Testing

@testable import KilnWorker

/// What a run that cannot start reports: Debusine's worker's codes and messages (`worker/task_runner.py`
/// `TaskRunner.setup_task`, `execute`; `worker/tests/test_task_runner.py`), and no runtime statistics.
struct AssignmentRunnerTests {
    static func run(_ type: TaskType, _ name: String, data: JSONValue, on workerType: WorkerType = .external) async throws
        -> WorkerResult
    {
        let runner = AssignmentRunner(registry: try KilnTasks.registry(), workerType: workerType, token: "t")
        let assignment = WorkAssignment(
            workRequestID: 7, epoch: 1, taskType: type, taskName: name, taskData: data,
            dynamicTaskData: ["task_input_fields": [:]], workspace: "System", scope: "debusine")
        return try #require(await runner.run(assignment, logger: Logger(label: "test")))
    }

    static func error(_ result: WorkerResult) -> (code: String?, message: String?) {
        let first = result.outputData?["errors"]?.arrayValue?.first?.objectValue
        return (first?["code"]?.stringValue, first?["message"]?.stringValue)
    }

    @Test("a task of another type: wrong-task-type, `Task: NAME is of type TYPE, not EXPECTED`")
    func wrongTaskType() async throws {
        let onSigning = try await Self.run(.worker, "noop", data: ["result": "success"], on: .signing)
        #expect(onSigning.result == "error")
        #expect(Self.error(onSigning) == ("wrong-task-type", "Task: noop is of type Worker, not Signing"))
        #expect(onSigning.outputData?["runtime_statistics"] == nil)
        let onExternal = try await Self.run(.signing, "debsign", data: [:])
        #expect(Self.error(onExternal) == ("wrong-task-type", "Task: debsign is of type Signing, not Worker"))
    }

    @Test("a task not registered: setup-failed with class_from_name's ValueError")
    func unknownTask() async throws {
        let result = try await Self.run(.worker, "Nope", data: [:])
        #expect(Self.error(result) == ("setup-failed", "Task: Nope Error setup: 'nope' is not a registered Worker task_name"))
        #expect(result.outputData?["runtime_statistics"] == nil)
    }

    @Test("data the model refuses: configure-failed with pydantic's text")
    func badData() async throws {
        let result = try await Self.run(.worker, "noop", data: ["colour": "red"])
        #expect(result.result == "error")
        let (code, message) = Self.error(result)
        #expect(code == "configure-failed")
        #expect(message?.hasPrefix("Task: noop Error configure: 1 validation error for NoopData\ncolour\n") == true, "\(message ?? "")")
        #expect(result.outputData?["runtime_statistics"] == nil)
    }

    @Test("a task that ran reports its result and statistics, no error")
    func ran() async throws {
        let result = try await Self.run(.worker, "noop", data: ["result": "failure"])
        #expect(result.result == "failure" && result.outputData?["errors"] == nil)
        #expect(result.outputData?["runtime_statistics"]?.objectValue?["duration_run"] != nil)
    }
}
