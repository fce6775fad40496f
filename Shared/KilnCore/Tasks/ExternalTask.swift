/// A task that runs on an external or signing worker (Debusine's `tasks/_task.py` `BaseExternalTask`).
///
/// It never touches a store: it is built from configured task data plus resolved (or restored) input
/// fields, and everything it computes — subject, configuration context, dynamic data, tags — is a pure
/// function of those. The server sees it through `DBExternalTaskProxy`, which resolves its fields.
public protocol ExternalTask: Sendable {
    /// The validated task data model.
    associatedtype TaskData: Sendable

    /// The registry name (lowercase; matched case-insensitively).
    static var taskName: String { get }
    /// `.worker` or `.signing`.
    static var taskType: TaskType { get }
    /// `TASK_VERSION`: bumped when the worker side changes incompatibly; it forms the
    /// `worker:task:…:version:N` tag so version skew prevents a match (Debusine
    /// `BaseExternalTask.get_provided_worker_tags`, `DBTask.compute_scheduler_tags`).
    static var taskVersion: Int { get }
    /// The input fields the task reads (the proxy chains them after the DBTask's own fields).
    static var inputFields: [InputField] { get }

    /// Reads task data that `dataModel` accepted into the typed value, with the checks the model cannot express
    /// (`validateData` runs both).
    ///
    /// - Throws: `TaskDataError` naming the bad field and value.
    static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData
    /// The task data's pydantic model as Debusine declares it (`tasks/models.py`): what it refuses is reported
    /// with pydantic's text, before `readData` runs; nil for a task without one.
    static var dataModel: PydanticModel? { get }

    /// Builds the task from validated data and its (possibly partly) resolved input fields.
    init(data: TaskData, inputs: ResolvedInputs)

    /// The validated task data.
    var data: TaskData { get }
    /// The input fields, resolved server side or restored worker side.
    var inputs: ResolvedInputs { get }

    /// The subject for task configuration (usually the source package name); may read only
    /// `Stage.pending` fields.
    func getSubject() throws -> String?
    /// The configuration context (usually the environment's codename); may read only `Stage.pending` fields.
    func getConfigurationContext() throws -> String?
    /// Dynamic data; takes no arguments and may read only resolved fields and `data`.
    func computeDynamicData() throws -> TaskDynamicData

    /// Worker-provided tags this task class contributes on a host (runs on the worker; Debusine
    /// `BaseExternalTask.get_provided_worker_tags`): `worker:task:…` plus capability tags for what the host really has.
    static func getProvidedWorkerTags(host: WorkerHostCapabilities) -> Set<String>
    /// Task-required tags with `system` provenance (executor, build architecture, capabilities).
    func computeSystemRequiredTags() throws -> Set<String>
    /// Task-provided tags with `user` provenance (nothing contributes these yet: Debusine `tasks/tags.py`
    /// `ProvenanceProvided.USER`).
    func getUserProvidedTags() throws -> Set<String>
    /// Task-provided tags with `system` provenance (`task:source-package:…`).
    func computeSystemProvidedTags() throws -> Set<String>

    /// Runs the task on the worker.
    func execute(in context: some TaskExecutionContext) async throws -> TaskOutcome
}

extension ExternalTask {
    /// No model: `readData` alone reports bad data.
    public static var dataModel: PydanticModel? { nil }

    /// Validates task data: the data model first, so refused data is reported as Debusine reports it, then the
    /// task's own reading.
    ///
    /// - Throws: `TaskDataError.model` with pydantic's failures, or the reading's `TaskDataError`.
    public static func validateData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        try dataModel?.validateTaskData(json)
        return try readData(json)
    }

    /// `worker:task:<type>:<name>:version:<N>`: what a worker that has this class provides, and what a work
    /// request of this class requires.
    public static var workerTaskTag: String {
        TagOntology.workerTask(type: taskType, name: taskName, version: taskVersion)
    }

    /// The base contribution every external task class makes to worker-provided tags.
    public static func baseProvidedWorkerTags() -> Set<String> { [workerTaskTag] }

    /// Just `worker:task:…`; tasks that need a host tool add their `worker:cap:` tag (e.g. Debusine `tasks/sbuild.py`
    /// `Sbuild.get_provided_worker_tags`).
    public static func getProvidedWorkerTags(host: WorkerHostCapabilities) -> Set<String> {
        baseProvidedWorkerTags()
    }

    /// None by default: only tasks run in an environment have a codename to offer (Debusine
    /// `BaseExternalTask.get_configuration_context`).
    public func getConfigurationContext() throws -> String? { nil }
    /// None by default; the proxy still adds the worker type and version tags (Debusine
    /// `BaseExternalTask.compute_scheduler_tags`).
    public func computeSystemRequiredTags() throws -> Set<String> { [] }
    /// None: nothing contributes user-provenance tags yet.
    public func getUserProvidedTags() throws -> Set<String> { [] }
    /// None by default: tasks without a source package provide no `task:source-package:` tag.
    public func computeSystemProvidedTags() throws -> Set<String> { [] }
    /// Empty by default; the proxy still saves the field values (Debusine `BaseExternalTask.compute_dynamic_data`,
    /// `DBProxyTask.compute_dynamic_data`).
    public func computeDynamicData() throws -> TaskDynamicData { TaskDynamicData() }

    /// Tasks whose execution pipeline Kiln does not ship say so instead of pretending to run.
    public func execute(in context: some TaskExecutionContext) async throws -> TaskOutcome {
        throw TaskExecutionError.executionUnavailable(task: Self.taskName)
    }

    /// Rebuilds the task on the worker from configured task data and dynamic data (Debusine `worker/task_runner.py`
    /// `TaskRunner.setup_task`): the data is validated, field values restored; no resolver, no store.
    ///
    /// - Throws: `TaskDataError` for bad data, `TaskInputError` for a bad saved field value.
    public static func make(taskData: JSONValue, dynamicData: JSONValue) throws -> Self {
        let data = try validateData(taskData)
        let inputs = try ResolvedInputs.restoring(fields: inputFields, from: dynamicData)
        return Self(data: data, inputs: inputs)
    }

    /// Instance access to the static task name (for existentials).
    public var taskName: String { Self.taskName }
    /// Instance access to the static task type (for existentials).
    public var taskType: TaskType { Self.taskType }
}
