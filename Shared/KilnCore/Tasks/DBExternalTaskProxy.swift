/// The proxy adapter mirroring a worker or signing `ExternalTask` into the `DBTask` side (Debusine `db/tasks/base.py`
/// `DBProxyTask.populate_task_registry` generates `DBWorkerProxyTask`/`DBSigningProxyTask` subclasses named
/// `DB<name>`).
///
/// It copies the wrapped task's name, type and version, chains the wrapped task's input fields after its own
/// (the task-configuration field), and combines both sides: subject/context come from the wrapped task,
/// tags are the union per provenance, dynamic data is the wrapped task's plus both containers' field values.
/// A proxy never executes.
public struct DBExternalTaskProxy<Wrapped: ExternalTask>: DBTask {
    /// The wrapped task's type, so the proxy is registered and tagged exactly as the task it mirrors.
    public static var taskType: TaskType { Wrapped.taskType }
    /// The wrapped task's name (Debusine names the generated class `DB<name>`).
    public static var taskName: String { Wrapped.taskName }
    /// The wrapped task's version, so server-side required tags and worker-provided tags agree (`TASK_VERSION` is
    /// copied by `DBProxyTask.populate_task_registry`).
    public static var taskVersion: Int { Wrapped.taskVersion }
    /// The wrapped task's data model.
    public static var dataModel: PydanticModel? { Wrapped.dataModel }

    /// The submitted or configured task data, kept for field resolution.
    public let taskData: JSONValue
    /// The wrapped task's validated data.
    public let data: Wrapped.TaskData
    /// Both containers' fields (task configuration first): the proxy owns every value and saves them all (Debusine
    /// `DBProxyTask.compute_dynamic_data`).
    public var inputs: ResolvedInputs

    /// Validates the data with the wrapped task's rules at construction, so bad data is refused on submission.
    ///
    /// - Throws: `TaskDataError` when the data does not validate, `TaskInputError.duplicateField` when the
    ///   wrapped task redeclares a DBTask field.
    public init(taskData: JSONValue) throws {
        self.taskData = taskData
        self.data = try Wrapped.validateData(taskData)
        self.inputs = try ResolvedInputs(fields: Self.ownInputFields + Wrapped.inputFields)
    }

    /// The wrapped task, seeing every field resolved so far (it restores nothing itself: the proxy owns
    /// the values, as Debusine's `wrapped=True`).
    public var wrapped: Wrapped { Wrapped(data: data, inputs: inputs) }

    /// The DBTask base tag plus the wrapped class's own (capabilities only where the host has them; Debusine
    /// `DBProxyTask.get_provided_worker_tags`).
    public static func getProvidedWorkerTags(host: WorkerHostCapabilities) -> Set<String> {
        baseProvidedWorkerTags().union(Wrapped.getProvidedWorkerTags(host: host))
    }

    /// Delegates to the wrapped task, which knows its subject and context; the proxy adds nothing (Debusine
    /// `DBProxyTask.get_task_configuration_subject_context`).
    public func getTaskConfigurationSubjectContext() throws -> TaskConfigurationSubjectContext {
        let task = wrapped
        return TaskConfigurationSubjectContext(
            subject: try task.getSubject(),
            context: try task.getConfigurationContext()
        )
    }

    /// The worker type and task version tags plus what the wrapped task requires (executor, arch, caps) (Debusine
    /// `DBProxyTask.compute_scheduler_tags`).
    public func computeSystemRequiredTags() throws -> Set<String> {
        baseSystemRequiredTags().union(try wrapped.computeSystemRequiredTags())
    }

    /// Whatever the wrapped task declares with `user` provenance; the proxy has none of its own.
    public func getUserProvidedTags() throws -> Set<String> {
        try wrapped.getUserProvidedTags()
    }

    /// Scope, workspace and group tags plus the wrapped task's (`task:source-package:…`) (Debusine
    /// `DBProxyTask.compute_scheduler_tags`).
    public func computeSystemProvidedTags(for workRequest: WorkRequestTagContext) throws -> Set<String> {
        baseSystemProvidedTags(for: workRequest).union(try wrapped.computeSystemProvidedTags())
    }

    /// The wrapped task's dynamic data plus the saved values of both containers' fields, so the worker can
    /// restore everything without a database (Debusine `DBProxyTask.compute_dynamic_data`).
    public func computeDynamicData() throws -> TaskDynamicData {
        var dynamic = try wrapped.computeDynamicData()
        dynamic.saveFields(of: inputs)
        return dynamic
    }
}
