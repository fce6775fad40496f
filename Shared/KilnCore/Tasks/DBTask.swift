/// The facts about a work request that the DBTask base turns into system-provenance task-provided tags
/// (Debusine `db/tasks/base.py` `DBTask.compute_scheduler_tags`): where it runs and who created it. The caller
/// (tag-computer) reads them from the store.
public struct WorkRequestTagContext: Hashable, Sendable, Codable {
    /// The scope of the work request's workspace.
    public var scope: String
    /// The work request's workspace.
    public var workspace: String
    /// Every group the creator belongs to.
    public var creatorGroups: [CreatorGroup]

    /// Creator groups default to none, as for a work request created by the system.
    public init(scope: String, workspace: String, creatorGroups: [CreatorGroup] = []) {
        self.scope = scope
        self.workspace = workspace
        self.creatorGroups = creatorGroups
    }

    /// A group of the work request's creator: scope-level (`workspace == nil`) or workspace-level.
    public struct CreatorGroup: Hashable, Sendable, Codable {
        /// The group's scope.
        public var scope: String
        /// The group's workspace; nil for a scope-level group, which yields a shorter `task:group:` tag (Debusine
        /// `DBTask.compute_scheduler_tags`).
        public var workspace: String?
        /// The group's name.
        public var name: String

        /// A scope-level group unless `workspace` is given.
        public init(scope: String, workspace: String? = nil, name: String) {
            self.scope = scope
            self.workspace = workspace
            self.name = name
        }
    }
}

/// The subject and configuration context task configuration matches on (Debusine
/// `DBTask.get_task_configuration_subject_context`).
public struct TaskConfigurationSubjectContext: Hashable, Sendable, Codable {
    /// The subject (usually the source package name), nil when the task has none.
    public var subject: String?
    /// The configuration context (usually the environment codename), nil when the task has none.
    public var context: String?

    /// Either part may be nil: then only entries without that part match (Debusine
    /// `ConfigurationLookup.set_subject_context_constraints`).
    public init(subject: String?, context: String?) {
        self.subject = subject
        self.context = context
    }
}

/// The candidate task tag sets with provenances, before restrictions (Debusine `DBTask.compute_scheduler_tags`).
public struct SchedulerTagCandidates: Hashable, Sendable, Codable {
    /// Candidates for the task-provided set.
    public var provided: CandidateTags
    /// Candidates for the task-required set.
    public var required: CandidateTags

    /// Both sets start empty; the hooks add their tags with provenances.
    public init(provided: CandidateTags = CandidateTags(), required: CandidateTags = CandidateTags()) {
        self.provided = provided
        self.required = required
    }
}

/// The server-side view of every task (Debusine `db/tasks/base.py` `DBTask`): server, internal and wait tasks directly,
/// worker and signing tasks through `DBExternalTaskProxy`. It resolves input fields, gives task configuration its
/// subject and context, and computes the task's tag contributions.
public protocol DBTask: Sendable {
    /// The task type.
    static var taskType: TaskType { get }
    /// The registry name (lowercase).
    static var taskName: String { get }
    /// `TASK_VERSION`.
    static var taskVersion: Int { get }
    /// The fields this container declares itself; every DBTask has the task-configuration field.
    static var ownInputFields: [InputField] { get }
    /// Worker-provided tags this class contributes on a host that runs it (the Celery worker for server
    /// tasks, external/signing workers for proxies).
    static func getProvidedWorkerTags(host: WorkerHostCapabilities) -> Set<String>
    /// The task data's pydantic model as Debusine declares it: `init(taskData:)` checks it first, so refused data
    /// is reported with pydantic's text; nil for the tasks that do not declare one.
    static var dataModel: PydanticModel? { get }

    /// Builds the task from (unconfigured or configured) task data, validating it.
    init(taskData: JSONValue) throws

    /// The task data this view was built from.
    var taskData: JSONValue { get }
    /// All input fields (own, then a wrapped task's) and their values.
    var inputs: ResolvedInputs { get set }

    /// Subject and configuration context for task configuration; may rely only on `Stage.pending` fields.
    func getTaskConfigurationSubjectContext() throws -> TaskConfigurationSubjectContext
    /// Task-required tags with `system` provenance.
    func computeSystemRequiredTags() throws -> Set<String>
    /// Task-provided tags with `user` provenance.
    func getUserProvidedTags() throws -> Set<String>
    /// Task-provided tags with `system` provenance.
    func computeSystemProvidedTags(for workRequest: WorkRequestTagContext) throws -> Set<String>
    /// Dynamic data: empty plus the saved field values (proxies: the wrapped task's plus both containers').
    func computeDynamicData() throws -> TaskDynamicData
}

extension DBTask {
    /// No model: the task's own reading reports bad data.
    public static var dataModel: PydanticModel? { nil }

