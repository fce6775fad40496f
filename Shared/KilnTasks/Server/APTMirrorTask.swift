import KilnCore

/// `aptmirror` (Server): mirrors an APT repository into a `debian:suite` collection (Debusine
/// `server/tasks/aptmirror.py` `APTMirror`, data `server/tasks/models.py` `APTMirrorData`).
///
/// Scheduled like every Server task; validated, configured and tagged, then pending (no Celery worker).
/// `collection = CollectionInput(category=SUITE)`: the suite is resolved at `Stage.running` and saved in the
/// dynamic data's `task_input_fields`, as Debusine's `DBTask.compute_dynamic_data` saves it.
public struct APTMirrorTask: DBTask {
    /// Server: run by Debusine's Celery workers.
    public static let taskType = TaskType.server
    /// The registry name, as Debusine's `APTMirror` class.
    public static let taskName = "aptmirror"
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1

    /// The data as submitted.
    public let taskData: JSONValue
    /// `task_configuration` and `collection`.
    public var inputs: ResolvedInputs
    /// `suite`: a suite name, or a flat repository's path ending in `/`.
    public let suite: String

    /// Validates `APTMirrorData`, including `check_suite_components_consistency`: a flat repository
    /// (suite ending in `/`) has no components, any other must have them.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public init(taskData: JSONValue) throws {
        try Self.dataModel?.validateTaskData(taskData)
        var reader = try TaskDataReader(taskData)
        _ = try reader.singleLookup("collection")
        _ = try reader.url("url")
        suite = try reader.string("suite")
        _ = try reader.optionalStringList("components")
        _ = try reader.optionalStringList("architectures")
        _ = try reader.optionalString("signing_key")
        _ = try reader.optionalString("authentication")
        if let filters = reader.raw("filters") {
            guard let list = filters.arrayValue else {
                throw TaskDataError.wrongType(field: "filters", expected: "a list", found: filters)
            }
            for (index, element) in list.enumerated() {
                var filter = try TaskDataReader(element, path: "filters[\(index)]")
                for key in ["binary_name", "priority", "section", "source_name"] { _ = try filter.optionalString(key) }
                _ = try filter.bool("ignore_unauthorized", default: false)
                try filter.finish()
            }
        }
        _ = try reader.taskConfiguration()
        try reader.finish()
        self.taskData = taskData
        inputs = try ResolvedInputs(
            fields: Self.ownInputFields + [InputField("collection", kind: .collection(category: KnownCategories.suite))]
        )
    }
}
