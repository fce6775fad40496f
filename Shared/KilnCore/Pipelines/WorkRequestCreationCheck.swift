/// What Debusine's work-request API runs before it keeps a directly created work request
/// (`server/views/work_requests.py` `WorkRequestViewSet.post`): it marks the new work request pending (which applies
/// task configuration: `WorkRequest.mark_pending`), resolves its inputs as for running (`resolve_inputs(Stage.RUNNING)`)
/// and computes its dynamic data; if any of these raises, the creation is refused and nothing is kept (tests
/// `server/views/tests/test_work_requests.py` `test_post_work_request_resolve_inputs_raise_exception`,
/// `test_post_work_request_compute_dynamic_data_failed`). Debusine's reason: otherwise the failure happens later, in
/// the scheduler, where the submitter does not see why.
///
/// Kiln's services still run these steps after the submission commits (the lookup-resolver, the tag-computer, the
/// assignment), and theirs stay the authoritative run: what they read may change between submission and
/// scheduling. This check runs the same pure steps once, in the submitting transaction, so that what would fail
/// there is refused at the door instead (deploy/docs/fidelity.md, "Architecture").
public enum WorkRequestCreationCheck {
    /// Runs the pending transition (its two steps, `PendingTransition.resolvePendingInputs` and `configure`: task
    /// configuration, as `mark_pending`), then resolves the remaining fields (the pending ones keep the values just
    /// resolved) and computes the dynamic data from the task data AS SUBMITTED, discarding the results: Debusine's
    /// view builds its task (`w.get_task()`) before `mark_pending()` configures the work request, so what
    /// configuration changes is not what it resolves.
    ///
    /// - Throws: the first `WorkRequestPipelineError` either step meets (`configure-failed` or
    ///   `dynamic-data-failed`).
    public static func run<Resolver: LookupResolving>(
        registry: TaskRegistry,
        taskType: TaskType,
        taskName: String,
        taskData: JSONValue,
        workRequest: WorkRequestTagContext,
        lookups: Resolver,
        context: LookupContext,
        settings: InputResolutionSettings
    ) throws(WorkRequestPipelineError) {
        // Internal tasks are neither configured nor resolved (`WorkRequest.mark_pending`); the API never creates them.
        guard taskType != .internal else { return }
        let (resolved, pending) = try PendingTransition.resolvedPendingTask(
            registry: registry, taskType: taskType, taskName: taskName, taskData: taskData, lookups: lookups,
            context: context, settings: settings)
        // What the tag-computer will read back from the stored record must read back here too.
        _ = try WorkRequestPipelineError.configuring {
            try ResolvedInputs.restoring(fields: resolved.inputs.fields, from: pending.asDynamicData)
        }
        _ = try PendingTransition.configure(
            pending, task: resolved, registry: registry, workRequest: workRequest, lookups: lookups, settings: settings)
        // `resolve_inputs(Stage.RUNNING)` of the same submitted data in the same transaction: the pending fields
        // would resolve to what they just did, so only the fields left are looked up (half the lookups of a check).
        try WorkRequestPipelineError.computingDynamicData {
            var task = resolved
            try task.resolveInputs(
                stage: .running, lookups: lookups, context: context, settings: settings, keepingResolved: true)
            _ = try task.computeDynamicData()
        }
    }
}

extension WorkRequestCreationCheck {
    /// Debusine's `WorkRequest.can_satisfy_dynamic_data`, which `_verify_retry` asks before a retry of a Worker or
    /// Signing task (`Task dependencies cannot be satisfied` otherwise; tests `test_verify_retry_if_lookups_fail`,
    /// `test_verify_retry_invalid_task_data`): whether the task built from the data it last ran with (the
    /// configured data, else the data as submitted) still builds, resolves its inputs for running and computes
    /// its dynamic data.
    public static func canSatisfyDynamicData<Resolver: LookupResolving>(
        registry: TaskRegistry,
        taskType: TaskType,
        taskName: String,
        taskData: JSONValue,
        lookups: Resolver,
        context: LookupContext,
        settings: InputResolutionSettings
    ) -> Bool {
        do {
            var task = try registry.makeDBTask(type: taskType, name: taskName, taskData: taskData)
            try task.resolveInputs(stage: .running, lookups: lookups, context: context, settings: settings)
            _ = try task.computeDynamicData()
            return true
        } catch {
            return false
        }
    }
}

extension WorkRequestPipelineError {
    /// The failure as Debusine's API prints it after `Error: ` (`WorkRequestViewSet.post`: `{exception!r}`, where a
    /// `TaskConfigError` raised from another exception is replaced by that cause).
    ///
    /// A lookup failure is the lookup's own exception, `NoSuchItemError(…)` (not found, a `KeyError`) or
    /// `LookupError(…)` (invalid), with Debusine's message. A configuration entry that does not validate is its
    /// pydantic `ValidationError`, whose repr is its text (the view prints a `TaskConfigError`'s original validation
    /// error instead of it), as is a dynamic-data model's refusal. Any other failure is written `TaskConfigError(…)` around Kiln's message: the Python
    /// class Debusine would name there depends on which of its functions raised, which Kiln does not track
    /// (deploy/docs/fidelity.md, "Messages").
    public var pythonExceptionRepr: String {
        if case .configuration(let error) = cause, let validation = error.originalError { return validation.description }
        if case .validation(let validation) = cause { return validation.description }
        if case .invalidTaskData(let error) = cause, case .notAMapping = error { return error.pythonExceptionRepr }
        switch lookupFailure {
        case .notFound(let message): return "NoSuchItemError(\(JSONValue.pythonStringRepr(message)))"
        case .invalid(let message): return "LookupError(\(JSONValue.pythonStringRepr(message)))"
        case nil: return "TaskConfigError(\(JSONValue.pythonStringRepr(cause.description)))"
        }
    }
}
