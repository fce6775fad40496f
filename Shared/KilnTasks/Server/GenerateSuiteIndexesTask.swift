import KilnCore

/// `generatesuiteindexes` (Server): generates the indexes of a `debian:suite` as of a point in time
/// (Debusine `server/tasks/generate_suite_indexes.py` `GenerateSuiteIndexes`, data `GenerateSuiteIndexesData`).
///
/// Scheduled like every Server task; validated, configured and tagged, then pending (no Celery worker).
/// Debusine's `suite = CollectionInput(field="suite_collection")` has no Kiln input-field kind yet, so the
/// suite is not resolved and `suite_collection_id` is not in the dynamic data.
public struct GenerateSuiteIndexesTask: DBTask {
    /// Server: run by Debusine's Celery workers.
    public static let taskType = TaskType.server
    /// The registry name, as Debusine's `GenerateSuiteIndexes` class.
    public static let taskName = "generatesuiteindexes"
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1

    /// The data as submitted.
    public let taskData: JSONValue
    /// Only `task_configuration`.
    public var inputs: ResolvedInputs
    /// `generate_at`, as written.
    public let generateAt: String

    /// Validates `GenerateSuiteIndexesData`: a suite lookup and a `generate_at` timestamp.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public init(taskData: JSONValue) throws {
        var reader = try TaskDataReader(taskData)
        _ = try reader.singleLookup("suite_collection")
        generateAt = try reader.string("generate_at")
        guard ISO8601Timestamp.parse(generateAt) != nil else {
            throw TaskDataError.invalidValue(
                field: "generate_at", value: .string(generateAt), reason: "must be an ISO 8601 timestamp with a time zone")
        }
        _ = try reader.taskConfiguration()
        try reader.finish()
        self.taskData = taskData
        inputs = try ResolvedInputs(fields: Self.ownInputFields)
    }
}