    /// Only `task_configuration`: every task can be configured, whatever else it reads (Debusine
    /// `DBTask.task_configuration`, a `db/tasks/inputs.py` `TaskConfigurationCollection`).
    public static var ownInputFields: [InputField] { [.taskConfiguration] }

    /// `worker:task:…` for dispatchable types (a Server task's tag is provided by the Celery worker);
    /// nothing for types no worker runs.
    public static func baseProvidedWorkerTags() -> Set<String> {
        guard taskType.dispatchWorkerType != nil else { return [] }
        return [TagOntology.workerTask(type: taskType, name: taskName, version: taskVersion)]
    }

    /// Just the base `worker:task:…` tag: server tasks need no host capability (Debusine
    /// `DBTask.get_provided_worker_tags`).
    public static func getProvidedWorkerTags(host: WorkerHostCapabilities) -> Set<String> {
        baseProvidedWorkerTags()
    }

    /// DBTask base required(system): the worker type tag and the task version tag, or
    /// `worker:type:not-assignable` for Internal, Workflow and Wait tasks (Debusine `DBTask.compute_scheduler_tags`).
    public func baseSystemRequiredTags() -> Set<String> {
        guard let workerType = Self.taskType.dispatchWorkerType else { return [TagOntology.notAssignable] }
        return [
            TagOntology.workerType(workerType),
            TagOntology.workerTask(type: Self.taskType, name: Self.taskName, version: Self.taskVersion),
        ]
    }

    /// DBTask base provided(system): scope, workspace, and one tag per creator group (Debusine
    /// `DBTask.compute_scheduler_tags`).
    public func baseSystemProvidedTags(for workRequest: WorkRequestTagContext) -> Set<String> {
        var tags: Set<String> = [
            TagOntology.taskScope(workRequest.scope),
            TagOntology.taskWorkspace(scope: workRequest.scope, workspace: workRequest.workspace),
        ]
        for group in workRequest.creatorGroups {
            tags.insert(TagOntology.taskGroup(scope: group.scope, workspace: group.workspace, group: group.name))
        }
        return tags
    }

    /// Neither subject nor context: server-side tasks have nothing to be configured by unless they say so.
    public func getTaskConfigurationSubjectContext() throws -> TaskConfigurationSubjectContext {
        TaskConfigurationSubjectContext(subject: nil, context: nil)
    }

    /// The base tags only (worker type and version, or not-assignable).
    public func computeSystemRequiredTags() throws -> Set<String> { baseSystemRequiredTags() }
    /// None: nothing contributes user-provenance tags yet (Debusine `tasks/tags.py` `ProvenanceProvided.USER`).
    public func getUserProvidedTags() throws -> Set<String> { [] }
    /// The base tags only: scope, workspace and creator groups.
    public func computeSystemProvidedTags(for workRequest: WorkRequestTagContext) throws -> Set<String> {
        baseSystemProvidedTags(for: workRequest)
    }

    /// Only the saved field values: server tasks have no legacy ids or summary to add (Debusine
    /// `DBTask.compute_dynamic_data`).
    public func computeDynamicData() throws -> TaskDynamicData {
        var dynamic = TaskDynamicData()
        dynamic.saveFields(of: inputs)
        return dynamic
    }

    /// The three instance hooks combined with their provenances, the way Debusine 0.16 `compute_scheduler_tags`
    /// returns them: provided = system ∪ user, required = system. Called with only stage-1 fields resolved.
    public func computeSchedulerTags(for workRequest: WorkRequestTagContext) throws -> SchedulerTagCandidates {
        var candidates = SchedulerTagCandidates()
        candidates.provided.add(.system, try computeSystemProvidedTags(for: workRequest))
        candidates.provided.add(.user, try getUserProvidedTags())
        candidates.required.add(.system, try computeSystemRequiredTags())
        return candidates
    }

    /// Resolves the fields due at `stage` (Debusine `DBTask.resolve_inputs`) from this task's data.
    ///
    /// - Throws: `TaskInputError.whileResolving` naming the failing field.
    public mutating func resolveInputs<Resolver: LookupResolving>(
        stage: Stage,
        lookups: Resolver,
        context: LookupContext,
        settings: InputResolutionSettings,
        keepingResolved: Bool = false
    ) throws(TaskInputError) {
        let request = InputResolutionRequest(
            taskData: taskData,
            taskName: Self.taskName,
            lookups: lookups,
            context: context,
            settings: settings
        )
        try inputs.resolve(stage: stage, with: request, keepingResolved: keepingResolved)
    }

    /// The resolved task-configuration collection, nil when the default one does not exist.
    public func taskConfigurationCollection() throws(TaskInputError) -> InputCollectionSingle? {
        try inputs.collection(InputField.taskConfigurationName)
    }

    /// Instance access to the static task type (for existentials).
    public var taskType: TaskType { Self.taskType }
    /// Instance access to the static task name (for existentials).
    public var taskName: String { Self.taskName }
    /// Instance access to the static task version (for existentials).
    public var taskVersion: Int { Self.taskVersion }
}
