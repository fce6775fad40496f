import KilnCore

/// `generatesuiteindexes` (Server): generates the indexes of a `debian:suite` as of a point in time
/// (Debusine `server/tasks/generate_suite_indexes.py` `GenerateSuiteIndexes`, data `GenerateSuiteIndexesData`).
///
/// Scheduled like every Server task; validated, configured and tagged, then pending (no Celery worker).
/// `suite = CollectionInput(field="suite_collection")`: any collection (no category is asked), resolved at
/// `Stage.running`.
public struct GenerateSuiteIndexesTask: DBTask {
    /// Server: run by Debusine's Celery workers.
    public static let taskType = TaskType.server
    /// The registry name, as Debusine's `GenerateSuiteIndexes` class.
    public static let taskName = "generatesuiteindexes"
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1

    /// The data as submitted.
    public let taskData: JSONValue
    /// `task_configuration` and `suite`.
    public var inputs: ResolvedInputs
    /// `generate_at`, read as pydantic reads a `datetime` (RFC 3339 text, a date alone, Unix time).
    public let generateAt: PydanticDateTime

    /// Validates `GenerateSuiteIndexesData`: a suite lookup and a `generate_at` timestamp.
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public init(taskData: JSONValue) throws {
        try Self.dataModel?.validateTaskData(taskData)
        var reader = try TaskDataReader(taskData)
        _ = try reader.singleLookup("suite_collection")
        guard let given = reader.raw("generate_at") else { throw TaskDataError.missingField("generate_at") }
        switch PydanticDateTime.parse(given) {
        case .success(let timestamp): generateAt = timestamp
        case .failure(let failure):
            throw TaskDataError.invalidValue(field: "generate_at", value: given, reason: failure.message)
        }
        _ = try reader.taskConfiguration()
        try reader.finish()
        self.taskData = taskData
        inputs = try ResolvedInputs(
            fields: Self.ownInputFields + [
                InputField("suite", kind: .collection(category: nil), path: "suite_collection")
            ]
        )
    }

    /// The saved fields plus `suite_collection_id` (Debusine's `GenerateSuiteIndexesDynamicData`).
    public func computeDynamicData() throws -> TaskDynamicData {
        // `suite_collection_id: int` is required, as in Debusine's model.
        guard let suite = try inputs.collection("suite") else {
            throw TaskInputError.kindMismatch(field: "suite", expected: "a collection")
        }
        var dynamic = TaskDynamicData(extra: ["suite_collection_id": .int(suite.collectionID)])
        dynamic.saveFields(of: inputs)
        return dynamic
    }
}
