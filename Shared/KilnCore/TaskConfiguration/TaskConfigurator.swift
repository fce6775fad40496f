/// One active item of a `debusine:task-configuration` collection: its id (the ordering tie-breaker and
/// the id named in validation errors) and its bare data.
public struct TaskConfigurationItem: Hashable, Sendable {
    /// `CollectionItem.id`.
    public let id: Int
    /// The item's bare data (a configuration entry).
    public let data: JSONValue

    /// Memberwise, for tests and the CLI that build entries without a store.
    public init(id: Int, data: JSONValue) {
        self.id = id
        self.data = data
    }

    /// The item as stored.
    public init(record: CollectionItemRecord) {
        self.init(id: record.id, data: .object(record.data))
    }
}

/// Everything configuring one work request needs.
public struct TaskConfigurationRequest: Hashable, Sendable {
    /// Which task, with its subject, context and early tag sets.
    public var query: TaskConfigurationQuery
    /// The active items of the configuration collection.
    public var items: [TaskConfigurationItem]
    /// The collection's id, recorded in the configured data as `task_configuration`.
    public var collectionID: Int
    /// The task data as submitted.
    public var taskData: JSONValue

    /// Memberwise: the tag-computer gathers the collection's items and the task's query first.
    public init(query: TaskConfigurationQuery, items: [TaskConfigurationItem], collectionID: Int, taskData: JSONValue) {
        self.query = query
        self.items = items
        self.collectionID = collectionID
        self.taskData = taskData
    }
}

/// The outcome of configuring a work request.
public struct ConfiguredTask: Hashable, Sendable {
    /// The configured task data (stored as `configured_task_data`; `task_data` stays as submitted).
    public let taskData: JSONValue
    /// Tags the configuration adds to the task-provided set (workspace provenance), sorted.
    public let provideTags: [String]
    /// Tags the configuration adds to the task-required set (workspace provenance), sorted.
    public let requireTags: [String]
    /// Item names of the applied entries in application order, templates included (repeated when a
    /// diamond references one twice): for the audit trail and `kiln show`.
    public let appliedEntries: [String]

    /// Memberwise: `TaskConfigurator` fills it in once every entry is applied.
    public init(taskData: JSONValue, provideTags: [String], requireTags: [String], appliedEntries: [String]) {
        self.taskData = taskData
        self.provideTags = provideTags
        self.requireTags = requireTags
        self.appliedEntries = appliedEntries
    }
}

/// Task configuration (Debusine `server/collections/debusine_task_configuration.py` `apply_configuration`), start to
/// end: match, order, expand templates, fold, apply.
public enum TaskConfigurator {
    /// The configured task data and the configuration's tags for one work request.
    ///
    /// Only items that could match (raw `task_type`/`task_name` equal to the task's) and templates
    /// actually referenced are validated, as Debusine's database filter does: a corrupt entry for another
    /// task does not break this one. Each matching entry is followed by its templates (entry first, as Debusine's
    /// `ConfigurationLookup.iter_items` yields them, whatever its documentation says).
    ///
    /// - Throws: `TaskConfigError` — "debusine:task-configuration item <id> does not validate" for a
    ///   corrupt entry or template, the missing-template and cycle messages of
    ///   `ConfigurationLookup.lookup_templates`, or non-object task data.
    public static func configure(_ request: TaskConfigurationRequest) throws(TaskConfigError) -> ConfiguredTask {
        let query = request.query
        var candidates: [(order: TaskConfigurationOrder, entry: TaskConfigurationEntry)] = []
        var templateItems: [String: TaskConfigurationItem] = [:]
        for item in request.items.sorted(by: { $0.id < $1.id }) {
            guard let object = item.data.objectValue else { continue }
            if let name = object["template"]?.stringValue, !name.isEmpty {
                if templateItems[name] == nil { templateItems[name] = item }
                continue
            }
            guard object["task_type"]?.stringValue == query.taskType.rawValue,
                object["task_name"]?.stringValue == query.taskName,
                Self.mayMatch(object, query)
            else { continue }
            let entry = try decode(item)
            if entry.matches(query) { candidates.append((TaskConfigurationOrder(entry: entry, itemID: item.id), entry)) }
        }
        candidates.sort { $0.order < $1.order }

        var decodedTemplates: [String: TaskConfigurationEntry] = [:]
        let findTemplate = { (name: String) throws(TaskConfigError) -> TaskConfigurationEntry? in
            if let known = decodedTemplates[name] { return known }
            guard let item = templateItems[name] else { return nil }
            let entry = try decode(item, naming: false)
            decodedTemplates[name] = entry
            return entry
        }

        var fold = TaskConfigurationFold()
        var applied: [String] = []
        for (_, entry) in candidates {
            for step in [entry] + (try TaskConfigurationTemplates.expand(entry, template: findTemplate)) {
                fold.apply(step)
                applied.append(step.itemName)
            }
        }
        return ConfiguredTask(
            taskData: try fold.configure(request.taskData, collectionID: request.collectionID),
            provideTags: fold.provideTags.sorted(), requireTags: fold.requireTags.sorted(),
            appliedEntries: applied)
    }

    /// The same, with the request spelled out: the task, its early tag sets, the collection's active items
    /// as (item id, item data) pairs, the collection id and the submitted task data.
    public static func configure(
        taskType: TaskType, taskName: String, subject: String?, context: String?, earlyProvided: Set<String>,
        earlyRequired: Set<String>, entries: [(id: Int, data: JSONValue)], collectionID: Int, taskData: JSONValue
    ) throws(TaskConfigError) -> ConfiguredTask {
        try configure(TaskConfigurationRequest(
            query: TaskConfigurationQuery(
                taskType: taskType, taskName: taskName, subject: subject, context: context,
                earlyProvided: earlyProvided, earlyRequired: earlyRequired),
            items: entries.map { TaskConfigurationItem(id: $0.id, data: $0.data) }, collectionID: collectionID,
            taskData: taskData))
    }

    /// The entry an item holds, or Debusine's "does not validate" error: entries are named by item id
    /// (`ConfigurationLookup.iter_matching_entries`), templates are not (`ConfigurationLookup.lookup_template`).
    private static func decode(_ item: TaskConfigurationItem, naming: Bool = true) throws(TaskConfigError)
        -> TaskConfigurationEntry
    {
        do {
            return try TaskConfigurationEntry(data: item.data)
        } catch {
            let subject = naming ? "debusine:task-configuration item \(item.id)" : "debusine:task-configuration item"
            throw TaskConfigError("\(subject) does not validate", originalError: error)
        }
    }

    /// The database filter Debusine's `ConfigurationLookup` applies before validating anything: the entry's
    /// subject and context unset or equal to the task's (unset only, for a task without one), and a list-valued
    /// tag filter contained in the task's early tag set. An entry failing it is never decoded, so a corrupt
    /// entry for another subject cannot break this task.
    static func mayMatch(_ object: [String: JSONValue], _ query: TaskConfigurationQuery) -> Bool {
        func unsetOrEqual(_ key: String, _ value: String?) -> Bool {
            guard let raw = object[key], !raw.isNull else { return true }
            return value != nil && raw.stringValue == value
        }
        func listContained(_ key: String, in tags: Set<String>) -> Bool {
            guard let list = object[key]?.arrayValue else { return true }
            return list.allSatisfy { $0.stringValue.map(tags.contains) ?? false }
        }
        return unsetOrEqual("subject", query.subject) && unsetOrEqual("context", query.context)
            && listContained("tags_provided", in: query.earlyProvided)
            && listContained("tags_required", in: query.earlyRequired)
    }
}
