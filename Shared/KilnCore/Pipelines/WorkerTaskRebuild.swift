/// The worker side (Debusine `worker/task_runner.py` `TaskRunner.setup_task`): the `ExternalTask` rebuilt from the
/// configured task data and the dynamic task data of the assignment, with NO resolver and NO store — field values are
/// restored only.
public enum WorkerTaskRebuild {
    /// Validates the configured data, restores every declared field from `task_input_fields`, and checks
    /// that none is missing (the server saves every field at assignment, so a gap means the dynamic data is
    /// not the assignment's and the task must not run half-informed).
    ///
    /// - Throws: `WorkerTaskRebuildError` naming the task and, for a missing value, the field.
    public static func rebuild(
        registry: TaskRegistry,
        taskType: TaskType,
        taskName: String,
        configuredTaskData: JSONValue,
        dynamicTaskData: JSONValue
    ) throws(WorkerTaskRebuildError) -> any ExternalTask {
        let key = TaskRegistry.Key(type: taskType, name: taskName)
        let task: any ExternalTask
        do {
            task = try registry.makeExternalTask(
                type: taskType,
                name: taskName,
                taskData: configuredTaskData,
                dynamicData: dynamicTaskData
            )
        } catch let error as TaskRegistryError {
            throw .unknownTask(error)
        } catch let error as TaskDataError {
            throw .invalidTaskData(task: key.description, error)
        } catch let error as TaskInputError {
            throw .badFieldValue(task: key.description, error)
        } catch {
            throw .other(task: key.description, String(describing: error))
        }
        if let missing = task.inputs.fields.first(where: { !task.inputs.isResolved($0.name) }) {
            throw .missingFieldValue(task: key.description, field: missing.name)
        }
        return task
    }
}

/// Why a worker cannot rebuild its task from an assignment.
public enum WorkerTaskRebuildError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The worker does not know this task (or it is not an external task).
    case unknownTask(TaskRegistryError)
    /// The configured task data does not validate.
    case invalidTaskData(task: String, TaskDataError)
    /// A saved field value does not fit its field.
    case badFieldValue(task: String, TaskInputError)
    /// `task_input_fields` lacks a declared field.
    case missingFieldValue(task: String, field: String)
    /// Anything else the task's constructor threw, described.
    case other(task: String, String)

    public var description: String {
        switch self {
        case .unknownTask(let error): "cannot run the assignment: \(error)"
        case .invalidTaskData(let task, let error): "cannot rebuild task \(task): \(error)"
        case .badFieldValue(let task, let error): "cannot rebuild task \(task): \(error)"
        case .missingFieldValue(let task, let field):
            "cannot rebuild task \(task): the dynamic task data has no value for input field '\(field)' "
                + "(task_input_fields.\(field)); the server saves every field when it assigns the work request"
        case .other(let task, let text): "cannot rebuild task \(task): \(text)"
        }
    }
}
