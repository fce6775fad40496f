/// `debusine:task-history` (Debusine's `TaskHistoryManager`, `server/collections/task_history.py`): one bare
/// `debusine:historical-task-run` item per finished task run, named
/// `TASK_TYPE:TASK_NAME:SUBJECT:CONTEXT:WORK_REQUEST_ID` (subject and context URL-quoted, empty when unset), and
/// pruned as it grows (`TaskHistoryPruning`).
public struct TaskHistoryCollectionManager: CollectionManager {
    /// The collection items are added to.
    public let collection: CollectionRecord

    /// The manager of `collection`.
    public init(collection: CollectionRecord) { self.collection = collection }

    /// Debusine's `VALID_BARE_DATA_CATEGORIES`.
    public var validBareCategories: Set<String>? { [KnownCategories.historicalTaskRun] }

    /// The item is named from its data (Debusine's `do_add_bare_data`), and the older runs of the same task are
    /// pruned after it is added.
    public func planBare(
        category: String, data: [String: JSONValue]?, name: String?, replace: Bool,
        workRequest: CollectionItemWorkRequest?
    )
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        guard let data else { throw ItemAdditionError("Adding to \(collection.category) requires data") }
        try refuseName(name)
        let workRequestID = try requiredKey("work_request_id", of: data, whose: "data")
        let taskType = try requiredKey("task_type", of: data, whose: "data")
        let taskName = try requiredKey("task_name", of: data, whose: "data")
        let itemName = [
            taskType.comparisonText, taskName.comparisonText,
            PythonURLQuote.quote(Self.textOrEmpty(data["subject"])),
            PythonURLQuote.quote(Self.textOrEmpty(data["context"])), workRequestID.comparisonText,
        ].joined(separator: ":")
        return CollectionItemPlan(
            name: itemName,
            data: data,
            replacesChildTypes: replace ? [.bare] : [],
            pruning: .taskHistory(
                TaskHistoryPruning(
                    category: category, taskType: taskType, taskName: taskName,
                    keepsMostRecent: oldItemsToKeep))
        )
    }

    /// Python's `value or ""`: a falsy value names nothing.
    static func textOrEmpty(_ value: JSONValue?) -> String {
        guard let value, value.isPythonTruthy else { return "" }
        return value.comparisonText
    }
}

/// Which older runs a `debusine:task-history` keeps once a run is added (Debusine's
/// `TaskHistoryManager.do_add_bare_data`): among the active runs of the same task type and name, for each
/// subject and context, the most recent success, the most recent failure (`failure`, `temporary failure` or
/// `error`) and the `keepsMostRecent` most recent runs; the others are removed.
public struct TaskHistoryPruning: Hashable, Sendable {
    /// The bare data category of the runs (`debusine:historical-task-run`).
    public var category: String
    /// The runs' `task_type`, compared as JSON.
    public var taskType: JSONValue
    /// The runs' `task_name`, compared as JSON.
    public var taskName: JSONValue
    /// How many of the most recent runs per subject and context stay (the collection's `old_items_to_keep`,
    /// default 5).
    public var keepsMostRecent: Int

    /// A rule.
    public init(category: String, taskType: JSONValue, taskName: JSONValue, keepsMostRecent: Int) {
        self.category = category
        self.taskType = taskType
        self.taskName = taskName
        self.keepsMostRecent = keepsMostRecent
    }

    /// The results counted as failures (Debusine's `FAILURE`, `TEMPORARY_FAILURE`, `ERROR`).
    public static let failureResults: [WorkRequestResult] = [.failure, .temporaryFailure, .error]
}
