/// Unblocking a work request (Debusine `db/models/work_requests.py` `WorkRequest.mark_pending`, which resolves the
/// pending-stage inputs and calls `db/tasks/base.py` `DBTask.apply_task_configuration`), as two steps a service can run
/// separately:
///
/// 1. `resolvePendingInputs` (lookup-resolver): build the DBTask view from the submitted task data and
///    resolve its `Stage.pending` fields, including `task_configuration` (a missing DEFAULT collection
///    means "no configuration"). Output: `ResolvedPendingInputs`, serialisable.
/// 2. `configure` (tag-computer): restore those values, take subject/context and the EARLY tag sets, load
///    the configuration entries, run `TaskConfigurator`, rebuild the task from the CONFIGURED data
///    (resolving the pending fields again only when configuration changed a key they read), and compute
///    the FINAL tag sets: workspace-provenance configuration tags plus the task's own candidates, through
///    the provenance restrictions (a configuration cannot forge `task:scope:…`; the drop is audited). When
///    the configured data does not build its task, the task as submitted is tagged instead and the failure is
///    left to the assignment, as in Debusine (`configuredTask`).
///
/// `run` does both. Every failure is a `WorkRequestPipelineError` with code `configure-failed` and a
/// message starting "Failed to configure: " (Debusine `WorkRequest.record_configuration_error`). Callers skip Internal
/// tasks, which Debusine neither configures nor tags (`WorkRequest.mark_pending`).
public enum PendingTransition {
    /// Step 1: resolve the `Stage.pending` fields of the submitted task data.
    ///
    /// - Throws: `WorkRequestPipelineError` (`configure-failed`): unknown task, invalid task data, or a
    ///   pending field that cannot be resolved (a missing non-default configuration collection included;
    ///   `lookupFailure` keeps "not found" apart from "invalid").
    public static func resolvePendingInputs<Resolver: LookupResolving>(
        registry: TaskRegistry,
        taskType: TaskType,
        taskName: String,
        taskData: JSONValue,
        lookups: Resolver,
        context: LookupContext,
        settings: InputResolutionSettings
    ) throws(WorkRequestPipelineError) -> ResolvedPendingInputs {
        try resolvedPendingTask(
            registry: registry, taskType: taskType, taskName: taskName, taskData: taskData, lookups: lookups,
            context: context, settings: settings
        ).pending
    }

    /// Step 1, also giving the task it resolved, for a caller that goes on in the same process
    /// (`WorkRequestCreationCheck`) instead of rebuilding it from the serialised values.
    public static func resolvedPendingTask<Resolver: LookupResolving>(
        registry: TaskRegistry,
        taskType: TaskType,
        taskName: String,
        taskData: JSONValue,
        lookups: Resolver,
        context: LookupContext,
        settings: InputResolutionSettings
    ) throws(WorkRequestPipelineError) -> (task: any DBTask, pending: ResolvedPendingInputs) {
        try WorkRequestPipelineError.configuring {
            var task = try registry.makeDBTask(type: taskType, name: taskName, taskData: taskData)
            try task.resolveInputs(stage: .pending, lookups: lookups, context: context, settings: settings)
            let pending = ResolvedPendingInputs(
                taskType: taskType,
                taskName: task.taskName,
                taskData: taskData,
                lookupContext: context,
                pendingFieldValues: task.inputs.savedFieldValues
            )
            return (task, pending)
        }
    }

    /// Step 2: configuration and the final tag sets, from step 1's output.
    ///
    /// - Parameters:
    ///   - workRequest: the facts behind the system task-provided tags (scope, workspace, creator groups).
    ///   - lookups: used to load the configuration entries and, only when configuration changed a key a
    ///     pending field reads, to resolve the pending fields again from the configured data.
    ///   - settings: the server settings (fallback architecture) for that re-resolution.
    /// - Throws: `WorkRequestPipelineError` (`configure-failed`).
    public static func configure<Resolver: LookupResolving>(
        _ pending: ResolvedPendingInputs,
        registry: TaskRegistry,
        workRequest: WorkRequestTagContext,
        lookups: Resolver,
        settings: InputResolutionSettings
    ) throws(WorkRequestPipelineError) -> PendingTransitionResult {
        let task = try WorkRequestPipelineError.configuring { try restoredTask(pending, registry: registry) }
        return try configure(
            pending, task: task, registry: registry, workRequest: workRequest, lookups: lookups, settings: settings)
    }

