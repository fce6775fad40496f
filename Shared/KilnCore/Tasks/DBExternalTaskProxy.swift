/// The proxy adapter mirroring a worker or signing `ExternalTask` into the `DBTask` side (§4.1; Debusine
/// generates `DBWorkerProxyTask`/`DBSigningProxyTask` subclasses named `DB<name>`).
///
/// It copies the wrapped task's name, type and version, chains the wrapped task's input fields after its own
/// (the task-configuration field), and combines both sides: subject/context come from the wrapped task,
/// tags are the union per provenance, dynamic data is the wrapped task's plus both containers' field values.
/// A proxy never executes.
public struct DBExternalTaskProxy<Wrapped: ExternalTask>: DBTask {
    public static var taskType: TaskType { Wrapped.taskType }
    public static var taskName: String { Wrapped.taskName }
    public static var taskVersion: Int { Wrapped.taskVersion }

    public let taskData: JSONValue
    /// The wrapped task's validated data.
    public let data: Wrapped.TaskData
    public var inputs: ResolvedInputs

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

    public static func getProvidedWorkerTags(host: WorkerHostCapabilities) -> Set<String> {
        baseProvidedWorkerTags().union(Wrapped.getProvidedWorkerTags(host: host))
    }

    public func getTaskConfigurationSubjectContext() throws -> TaskConfigurationSubjectContext {
        let task = wrapped
        return TaskConfigurationSubjectContext(
            subject: try task.getSubject(),
            context: try task.getConfigurationContext()
        )
    }

    public func computeSystemRequiredTags() throws -> Set<String> {
        baseSystemRequiredTags().union(try wrapped.computeSystemRequiredTags())
    }

    public func getUserProvidedTags() throws -> Set<String> {
        try wrapped.getUserProvidedTags()
    }

    public func computeSystemProvidedTags(for workRequest: WorkRequestTagContext) throws -> Set<String> {
        baseSystemProvidedTags(for: workRequest).union(try wrapped.computeSystemProvidedTags())
    }

    public func computeDynamicData() throws -> TaskDynamicData {
        var dynamic = try wrapped.computeDynamicData()
        dynamic.saveFields(of: inputs)
        return dynamic
    }
}
