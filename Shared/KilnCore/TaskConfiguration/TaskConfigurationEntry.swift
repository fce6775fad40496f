/// One `debusine:task-configuration` item (Debusine `artifacts/models.py` `DebusineTaskConfiguration`): which tasks it
/// applies to (the matching part) and what it does to their task data and tag sets (the action part).
///
/// Built from the item's bare data with `init(data:)`, which validates it the way Debusine's pydantic model
/// does: unknown keys, wrong types, colons in names and half-template entries are all refused.
public struct TaskConfigurationEntry: Hashable, Sendable {
    // Matching part.

    /// The task type it configures; `nil` only for templates.
    public let taskType: TaskType?
    /// The task name it configures (no colons); `nil` only for templates.
    public let taskName: String?
    /// Only tasks with this subject (e.g. a source package name; no colons); `nil` means any subject.
    public let subject: String?
    /// Only tasks with this configuration context (e.g. a suite); `nil` means any context.
    public let context: String?
    /// The template name (no colons) when the entry is a template used by others through `use_templates`.
    public let template: String?
    /// [0.16] Sort key for entries managed as files: the file's path.
    public let path: String?
    /// [0.16] Sort key for entries managed as files: the entry's position in the file.
    public let position: Int?
    /// [0.16] Filter on the task's early provided tags.
    public let tagsProvided: TagFilter?
    /// [0.16] Filter on the task's early required tags.
    public let tagsRequired: TagFilter?

    // Action part.

    /// Templates applied after this entry, in order.
    public let useTemplates: [String]
    /// Top-level task-data keys whose accumulated defaults and overrides are forgotten.
    public let deleteValues: [String]
    /// Top-level values set when the task data lacks the key or holds null.
    public let defaultValues: [String: JSONValue]
    /// Top-level values set unconditionally.
    public let overrideValues: [String: JSONValue]
    /// Keys later entries may no longer delete, default or override.
    public let lockValues: [String]
    /// [0.16] Tags added to the task-provided set (workspace provenance).
    public let provideTags: [String]
    /// [0.16] Tags added to the task-required set (workspace provenance).
    public let requireTags: [String]
    /// Free Markdown for humans.
    public let comment: String

    /// Every key an entry may hold.
    public static let knownKeys: Set<String> = [
        "task_type", "task_name", "subject", "context", "template", "path", "position", "tags_provided",
        "tags_required", "use_templates", "delete_values", "default_values", "override_values", "lock_values",
        "provide_tags", "require_tags", "comment",
    ]

    /// The collection item name Debusine computes for the entry (`DebusineTaskConfiguration.name`); explicit names are
    /// refused there, so this is also how templates are found (`template:<name>`).
    public var itemName: String {
        if let template { return "template:\(template)" }
        if let path { return "\(path):\(position ?? 0)" }
        return TaskConfigurationEntry.itemName(
            taskType: taskType?.rawValue ?? "", taskName: taskName ?? "", subject: subject, context: context)
    }

    /// `<task_type>:<task_name>:<subject or "">:<URL-quoted context or "">`, e.g. `Worker:sbuild:hello:sid`.
    public static func itemName(taskType: String, taskName: String, subject: String?, context: String?) -> String {
        "\(taskType):\(taskName):\(subject ?? ""):\(context.map(pythonURLQuote) ?? "")"
    }

    /// Specificity for ordering (Debusine `ConfigurationLookup.sort_key`): global 0 < context only 1 < subject only 2 <
    /// both 3, so that more specific entries apply later and win.
    public var specificityRank: Int {
        switch (subject != nil, context != nil) {
        case (false, false): 0
        case (false, true): 1
        case (true, false): 2
        case (true, true): 3
        }
    }

