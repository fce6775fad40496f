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

    /// The type a task name is created as: without `requested`, the first of `types` that registers the name,
    /// as Debusine's API decides it from the name alone (test `test_post_non_worker_task_superuser` creates
    /// `servernoop`); with it, that type, which must be one of `types` and register the name. Anything else is
    /// refused with Debusine's error title and detail, listing every name that may be submitted.
    ///
    /// - Throws: `CLIError` with Debusine's message.
    static func resolve(name: String, requested: TaskType?, registry: TaskRegistry) throws(CLIError) -> TaskType {
        let candidates = requested.map { [$0] } ?? types
        if let type = candidates.first(where: { types.contains($0) && registry.registration(type: $0, name: name) != nil }) {
            return type
        }
        let names = types.flatMap { allowed in registry.keys.filter { $0.type == allowed }.map(\.name).sorted() }
        let what = requested.map { "\($0.rawValue) task" } ?? "task"
        throw CLIError(
            "cannot submit \(what) '\(name)': Cannot create work request: task name is not registered: "
                + "Task name: \"\(name)\". Registered task names: \(names.joined(separator: ", "))")
    }

    /// Task data the task's model refuses, worded as Debusine's API refuses it (`WorkRequestView.post`, test
    /// `test_post_work_request_invalid_task_data`: title `Cannot create work request`, detail
    /// `Task data: {…} Error: …`), after Kiln's prefix naming the task. The task data reads as the Python dict
    /// Debusine prints, its keys in `keyOrder` (as written) when known.
    static func invalidData(
        type: TaskType, name: String, taskData: JSONValue, keyOrder: JSONKeyOrder? = nil, error: any Error
    ) -> CLIError {
        CLIError(
            refusal(
                type: type, name: name, taskData: taskData.pythonRepr(keyOrder: keyOrder),
                error: (error as? TaskDataError)?.pythonExceptionRepr ?? "\(error)"))
    }

    /// A work request that could not start as submitted — its configuration, inputs or dynamic data fail
    /// (`WorkRequestCreationCheck`) — refused as Debusine's API refuses it, `Error: ` followed by the exception's
    /// repr (`NoSuchItemError("'12@artifacts' does not exist or is hidden")`). Kiln's own message, which names the
    /// field and the stage, follows on a second line so Debusine's text stays intact.
    static func cannotStart(
        type: TaskType, name: String, taskData: JSONValue, keyOrder: JSONKeyOrder? = nil,
        failure: WorkRequestPipelineError
    ) -> CLIError {
        CLIError(
            refusal(
                type: type, name: name, taskData: taskData.pythonRepr(keyOrder: keyOrder),
                error: failure.pythonExceptionRepr),
            context: "(it would fail with \(failure.code.rawValue): \(failure.message))")
    }

    private static func refusal(type: TaskType, name: String, taskData: String, error: String) -> String {
        "cannot submit \(type.rawValue) task '\(name)': Cannot create work request: Task data: \(taskData) Error: \(error)"
    }
}
