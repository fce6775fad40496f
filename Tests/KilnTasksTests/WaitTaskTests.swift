import KilnCore
import KilnTasks
import Testing

/// The Wait tasks Debusine's `server/tasks/wait/` registers besides `delay`: `confirm` and `externaldebsign`.
@Suite("confirm and externaldebsign follow Debusine")
struct WaitTaskTests {
    /// Debusine `server/tasks/wait/tests/test_confirm.py` and `test_external_debsign.py`: Wait tasks are not
    /// assignable, with no subject or context (`BaseWaitTask.get_task_configuration_subject_context`).
    @Test(
        "not assignable, no subject or context",
        arguments: [("confirm", JSONValue.object([:])), ("externaldebsign", JSONValue.object(["unsigned": 6]))])
    func tags(_ name: String, _ data: JSONValue) throws {
        let task = try resolvedDBTask(.wait, name, data)
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(tags.required.allTags == ["worker:type:not-assignable"])
        #expect(try task.getTaskConfigurationSubjectContext() == TaskConfigurationSubjectContext(subject: nil, context: nil))
    }

    /// Debusine `server/tasks/wait/models.py` `ConfirmData` (`deny_action` a `DenyAction`, default
    /// `abort-workflow`), `test_confirm.py` `test_no_additional_properties`, and `test_external_debsign.py`
    /// `test_compute_dynamic_data` (`unsigned_id`).
    @Test("confirm's deny_action and externaldebsign's unsigned_id")
    func data() throws {
        #expect(try ConfirmTask(taskData: [:]).denyAction == "abort-workflow")
        #expect(throws: TaskDataError.invalidValue(
            field: "deny_action", value: "explode", reason: "must be one of fail, abort, abort-workflow")
        ) { try ConfirmTask(taskData: ["deny_action": "explode"]) }
        #expect(throws: TaskDataError.unknownField("input")) { try ConfirmTask(taskData: ["input": [:]]) }
        let task = try resolvedDBTask(.wait, "externaldebsign", ["unsigned": 6], stage: .running)
        #expect(try task.computeDynamicData().extra == ["unsigned_id": 6])
    }
}
