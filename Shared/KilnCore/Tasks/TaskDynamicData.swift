/// Dynamic task data (Debusine `tasks/models.py` `BaseDynamicTaskData`): what the server computes from resolved
/// inputs just before execution, and what the worker receives next to the configured task data.
///
/// Debusine stores it with `model_dump(exclude_unset=True)` (`debusine/db/models/work_requests.py`
/// `WorkRequest.compute_dynamic_data`): a member a task never passes is left out, and a member it passes as
/// `None` is written as `null`. So each of the four standard members here is either unset (left out) or set,
/// possibly to nil (written as `null`): assigning nil to a property sets it to null, it does not unset it.
public struct TaskDynamicData: Hashable, Sendable {
    /// The standard members that are set, by their JSON key; `.null` is an explicit None.
    private var standard: [String: JSONValue]
    /// Task-specific keys (`environment_id`, `input_source_artifact_id`, …), written next to the others;
    /// a `.null` value is written as `null`, as Debusine writes an explicit None.
    public var extra: [String: JSONValue]
    /// Saved input-field values by field name (`task_input_fields`).
    public var taskInputFields: [String: JSONValue]

    /// The JSON keys of the four standard members.
    enum Key {
        static let parameterSummary = "parameter_summary"
        static let subject = "subject"
        static let runtimeContext = "runtime_context"
        static let configurationContext = "configuration_context"
    }

    /// Builds dynamic data; a standard member given as `.some(nil)` is set to null, one left at its default
    /// (`.none`) is unset, mirroring the keyword arguments a Debusine task passes or omits.
    public init(
        parameterSummary: String?? = nil,
        subject: String?? = nil,
        runtimeContext: String?? = nil,
        configurationContext: String?? = nil,
        extra: [String: JSONValue] = [:],
        taskInputFields: [String: JSONValue] = [:]
    ) {
        standard = [:]
        self.extra = extra
        self.taskInputFields = taskInputFields
        if let parameterSummary { self.parameterSummary = parameterSummary }
        if let subject { self.subject = subject }
        if let runtimeContext { self.runtimeContext = runtimeContext }
        if let configurationContext { self.configurationContext = configurationContext }
    }

    /// A short summary of the task's parameters for the UI (`hello_1.0 (amd64)`).
    public var parameterSummary: String? {
        get { member(Key.parameterSummary) }
        set { setMember(Key.parameterSummary, newValue) }
    }

    /// The subject used by task configuration and the UI (`hello`).
    public var subject: String? {
        get { member(Key.subject) }
        set { setMember(Key.subject, newValue) }
    }

    /// The runtime context used for statistics (`binary-all+binary-any+source:sid`).
    public var runtimeContext: String? {
        get { member(Key.runtimeContext) }
        set { setMember(Key.runtimeContext, newValue) }
    }

    /// The configuration context used by task configuration (`sid`).
    public var configurationContext: String? {
        get { member(Key.configurationContext) }
        set { setMember(Key.configurationContext, newValue) }
    }

    private func member(_ key: String) -> String? { standard[key]?.stringValue }

    private mutating func setMember(_ key: String, _ value: String?) {
        standard[key] = value.map(JSONValue.string) ?? .null
    }

    /// Adds the saved values of a container (its fields win over same-named earlier ones).
    public mutating func saveFields(of inputs: ResolvedInputs) {
        taskInputFields.merge(inputs.savedFieldValues) { _, new in new }
    }

    /// The stored JSON form: unset standard members are left out, set ones written (nil as `null`),
    /// `task_input_fields` always present (it is assigned by Debusine's `save_field_values`).
    public var json: JSONValue {
        var object = extra
        object.merge(standard) { _, standard in standard }
        object[ResolvedInputs.dynamicDataKey] = .object(taskInputFields)
        return .object(object)
    }
}
