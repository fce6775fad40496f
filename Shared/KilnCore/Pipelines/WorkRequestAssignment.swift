/// The lookup-resolver's work after the scheduler assigned a worker (§1.4 assign, §4.8, §4.9 step 5):
/// dynamic task data for the worker.
public enum WorkRequestAssignment {
    /// Instantiates the task from the CONFIGURED data, resolves `Stage.running` (which resolves every field,
    /// pending ones included, §4.3), calls `computeDynamicData()` and saves every field's value under
    /// `task_input_fields`.
    ///
    /// The values stored at the pending transition are not reused: like Debusine (§4.8), the dynamic data
    /// is recomputed and replaced as a whole, so an artifact removed since the work request became pending
    /// fails here rather than reaching a worker (§8 scenario 14).
    ///
    /// - Returns: the dynamic task data; its `json` is the stored §4.6 shape (the task's dynamic-data
    ///   members, unset ones left out, plus `task_input_fields`).
    /// - Throws: `WorkRequestPipelineError` with code `dynamic-data-failed` and the message
    ///   "Failed to compute dynamic data: <error>".
    public static func computeDynamicData<Resolver: LookupResolving>(
        registry: TaskRegistry,
        taskType: TaskType,
        taskName: String,
        configuredTaskData: JSONValue,
        lookups: Resolver,
        context: LookupContext,
        settings: InputResolutionSettings
    ) throws(WorkRequestPipelineError) -> TaskDynamicData {
        try WorkRequestPipelineError.computingDynamicData {
            var task = try registry.makeDBTask(type: taskType, name: taskName, taskData: configuredTaskData)
            try task.resolveInputs(stage: .running, lookups: lookups, context: context, settings: settings)
            var dynamic = try task.computeDynamicData()
            // DBTask.computeDynamicData already saves its fields; saving again makes the rule hold for any
            // implementation: every field value travels to the worker.
            dynamic.saveFields(of: task.inputs)
            return dynamic
        }
    }
}
