import KilnCore

/// `synchronization_point` (Internal): a node of a workflow graph with no work of its own; the scheduler
/// completes it with success as soon as it is pending (§1.2). No worker runs it: it requires
/// `worker:type:not-assignable`.
public struct SynchronizationPointTask: DBTask {
    public static let taskType = TaskType.internal
    public static let taskName = "synchronization_point"
    public static let taskVersion = 1

    public let taskData: JSONValue
    public var inputs: ResolvedInputs
    /// `task_configuration`, the only field its data may hold (step and display name live in workflow data).
    public let taskConfiguration: JSONValue?

    public init(taskData: JSONValue) throws {
        var reader = try TaskDataReader(taskData)
        taskConfiguration = try reader.taskConfiguration()
        try reader.finish()
        self.taskData = taskData
        inputs = try ResolvedInputs(fields: Self.ownInputFields)
    }
}
