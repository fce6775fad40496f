import KilnCore
import KilnTasks
import Testing

/// `noop` and `servernoop` data as Debusine's models define them: `result` is a `WorkRequestResults`
/// string, and noop accepts the executor fields of `BaseTaskDataWithExecutor`.
@Suite("noop and servernoop data follow Debusine's NoopData and ServerNoopData")
struct NoopTaskTests {
    /// Debusine `tasks/tests/test_noop.py` `test_execute_true` / `test_execute_false`: `configure_task` with
    /// `{"result": WorkRequestResults.SUCCESS}` (the string `success`) validates and is reported as-is.
    @Test("noop takes result as a work-request result string", arguments: WorkRequestResult.allCases)
    func noopResultStrings(_ result: WorkRequestResult) throws {
        let data = try NoopTask.validateData(["result": .string(result.rawValue)])
        #expect(data.result == result)
    }

    /// Debusine `tasks/models.py` `NoopData.result` defaults to `WorkRequestResults.SUCCESS`.
    @Test("noop's result defaults to success")
    func noopDefault() throws {
        #expect(try NoopTask.validateData([:]).result == .success)
    }

    /// Debusine `tasks/models.py` `NoopData(BaseTaskDataWithExecutor)`: `backend`, `environment` and
    /// `build_architecture` are fields of the model, so Debusine accepts them; they give noop no input field
    /// and no tag (`test_noop.py` `test_compute_scheduler_tags` asserts the base tags only).
    @Test("noop accepts and ignores backend, environment and build_architecture")
    func noopExecutorFields() throws {
        let data: JSONValue = [
            "result": "success", "backend": "unshare", "environment": "debian/match:codename=sid",
            "build_architecture": "arm64",
        ]
        let validated = try NoopTask.validateData(data)
        #expect(validated.executor.backend == .unshare && validated.executor.buildArchitecture == "arm64")
        let task = try resolvedDBTask(.worker, "noop", data)
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(tags.required.allTags == ["worker:type:external", "worker:task:worker:noop:version:1"])
        #expect(Set(task.inputs.fields.map(\.name)) == [InputField.taskConfigurationName])
        expectTaskDataRefusal(
            """
            1 validation error for NoopData
            backend
              Input should be 'auto', 'unshare', 'incus-lxc', 'incus-vm' or 'qemu' [type=enum, input_value='docker', \
            input_type=str]
            """
        ) { _ = try NoopTask.validateData(["backend": "docker"]) }
    }

    /// Debusine `tasks/tests/test_noop.py` `test_no_additional_properties`: `{"input": {}}` is refused.
    @Test("noop refuses fields its model lacks")
    func noopExtraInputs() throws {
        expectTaskDataRefusal(
            """
            1 validation error for NoopData
            input
              Extra inputs are not permitted [type=extra_forbidden, input_value={}, input_type=dict]
            """
        ) { _ = try NoopTask.validateData(["input": [:]]) }
    }

    /// Debusine `server/tasks/models.py` `ServerNoopData.result`: a `WorkRequestResults` defaulting to
    /// `FAILURE` (`server/tasks/tests/test_noop.py` configures `{"result": WorkRequestResults.SUCCESS}`).
    @Test("servernoop's result is a work-request result string defaulting to failure")
    func serverNoopResult() throws {
        #expect(try ServerNoopTask(taskData: [:]).data.result == .failure)
        #expect(try ServerNoopTask(taskData: ["result": "success"]).data.result == .success)
        #expect(try ServerNoopTask(taskData: ["result": "skipped", "exception": true]).data.exception)
        expectTaskDataRefusal(
            """
            1 validation error for ServerNoopData
            result
              Input should be '', 'success', 'failure', 'temporary failure', 'error' or 'skipped' [type=enum, \
            input_value=False, input_type=bool]
            """
        ) { _ = try ServerNoopTask(taskData: ["result": false]) }
    }
}
