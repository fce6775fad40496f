import KilnCore

/// `copycollectionitems` (Server): copies or moves collection items between collections (Debusine
/// `server/tasks/copy_collection_items.py` `CopyCollectionItems`, data `CopyCollectionItemsData`).
///
/// Scheduled like every Server task; validated, configured and tagged, then pending (no Celery worker).
/// `copies = CopyCollectionItemsCopiesInput()`: each copy's source items and target collection, resolved at
/// `Stage.running` (by the creation check, since Kiln assigns no server task yet).
public struct CopyCollectionItemsTask: DBTask {
    /// Server: run by Debusine's Celery workers.
    public static let taskType = TaskType.server
    /// The registry name, as Debusine's `CopyCollectionItems` class.
    public static let taskName = "copycollectionitems"
    /// Version 1, Debusine's `TASK_VERSION`.
    public static let taskVersion = 1

    /// The data as submitted.
    public let taskData: JSONValue
    /// `task_configuration` and `copies`.
    public var inputs: ResolvedInputs
    /// How many copies the data asks for.
    public let copyCount: Int

    /// Validates `CopyCollectionItemsData`: at least one copy, each a closed object (`source_items`,
    /// `target_collection`, `move`, `unembargo`, `replace`, `name_template`, `variables`).
    ///
    /// - Throws: `TaskDataError` naming the bad or unknown field.
    public init(taskData: JSONValue) throws {
        try Self.dataModel?.validateTaskData(taskData)
        var reader = try TaskDataReader(taskData)
        guard let value = reader.raw("copies") else { throw TaskDataError.missingField("copies") }
        guard let copies = value.arrayValue else {
            throw TaskDataError.wrongType(field: "copies", expected: "a list", found: value)
        }
        for (index, element) in copies.enumerated() {
            var copy = try TaskDataReader(element, path: "copies[\(index)]")
            _ = try copy.multipleLookup("source_items")
            _ = try copy.singleLookup("target_collection")
            for flag in ["move", "unembargo", "replace"] { _ = try copy.bool(flag, default: false) }
            _ = try copy.optionalString("name_template")
            if let variables = copy.raw("variables"), variables.objectValue == nil {
                throw TaskDataError.wrongType(field: copy.fieldName("variables"), expected: "an object", found: variables)
            }
            try copy.finish()
        }
        copyCount = copies.count
        _ = try reader.taskConfiguration()
        try reader.finish()
        self.taskData = taskData
        inputs = try ResolvedInputs(fields: Self.ownInputFields + [InputField("copies", kind: .collectionItemCopies)])
    }

    /// The saved fields and, as `parameter_summary`, the target collections as `name@category`, sorted, without
    /// repeats (Debusine's `CopyCollectionItems.compute_dynamic_data`).
    public func computeDynamicData() throws -> TaskDynamicData {
        guard case .collectionItemCopies(let copies) = try inputs.value(of: "copies") else {
            throw TaskInputError.kindMismatch(field: "copies", expected: "copies")
        }
        // Python's `sorted` of a set: by code point, each name once.
        let targets = Set(copies.map { "\($0.targetCollection.name)@\($0.targetCollection.category)" })
        var dynamic = TaskDynamicData(
            parameterSummary: targets.sorted(by: JSONValue.pythonOrder).joined(separator: ", "))
        dynamic.saveFields(of: inputs)
        return dynamic
    }
}
