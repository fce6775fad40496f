/// The configuration accumulated over the ordered entries (Debusine `server/collections/debusine_task_configuration.py`
/// `build_configuration`), ready to apply to task data (`apply_configuration`).
public struct TaskConfigurationFold: Hashable, Sendable {
    /// Values set when the task data lacks the key or holds null.
    public private(set) var defaults: [String: JSONValue] = [:]
    /// Values set unconditionally.
    public private(set) var overrides: [String: JSONValue] = [:]
    /// Keys later entries may no longer touch.
    public private(set) var locked: Set<String> = []
    /// Tags for the task-provided set (workspace provenance).
    public private(set) var provideTags: Set<String> = []
    /// Tags for the task-required set (workspace provenance).
    public private(set) var requireTags: Set<String> = []

    /// The empty fold: nothing set, nothing locked, before the first entry (`build_configuration`).
    public init() {}

    /// Folds one entry in: deletions, then defaults, then overrides (each skipping locked keys), then the
    /// entry's own locks (which bind later entries only), then its tags.
    public mutating func apply(_ entry: TaskConfigurationEntry) {
        for key in entry.deleteValues where !locked.contains(key) {
            defaults[key] = nil
            overrides[key] = nil
        }
        for (key, value) in entry.defaultValues where !locked.contains(key) { defaults[key] = value }
        for (key, value) in entry.overrideValues where !locked.contains(key) { overrides[key] = value }
        locked.formUnion(entry.lockValues)
        provideTags.formUnion(entry.provideTags)
        requireTags.formUnion(entry.requireTags)
    }

    /// The configured task data: defaults where the key is absent or null, then every override, then
    /// `task_configuration` = the collection id (Debusine 0.16). Only top-level keys are touched; a nested object
    /// is replaced whole.
    ///
    /// - Throws: `TaskConfigError` when the task data is not an object.
    public func configure(_ taskData: JSONValue, collectionID: Int) throws(TaskConfigError) -> JSONValue {
        guard var object = taskData.objectValue else {
            throw TaskConfigError("task data must be a JSON object, found \(taskData.typeName)")
        }
        for (key, value) in defaults where object[key] == nil || object[key] == .null { object[key] = value }
        for (key, value) in overrides { object[key] = value }
        object["task_configuration"] = .int(collectionID)
        return .object(object)
    }
}
