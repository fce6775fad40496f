/// What the lookup-resolver hands the tag-computer when a work request is unblocked (Debusine
/// `WorkRequest.apply_task_configuration` resolving `Stage.PENDING`): the submitted task data and the saved values of
/// its `Stage.pending` input fields.
///
/// With it the tag-computer rebuilds the DBTask view by RESTORING those values (no lookups) and computes
/// subject, context and early tags from them. The tag-computer still needs a resolver for two things only:
/// loading the configuration collection's entries, and — when configuration changed a task-data key that a
/// pending field reads (e.g. `environment`, `build_architecture`, `backend`) — resolving the pending fields
/// again from the configured data, because the configured data then names different lookups. When
/// configuration only touches other keys (build profiles, components, …) the restored values are reused.
///
/// Stored as JSON (Codable, snake_case keys) in the work request's pending-transition record.
public struct ResolvedPendingInputs: Hashable, Sendable, Codable {
    /// The task type.
    public var taskType: TaskType
    /// The registry name of the task.
    public var taskName: String
    /// The task data as submitted (`task_data`).
    public var taskData: JSONValue
    /// Where the work request's lookups run (creator, workspace, workflow root).
    public var lookupContext: LookupContext
    /// The saved values of every `Stage.pending` field, by field name (the `task_input_fields` form). The
    /// `task_configuration` value among them names the configuration collection (null: none applies).
    public var pendingFieldValues: [String: JSONValue]

    /// Memberwise: the lookup-resolver builds it after the `Stage.pending` pass and hands it to the tag-computer.
    public init(
        taskType: TaskType,
        taskName: String,
        taskData: JSONValue,
        lookupContext: LookupContext,
        pendingFieldValues: [String: JSONValue]
    ) {
        self.taskType = taskType
        self.taskName = taskName
        self.taskData = taskData
        self.lookupContext = lookupContext
        self.pendingFieldValues = pendingFieldValues
    }

    enum CodingKeys: String, CodingKey {
        case taskType = "task_type"
        case taskName = "task_name"
        case taskData = "task_data"
        case lookupContext = "lookup_context"
        case pendingFieldValues = "pending_field_values"
    }

    /// The pending values in dynamic-task-data form, ready for `ResolvedInputs.restoring(fields:from:)`.
    var asDynamicData: JSONValue { [ResolvedInputs.dynamicDataKey: .object(pendingFieldValues)] }
}

/// Everything unblocking a work request decided (Debusine `WorkRequest.mark_pending`), ready to store with the PENDING
/// status.
public struct PendingTransitionResult: Hashable, Sendable, Codable {
    /// `configured_task_data`: the task data after configuration, with `task_configuration` set to the
    /// collection id when a collection applied; the submitted data unchanged when there was none.
    public var configuredTaskData: JSONValue
    /// The `Stage.pending` fields' values, resolved from the configured data (from the submitted data when the
    /// configured data does not build its task), in dynamic-data form
    /// (`{"task_input_fields": {…}}`): stored as the work request's pending-stage data (the assignment's
    /// dynamic data is computed afresh, `WorkRequestAssignment`).
    public var pendingStageValues: JSONValue
    /// TP and TR, sorted, each with its audit trail (workspace provenance for configuration tags).
    public var tags: TaskTagSets
    /// Item names of the applied configuration entries, templates included, in application order.
    public var appliedConfigurationEntries: [String]
    /// Subject and configuration context the configuration was matched on.
    public var subjectContext: TaskConfigurationSubjectContext
    /// The configuration collection that applied, if any.
    public var configurationCollectionID: Int?
    /// Why the configured data did not build its task, when it did not: the task as submitted was tagged instead,
    /// and the assignment will fail the work request (`PendingTransition.configuredTask`). For the log.
    public var configuredTaskFailure: String?

    /// Memberwise: everything the tag-computer writes in the work request's PENDING transition.
    public init(
        configuredTaskData: JSONValue,
        pendingStageValues: JSONValue,
        tags: TaskTagSets,
        appliedConfigurationEntries: [String],
        subjectContext: TaskConfigurationSubjectContext,
        configurationCollectionID: Int?,
        configuredTaskFailure: String? = nil
    ) {
        self.configuredTaskData = configuredTaskData
        self.pendingStageValues = pendingStageValues
        self.tags = tags
        self.appliedConfigurationEntries = appliedConfigurationEntries
        self.subjectContext = subjectContext
        self.configurationCollectionID = configurationCollectionID
        self.configuredTaskFailure = configuredTaskFailure
    }

    enum CodingKeys: String, CodingKey {
        case configuredTaskData = "configured_task_data"
        case pendingStageValues = "pending_stage_values"
        case tags
        case appliedConfigurationEntries = "applied_configuration_entries"
        case subjectContext = "subject_context"
        case configurationCollectionID = "configuration_collection_id"
        case configuredTaskFailure = "configured_task_failure"
    }
}
