import KilnCore

/// `confirm` (Wait): holds a workflow until a person confirms or denies it (Debusine
/// `server/tasks/wait/confirm.py` `Confirm`, data `server/tasks/wait/models.py` `ConfirmData`).
///
/// Like every Wait task it requires `worker:type:not-assignable`: the scheduler marks it running, and it
/// then waits for a person (`InternalWorkDecision`).
public struct ConfirmTask: DBTask {
    /// Wait: no worker runs it.
    public static let taskType = TaskType.wait
    /// The registry name, as Debusine's `Confirm` class.
    public static let taskName = "confirm"
    /// Version 1; no worker runs it, so it never forms a `worker:task:…` tag.
    public static let taskVersion = 1

    /// The data as submitted.
    public let taskData: JSONValue
    /// Only `task_configuration`.
    public var inputs: ResolvedInputs
    /// `deny_action`: what denying does (`fail`, `abort`, default `abort-workflow`).
    public let denyAction: String

    /// Validates `ConfirmData`: `auto_confirm_if_no_failure` (default false), `deny_action`,
    /// `confirm_label` (default "Continue the workflow"), `deny_label` (default "Abort the workflow").
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public init(taskData: JSONValue) throws {
        var reader = try TaskDataReader(taskData)
        _ = try reader.bool("auto_confirm_if_no_failure", default: false)
        denyAction = try reader.choice("deny_action", from: ["fail", "abort", "abort-workflow"], default: "abort-workflow")
        _ = try reader.optionalString("confirm_label")
        _ = try reader.optionalString("deny_label")
        _ = try reader.taskConfiguration()
        try reader.finish()
        self.taskData = taskData
        inputs = try ResolvedInputs(fields: Self.ownInputFields)
    }
}
