import KilnCore

/// `create_child_workspace` (Server): creates a workspace inheriting from the work request's (Debusine
/// `server/tasks/create_child_workspace.py` `CreateChildWorkspace`, `TASK_NAME = "create_child_workspace"`,
/// data `CreateChildWorkspaceData`).
///
/// Scheduled like every Server task; validated, configured and tagged, then pending (no Celery worker).
/// Subject and context come from its dynamic data in Debusine, which it does not override: both none.
public struct CreateChildWorkspaceTask: DBTask {
    /// Server: run by Debusine's Celery workers.
    public static let taskType = TaskType.server
    /// `TASK_NAME`, as Debusine's class sets it.
    public static let taskName = "create_child_workspace"
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1

    /// The data as submitted.
    public let taskData: JSONValue
    /// Only `task_configuration`.
    public var inputs: ResolvedInputs
    /// `prefix-suffix`: the child workspace's name (Debusine `get_child_workspace_name`).
    public let childWorkspaceName: String

    /// Validates `CreateChildWorkspaceData`: `prefix` a workspace name, `suffix` workspace-name characters,
    /// `public` (default true), `owner_group`, `workflow_template_names` (default none), `expiration_delay`
    /// (default 60 days).
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public init(taskData: JSONValue) throws {
        try Self.dataModel?.validateTaskData(taskData)
        var reader = try TaskDataReader(taskData)
        let prefix = try reader.string("prefix")
        let suffix = try reader.string("suffix")
        _ = try reader.bool("public", default: true)
        _ = try reader.optionalString("owner_group")
        _ = try reader.stringList("workflow_template_names")
        _ = try reader.optionalInt("expiration_delay")
        _ = try reader.taskConfiguration()
        try reader.finish()
        childWorkspaceName = "\(prefix)-\(suffix)"
        self.taskData = taskData
        inputs = try ResolvedInputs(fields: Self.ownInputFields)
    }
}
