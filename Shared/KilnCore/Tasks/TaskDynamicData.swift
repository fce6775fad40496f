/// Dynamic task data (Debusine `tasks/models.py` `BaseDynamicTaskData`): what the server computes from resolved inputs
/// just before execution, and what the worker receives next to the configured task data.
public struct TaskDynamicData: Hashable, Sendable {
    /// A short summary of the task's parameters for the UI (`hello_1.0-1`).
    public var parameterSummary: String?
    /// The subject used by task configuration and the UI (`hello`).
    public var subject: String?
    /// The runtime context used for statistics (`binary-all+binary-any+source:sid`).
    public var runtimeContext: String?
    /// The configuration context used by task configuration (`sid`).
    public var configurationContext: String?
    /// Task-specific keys (Debusine's legacy id fields such as `environment_id`), written next to the others.
    public var extra: [String: JSONValue]
    /// Saved input-field values by field name (`task_input_fields`).
    public var taskInputFields: [String: JSONValue]

    /// Every member optional or empty, so a task sets only what it knows (`exclude_unset` in Debusine
    /// `WorkRequest.compute_dynamic_data`).
    public init(
        parameterSummary: String? = nil,
        subject: String? = nil,
        runtimeContext: String? = nil,
        configurationContext: String? = nil,
        extra: [String: JSONValue] = [:],
        taskInputFields: [String: JSONValue] = [:]
    ) {
        self.parameterSummary = parameterSummary
        self.subject = subject
        self.runtimeContext = runtimeContext
        self.configurationContext = configurationContext
        self.extra = extra
        self.taskInputFields = taskInputFields
    }

    /// Adds the saved values of a container (its fields win over same-named earlier ones).
    public mutating func saveFields(of inputs: ResolvedInputs) {
        taskInputFields.merge(inputs.savedFieldValues) { _, new in new }
    }

    /// The stored JSON form: unset optional members are left out (`exclude_unset`), `task_input_fields`
    /// is always present.
    public var json: JSONValue {
        var object = extra
        object["parameter_summary"] = parameterSummary.map(JSONValue.string)
        object["subject"] = subject.map(JSONValue.string)
        object["runtime_context"] = runtimeContext.map(JSONValue.string)
        object["configuration_context"] = configurationContext.map(JSONValue.string)
        object[ResolvedInputs.dynamicDataKey] = .object(taskInputFields)
        return .object(object)
    }
}
