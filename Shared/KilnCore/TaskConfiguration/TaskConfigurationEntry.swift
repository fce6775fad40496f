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
    /// Debusine 0.16: Sort key for entries managed as files: the file's path.
    public let path: String?
    /// Debusine 0.16: Sort key for entries managed as files: the entry's position in the file.
    public let position: Int?
    /// Debusine 0.16: Filter on the task's early provided tags.
    public let tagsProvided: TagFilter?
    /// Debusine 0.16: Filter on the task's early required tags.
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
    /// Debusine 0.16: Tags added to the task-provided set (workspace provenance).
    public let provideTags: [String]
    /// Debusine 0.16: Tags added to the task-required set (workspace provenance).
    public let requireTags: [String]
    /// Free Markdown for humans.
    public let comment: String

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

    /// Validates and decodes an item's bare data, as Debusine's pydantic model `DebusineTaskConfiguration`
    /// (`artifacts/models.py`) does: every field checked with pydantic's types and lax integers, unknown keys
    /// refused, then the model rules (template or task match, the `path:position` length).
    ///
    /// Empty strings in `task_name`, `subject`, `context` and `template` count as absent, as Debusine's
    /// truthiness checks treat them.
    ///
    /// - Throws: `PydanticValidationError` worded as pydantic words Debusine's.
    public init(data: JSONValue) throws(PydanticValidationError) {
        try Self.model.validate(data)
        let object = data.objectValue ?? [:]
        func text(_ key: String) -> String? { object[key]?.stringValue }
        func nonEmpty(_ key: String) -> String? { text(key).flatMap { $0.isEmpty ? nil : $0 } }
        func strings(_ key: String) -> [String] { object[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        func dictionary(_ key: String) -> [String: JSONValue] { object[key]?.objectValue ?? [:] }
        func tagFilter(_ key: String) -> TagFilter? {
            guard let value = object[key] else { return nil }
            if let expression = value.stringValue {
                return (try? TagExpression(parsing: expression)).map(TagFilter.expression)
            }
            return .allOf(value.arrayValue?.compactMap(\.stringValue) ?? [])
        }
        self.taskType = text("task_type").flatMap(TaskType.init(rawValue:))
        self.taskName = nonEmpty("task_name")
        self.subject = nonEmpty("subject")
        self.context = nonEmpty("context")
        self.template = nonEmpty("template")
        self.path = text("path")
        self.position = Self.position(object)
        self.tagsProvided = tagFilter("tags_provided")
        self.tagsRequired = tagFilter("tags_required")
        self.useTemplates = strings("use_templates")
        self.deleteValues = strings("delete_values")
        self.defaultValues = dictionary("default_values")
        self.overrideValues = dictionary("override_values")
        self.lockValues = strings("lock_values")
        self.provideTags = strings("provide_tags")
        self.requireTags = strings("require_tags")
        self.comment = text("comment") ?? ""
    }

    /// The pydantic model name Debusine's messages carry.
    public static let modelName = "DebusineTaskConfiguration"

    /// `position` as pydantic's lax integer reads it.
    private static func position(_ object: [String: JSONValue]) -> Int? {
        guard let value = object["position"], case .success(let number) = PydanticLaxInt.parse(value) else {
            return nil
        }
        return number
    }

    /// `DebusineTaskConfiguration`'s fields in declaration order, their validators and the model's.
    static let model = PydanticModel(
        modelName,
        [
            .optional("task_type", .nullable(.enumeration(TaskType.allCases.map(\.rawValue)))),
            .optional("task_name", .nullable(.string), validators: [noColons]),
            .optional("subject", .nullable(.string), validators: [noColons]),
            .optional("context", .nullable(.string)),
            .optional("path", .nullable(.string), validators: [safeYAMLRelativePath]),
            .optional("position", .nullable(.integer)),
            .optional("tags_provided", .union([.string, .list(.string)]), validators: [tagExpression]),
            .optional("tags_required", .union([.string, .list(.string)]), validators: [tagExpression]),
            .optional("template", .nullable(.string), validators: [noColons]),
            .optional("use_templates", .list(.string)),
            .optional("delete_values", .list(.string)),
            .optional("default_values", .dictionary(key: .string, value: .any)),
            .optional("override_values", .dictionary(key: .string, value: .any)),
            .optional("lock_values", .list(.string)),
            .optional("provide_tags", .list(.string)),
            .optional("require_tags", .list(.string)),
            .optional("comment", .string),
        ],
        modelValidator: { templateOrTaskMatch($0) ?? pathPositionLength($0) })

    /// `_validate_no_colons`.
    private static func noColons(_ value: JSONValue) -> String? {
        guard let text = value.stringValue, text.contains(":") else { return nil }
        return "\(JSONValue.pythonStringRepr(text)) may not contain ':'"
    }

    /// `safe_yaml_relpath`: a relative `.yaml`/`.yml` path without `.` or `..` elements.
    private static func safeYAMLRelativePath(_ value: JSONValue) -> String? {
        guard let text = value.stringValue else { return nil }
        let repr = JSONValue.pythonStringRepr(text)
        let components = text.split(separator: "/", omittingEmptySubsequences: false)
        if !(text.hasSuffix(".yaml") || text.hasSuffix(".yml")) { return "\(repr) must end with .yaml or .yml" }
        if text.hasPrefix("/") { return "\(repr) must not be an absolute path" }
        if components.contains(".") { return "\(repr) must not contain '.' as a path element" }
        if components.contains("..") { return "\(repr) must not contain '..' as a path element" }
        return nil
    }

    /// `taglist_or_tagexpr`: a string is a tag expression, which must parse.
    private static func tagExpression(_ value: JSONValue) -> String? {
        guard let text = value.stringValue else { return nil }
        do {
            _ = try TagExpression(parsing: text)
            return nil
        } catch {
            return "invalid tag expression: \(error.description)"
        }
    }

    /// `template_or_task_match`: a template names no task; any other entry names its task type and name.
    private static func templateOrTaskMatch(_ object: [String: JSONValue]) -> String? {
        func given(_ key: String) -> Bool { object[key]?.isPythonTruthy ?? false }
        if given("template") {
            let present = ["task_type", "task_name", "subject", "context"].filter(given)
            return present.isEmpty ? nil : "\(present.joined(separator: ", ")) should be empty if template is set"
        }
        let missing = ["task_type", "task_name"].filter { !given($0) }
        return missing.isEmpty
            ? nil : "\(missing.joined(separator: ", ")) should be set for non-template task configuration entries"
    }

    /// `path_position_length`: the `path:position` name fits Debusine's 255 characters.
    private static func pathPositionLength(_ object: [String: JSONValue]) -> String? {
        let candidateName = "\(object["path"]?.stringValue ?? "None"):\(position(object).map(String.init) ?? "None")"
        // Python's `len` counts code points, not Swift's grapheme clusters.
        let length = candidateName.unicodeScalars.count
        guard length > 255 else { return nil }
        // Debusine's message lacks the f prefix on its first part, so it prints the placeholder as is.
        return "path:position string {candidate_name!r} is \(length) characters and must be no longer than 255"
    }
}