    /// Step 2 with the task of step 1 already at hand (its pending values restored or just resolved).
    public static func configure<Resolver: LookupResolving>(
        _ pending: ResolvedPendingInputs,
        task: any DBTask,
        registry: TaskRegistry,
        workRequest: WorkRequestTagContext,
        lookups: Resolver,
        settings: InputResolutionSettings
    ) throws(WorkRequestPipelineError) -> PendingTransitionResult {
        try WorkRequestPipelineError.configuring {
            let subjectContext = try task.getTaskConfigurationSubjectContext()
            let earlyCandidates = try task.computeSchedulerTags(for: workRequest)
            let early = TaskTagComputation.earlySets(
                provided: earlyCandidates.provided,
                required: earlyCandidates.required
            )
            guard let collection = try task.taskConfigurationCollection() else {
                // No configuration collection: configured data is the submitted data, the tags the early ones.
                return PendingTransitionResult(
                    configuredTaskData: pending.taskData,
                    pendingStageValues: TaskDynamicData(taskInputFields: task.inputs.savedFieldValues).json,
                    tags: early,
                    appliedConfigurationEntries: [],
                    subjectContext: subjectContext,
                    configurationCollectionID: nil
                )
            }

            let items = try TaskConfigurationEntries.load(
                collectionID: collection.collectionID,
                lookups: lookups,
                context: pending.lookupContext
            )
            let configured = try TaskConfigurator.configure(
                TaskConfigurationRequest(
                    query: TaskConfigurationQuery(
                        taskType: task.taskType,
                        taskName: task.taskName,
                        subject: subjectContext.subject,
                        context: subjectContext.context,
                        earlyProvided: early.provided.set,
                        earlyRequired: early.required.set
                    ),
                    items: items,
                    collectionID: collection.collectionID,
                    taskData: pending.taskData
                )
            )

            // Configuration that left the data as it was leaves the task as it was resolved.
            var tagged = (task: task, candidates: earlyCandidates)
            var configuredTaskFailure: String?
            if configured.taskData != pending.taskData {
                do {
                    tagged = try configuredTask(
                        pending, configuredData: configured.taskData, submitted: task, registry: registry,
                        workRequest: workRequest, lookups: lookups, settings: settings)
                } catch {
                    // Kept for the log. A database fault met here is the caller's to rethrow: it checks its
                    // `FaultRecordingLookupStore` after a successful return too (the tag-computer, the creation check).
                    configuredTaskFailure = PipelineFailureCause(error).description
                }
            }
            let tags = TaskTagComputation.finalSets(
                provided: tagged.candidates.provided,
                required: tagged.candidates.required,
                configurationProvides: configured.provideTags,
                configurationRequires: configured.requireTags
            )
            return PendingTransitionResult(
                configuredTaskData: configured.taskData,
                pendingStageValues: TaskDynamicData(taskInputFields: tagged.task.inputs.savedFieldValues).json,
                tags: tags,
                appliedConfigurationEntries: configured.appliedEntries,
                subjectContext: subjectContext,
                configurationCollectionID: collection.collectionID,
                configuredTaskFailure: configuredTaskFailure
            )
        }
    }

    /// Both steps in one go (the CLI's `explain`, tests, a single-process deployment).
    ///
    /// - Throws: `WorkRequestPipelineError` (`configure-failed`).
    public static func run<Resolver: LookupResolving>(
        registry: TaskRegistry,
        taskType: TaskType,
        taskName: String,
        taskData: JSONValue,
        workRequest: WorkRequestTagContext,
        lookups: Resolver,
        context: LookupContext,
        settings: InputResolutionSettings
    ) throws(WorkRequestPipelineError) -> PendingTransitionResult {
        let pending = try resolvePendingInputs(
            registry: registry,
            taskType: taskType,
            taskName: taskName,
            taskData: taskData,
            lookups: lookups,
            context: context,
            settings: settings
        )
        return try configure(
            pending,
            registry: registry,
            workRequest: workRequest,
            lookups: lookups,
            settings: settings
        )
    }

    /// The task the configured data builds, its pending fields resolved (again only when configuration changed a
    /// key they read), and its tag candidates: what Kiln tags a configured work request by, so that the tags
    /// describe what the worker will run (deploy/docs/fidelity.md, "Task configuration").
    ///
    /// Debusine builds no task from the configured data before a worker asks for it (`DBTask.apply_task_configuration`
    /// tags the task as submitted; `server/scheduler.py` `_assign_work_request_to_worker` builds the configured one and
    /// fails the work request `configure-failed` when it does not validate, test `test_with_failing_configure_call`).
    /// So when this throws, the caller tags the task as submitted and lets the assignment fail as Debusine's does
    /// (`WorkRequestAssignment`): the work request is accepted and becomes pending, as in Debusine.
    static func configuredTask<Resolver: LookupResolving>(
        _ pending: ResolvedPendingInputs,
        configuredData: JSONValue,
        submitted: any DBTask,
        registry: TaskRegistry,
        workRequest: WorkRequestTagContext,
        lookups: Resolver,
        settings: InputResolutionSettings
    ) throws -> (task: any DBTask, candidates: SchedulerTagCandidates) {
        var task = try registry.makeDBTask(type: pending.taskType, name: pending.taskName, taskData: configuredData)
        if PendingFieldDependencies.configurationChangesPendingInputs(
            fields: task.inputs.fields,
            submitted: pending.taskData,
            configured: configuredData
        ) {
            try task.resolveInputs(stage: .pending, lookups: lookups, context: pending.lookupContext, settings: settings)
        } else {
            task.inputs = submitted.inputs
        }
        return (task, try task.computeSchedulerTags(for: workRequest))
    }

    /// The DBTask view of the submitted data with the pending values restored (no lookups); every pending
    /// field must have a value, or the intermediate record is incomplete.
    static func restoredTask(_ pending: ResolvedPendingInputs, registry: TaskRegistry) throws -> any DBTask {
        var task = try registry.makeDBTask(type: pending.taskType, name: pending.taskName, taskData: pending.taskData)
        let restored = try ResolvedInputs.restoring(fields: task.inputs.fields, from: pending.asDynamicData)
        for field in restored.fields where field.stage == .pending && !restored.isResolved(field.name) {
            throw TaskInputError.badSavedValue(
                field: field.name,
                reason: "the resolved pending inputs hold no value for this Stage.pending field"
            )
        }
        task.inputs = restored
        return task
    }
}
