import KilnCore

/// `synchronization_point` (Internal): a node of a workflow graph with no work of its own; the scheduler
/// completes it with success as soon as it is pending (Debusine `server/scheduler.py` `schedule_internal`). No worker
/// runs it: it requires `worker:type:not-assignable`.
public struct SynchronizationPointTask: DBTask {
    /// Internal: completed by the scheduler itself, never dispatched (Debusine `schedule_internal`).
    public static let taskType = TaskType.internal
    /// The registry name, as Debusine's `synchronization_point` task.
    public static let taskName = "synchronization_point"
    /// Version 1; no worker runs it, so it never forms a `worker:task:…` tag.
    public static let taskVersion = 1

    /// The data as submitted, kept so field resolution reads the same JSON the validation checked.
    public let taskData: JSONValue
    /// Only the DBTask's own `task_configuration` field: the node has no inputs.
    public var inputs: ResolvedInputs
    /// `task_configuration`, the only field its data may hold (step and display name live in workflow data).
    public let taskConfiguration: JSONValue?

    /// Accepts only `task_configuration`, so stray keys (that belong in workflow data) are refused.
    ///
    /// - Throws: `TaskDataError` naming an unknown field.
    public init(taskData: JSONValue) throws {
        var reader = try TaskDataReader(taskData)
        taskConfiguration = try reader.taskConfiguration()
        try reader.finish()
        self.taskData = taskData
        inputs = try ResolvedInputs(fields: Self.ownInputFields)
    }
}
