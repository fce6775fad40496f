import KilnCore

/// Which tasks `kiln submit` may create, as Debusine's work-request API decides it
/// (`server/views/work_requests.py` `WorkRequestView._validate_task_name`): Worker tasks, and Server tasks
/// for a superuser. Signing, Wait and Internal tasks are created only by workflows and the server itself,
/// never through the API.
///
/// `kiln` connects to the database directly, so whoever runs it is an administrator: it plays Debusine's
/// superuser and may create Server tasks.
enum SubmittableTasks {
    /// The task types, in the order Debusine tries them (and lists their names).
    static let types: [TaskType] = [.worker, .server]

    /// Refuses a task the API would not create — a type outside `types` or a name not registered for it —
    /// with Debusine's error title and detail, listing every name that may be submitted.
    ///
    /// - Throws: `CLIError` with Debusine's message.
    static func check(type: TaskType, name: String, registry: TaskRegistry) throws(CLIError) {
        guard !types.contains(type) || registry.registration(type: type, name: name) == nil else { return }
        let names = types.flatMap { allowed in registry.keys.filter { $0.type == allowed }.map(\.name).sorted() }
        throw CLIError(
            "cannot submit \(type.rawValue) task '\(name)': Cannot create work request: task name is not registered: "
                + "Task name: \"\(name)\". Registered task names: \(names.joined(separator: ", "))")
    }

    /// Task data the task's model refuses, worded as Debusine's API refuses it (`WorkRequestView.post`, test
    /// `test_post_work_request_invalid_task_data`: title `Cannot create work request`, detail
    /// `Task data: {…} Error: …`), after Kiln's prefix naming the task.
    static func invalidData(type: TaskType, name: String, taskData: JSONValue, error: any Error) -> CLIError {
        CLIError(refusal(type: type, name: name, taskData: taskData, error: "\(error)"))
    }

    /// A work request that could not start as submitted — its configuration, inputs or dynamic data fail
    /// (`WorkRequestCreationCheck`) — refused as Debusine's API refuses it, `Error: ` followed by the exception's
    /// repr (`NoSuchItemError("'12@artifacts' does not exist or is hidden")`). Kiln's own message, which names the
    /// field and the stage, follows on a second line so Debusine's text stays intact.
    static func cannotStart(
        type: TaskType, name: String, taskData: JSONValue, failure: WorkRequestPipelineError
    ) -> CLIError {
        CLIError(
            refusal(type: type, name: name, taskData: taskData, error: failure.pythonExceptionRepr),
            context: "(it would fail with \(failure.code.rawValue): \(failure.message))")
    }

    private static func refusal(type: TaskType, name: String, taskData: JSONValue, error: String) -> String {
        "cannot submit \(type.rawValue) task '\(name)': Cannot create work request: "
            + "Task data: \(taskData.pythonRepr) Error: \(error)"
    }
}
