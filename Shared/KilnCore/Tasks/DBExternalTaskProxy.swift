/// The proxy adapter mirroring a worker or signing `ExternalTask` into the `DBTask` side (§4.1; Debusine
/// generates `DBWorkerProxyTask`/`DBSigningProxyTask` subclasses named `DB<name>`).
///
/// It copies the wrapped task's name, type and version, chains the wrapped task's input fields after its own
/// (the task-configuration field), and combines both sides: subject/context come from the wrapped task,
/// tags are the union per provenance, dynamic data is the wrapped task's plus both containers' field values.
/// A proxy never executes.
public struct DBExternalTaskProxy<Wrapped: ExternalTask>: DBTask {
    /// The wrapped task's type, so the proxy is registered and tagged exactly as the task it mirrors.
    public static var taskType: TaskType { Wrapped.taskType }
    /// The wrapped task's name (Debusine names the generated class `DB<name>`, §4.1).
    public static var taskName: String { Wrapped.taskName }
    /// The wrapped task's version, so server-side required tags and worker-provided tags agree (§6.8 example 7).
    public static var taskVersion: Int { Wrapped.taskVersion }

    /// The submitted or configured task data, kept for field resolution.
    public let taskData: JSONValue
    /// The wrapped task's validated data.
    public let data: Wrapped.TaskData
    /// Both containers' fields (task configuration first): the proxy owns every value and saves them all (§4.6).
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

    /// The DBTask base tag plus the wrapped class's own (capabilities only where the host has them, §6.5).
    public static func getProvidedWorkerTags(host: WorkerHostCapabilities) -> Set<String> {
        baseProvidedWorkerTags().union(Wrapped.getProvidedWorkerTags(host: host))
    }

    /// Delegates to the wrapped task, which knows its subject and context; the proxy adds nothing (§5.3).
    public func getTaskConfigurationSubjectContext() throws -> TaskConfigurationSubjectContext {
        let task = wrapped
        return TaskConfigurationSubjectContext(
            subject: try task.getSubject(),
            context: try task.getConfigurationContext()
        )
    }

    /// The worker type and task version tags plus what the wrapped task requires (executor, arch, caps) (§6.6).
    public func computeSystemRequiredTags() throws -> Set<String> {
        baseSystemRequiredTags().union(try wrapped.computeSystemRequiredTags())
    }

    /// Whatever the wrapped task declares with `user` provenance; the proxy has none of its own (§6.3).
    public func getUserProvidedTags() throws -> Set<String> {
        try wrapped.getUserProvidedTags()
    }

    /// Scope, workspace and group tags plus the wrapped task's (`task:source-package:…`) (§6.6).
    public func computeSystemProvidedTags(for workRequest: WorkRequestTagContext) throws -> Set<String> {
        baseSystemProvidedTags(for: workRequest).union(try wrapped.computeSystemProvidedTags())
    }

    /// The wrapped task's dynamic data plus the saved values of both containers' fields, so the worker can
    /// restore everything without a database (§4.6, §4.9).
    public func computeDynamicData() throws -> TaskDynamicData {
        var dynamic = try wrapped.computeDynamicData()
        dynamic.saveFields(of: inputs)
        return dynamic
    }
}
