/// The lookup-resolver's work after the scheduler assigned a worker (Debusine `db/models/work_requests.py`
/// `WorkRequest.assign_worker` and `WorkRequest.compute_dynamic_data`): dynamic task data for the worker.
public enum WorkRequestAssignment {
    /// Instantiates the task from the CONFIGURED data, resolves `Stage.running` (which resolves every field,
    /// pending ones included: Debusine `TaskFieldContainer.iter_all_fields`), calls `computeDynamicData()` and saves
    /// every field's value under `task_input_fields`.
    ///
    /// The values stored at the pending transition are not reused: like Debusine (`WorkRequest.compute_dynamic_data`),
    /// the dynamic data is recomputed and replaced as a whole, so an artifact removed since the work request became
    /// pending fails here rather than reaching a worker (Debusine test `server/tests/test_scheduler.py`
    /// `test_with_failing_compute_dynamic_data`).
    ///
    /// Configured data that no longer builds the task (an override the task's model refuses) fails here, as
    /// Debusine's scheduler fails it (`_assign_work_request_to_worker` calls `get_task()` first; test
    /// `server/tests/test_scheduler.py` `test_with_failing_configure_call`): the pending transition, finding it cannot
    /// build the configured task, tagged the task as submitted and let the work request become pending.
    ///
    /// - Returns: the dynamic task data; its `json` is the shape Debusine stores (the task's dynamic-data
    ///   members, unset ones left out, plus `task_input_fields`).
    /// - Throws: `WorkRequestPipelineError` with code `configure-failed` ("Failed to configure: <error>") when
    ///   the configured data does not build the task, else `dynamic-data-failed` ("Failed to compute dynamic data:
    ///   <error>").
    public static func computeDynamicData<Resolver: LookupResolving>(
        registry: TaskRegistry,
        taskType: TaskType,
        taskName: String,
        configuredTaskData: JSONValue,
        lookups: Resolver,
        context: LookupContext,
        settings: InputResolutionSettings
    ) throws(WorkRequestPipelineError) -> TaskDynamicData {
        var task = try WorkRequestPipelineError.configuring {
            try registry.makeDBTask(type: taskType, name: taskName, taskData: configuredTaskData)
        }
        return try WorkRequestPipelineError.computingDynamicData {
            try task.resolveInputs(stage: .running, lookups: lookups, context: context, settings: settings)
            var dynamic = try task.computeDynamicData()
            // DBTask.computeDynamicData already saves its fields; saving again makes the rule hold for any
            // implementation: every field value travels to the worker.
            dynamic.saveFields(of: task.inputs)
            return dynamic
        }
    }
}