    /// Validates and decodes an item's bare data.
    ///
    /// Empty strings in `task_name`, `subject`, `context` and `template` count as absent, as Debusine's
    /// truthiness checks treat them.
    ///
    /// - Throws: `TaskConfigurationEntryError` naming the bad key and value.
    public init(data: JSONValue) throws(TaskConfigurationEntryError) {
        guard let object = data.objectValue else {
            throw TaskConfigurationEntryError(key: nil, problem: "entry must be a JSON object, found \(data.typeName)")
        }
        let unknown = Set(object.keys).subtracting(Self.knownKeys).sorted()
        guard unknown.isEmpty else {
            throw TaskConfigurationEntryError(
                key: unknown[0], problem: "unknown key (extra fields not permitted: \(unknown.joined(separator: ", ")))")
        }
        let reader = EntryReader(object: object)

        let taskTypeText = try reader.optionalString("task_type")
        if let taskTypeText {
            guard let taskType = TaskType(rawValue: taskTypeText) else {
                throw TaskConfigurationEntryError(
                    key: "task_type",
                    problem: "unknown task type \(JSONValue.pythonStringRepr(taskTypeText)) (expected one of "
                        + TaskType.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            self.taskType = taskType
        } else {
            self.taskType = nil
        }
        taskName = try reader.optionalString("task_name", forbidColons: true)
        subject = try reader.optionalString("subject", forbidColons: true)
        context = try reader.optionalString("context")
        template = try reader.optionalString("template", forbidColons: true)
        path = try reader.optionalString("path", emptyIsAbsent: false)
        position = try reader.optionalInt("position")
        tagsProvided = try reader.optionalTagFilter("tags_provided")
        tagsRequired = try reader.optionalTagFilter("tags_required")
        useTemplates = try reader.stringList("use_templates")
        deleteValues = try reader.stringList("delete_values")
        defaultValues = try reader.dictionary("default_values")
        overrideValues = try reader.dictionary("override_values")
        lockValues = try reader.stringList("lock_values")
        provideTags = try reader.stringList("provide_tags")
        requireTags = try reader.stringList("require_tags")
        comment = try reader.optionalString("comment", emptyIsAbsent: false) ?? ""

        if template != nil {
            let present = [("task_type", taskTypeText), ("task_name", taskName), ("subject", subject),
                           ("context", context)]
                .filter { $0.1 != nil }.map(\.0)
            guard present.isEmpty else {
                throw TaskConfigurationEntryError(
                    key: present[0], problem: "\(present.joined(separator: ", ")) should be empty if template is set")
            }
        } else {
            let missing = [("task_type", taskTypeText), ("task_name", taskName)].filter { $0.1 == nil }.map(\.0)
            guard missing.isEmpty else {
                throw TaskConfigurationEntryError(
                    key: missing[0],
                    problem: "\(missing.joined(separator: ", ")) should be set for non-template task configuration entries")
            }
        }
    }
}

/// Typed reads of an entry's keys, each failure naming the key, the expected type and the value found.
private struct EntryReader {
    let object: [String: JSONValue]

    private func present(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    private func wrongType(_ key: String, expected: String, found value: JSONValue) -> TaskConfigurationEntryError {
        TaskConfigurationEntryError(key: key, problem: "expected \(expected), found \(value.typeName) \(value.compactJSON)")
    }

    func optionalString(_ key: String, forbidColons: Bool = false, emptyIsAbsent: Bool = true)
        throws(TaskConfigurationEntryError) -> String?
    {
        guard let value = present(key) else { return nil }
        guard let text = value.stringValue else { throw wrongType(key, expected: "a string", found: value) }
        if forbidColons, text.contains(":") {
            throw TaskConfigurationEntryError(key: key, problem: "\(JSONValue.pythonStringRepr(text)) may not contain ':'")
        }
        return emptyIsAbsent && text.isEmpty ? nil : text
    }

    func optionalInt(_ key: String) throws(TaskConfigurationEntryError) -> Int? {
        guard let value = present(key) else { return nil }
        guard let number = value.intValue else { throw wrongType(key, expected: "an integer", found: value) }
        return number
    }

    func stringList(_ key: String) throws(TaskConfigurationEntryError) -> [String] {
        guard let value = present(key) else { return [] }
        guard let list = value.arrayValue else { throw wrongType(key, expected: "a list of strings", found: value) }
        var result: [String] = []
        for element in list {
            guard let text = element.stringValue else {
                throw wrongType(key, expected: "a list of strings", found: value)
            }
            result.append(text)
        }
        return result
    }

    func dictionary(_ key: String) throws(TaskConfigurationEntryError) -> [String: JSONValue] {
        guard let value = present(key) else { return [:] }
        guard let dictionary = value.objectValue else { throw wrongType(key, expected: "an object", found: value) }
        return dictionary
    }

    func optionalTagFilter(_ key: String) throws(TaskConfigurationEntryError) -> TagFilter? {
        guard let value = present(key) else { return nil }
        if let text = value.stringValue {
            do {
                return .expression(try TagExpression(parsing: text))
            } catch {
                throw TaskConfigurationEntryError(key: key, problem: error.description)
            }
        }
        guard value.arrayValue != nil else {
            throw wrongType(key, expected: "a list of tags or a tag expression string", found: value)
        }
        return .allOf(try stringList(key))
    }
}
