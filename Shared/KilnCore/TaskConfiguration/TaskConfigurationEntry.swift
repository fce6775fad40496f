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

    /// Validates and decodes an item's bare data, as Debusine's pydantic model `DebusineTaskConfiguration`
    /// (`artifacts/models.py`) does: every field checked with pydantic's types and lax integers, unknown keys
    /// refused, then the model rules (template or task match, the `path:position` length).
    ///
    /// Empty strings in `task_name`, `subject`, `context` and `template` count as absent, as Debusine's
    /// truthiness checks treat them.
    ///
    /// - Throws: `PydanticValidationError` worded as pydantic words Debusine's.
    public init(data: JSONValue) throws(PydanticValidationError) {
        guard let object = data.objectValue else {
            throw Self.invalid([
                PydanticValidationError.Failure(
                    location: "",
                    message: "Input should be a valid dictionary or instance of \(Self.modelName)",
                    type: "model_type", input: data)
            ])
        }
        var reader = EntryReader(object: object)
        let taskType = reader.taskType()
        let taskName = reader.optionalString("task_name", forbidColons: true)
        let subject = reader.optionalString("subject", forbidColons: true)
        let context = reader.optionalString("context")
        let path = reader.path()
        let position = reader.optionalInt("position")
        let tagsProvided = reader.tagFilter("tags_provided")
        let tagsRequired = reader.tagFilter("tags_required")
        let template = reader.optionalString("template", forbidColons: true)
        let useTemplates = reader.stringList("use_templates")
        let deleteValues = reader.stringList("delete_values")
        let defaultValues = reader.dictionary("default_values")
        let overrideValues = reader.dictionary("override_values")
        let lockValues = reader.stringList("lock_values")
        let provideTags = reader.stringList("provide_tags")
        let requireTags = reader.stringList("require_tags")
        let comment = reader.string("comment")
        for key in object.keys.sorted() where !Self.knownKeys.contains(key) {
            reader.failures.append(
                PydanticValidationError.Failure(
                    location: key, message: "Extra inputs are not permitted", type: "extra_forbidden",
                    input: object[key]!))
        }
        guard reader.failures.isEmpty else { throw Self.invalid(reader.failures) }

        self.taskType = taskType
        self.taskName = taskName.flatMap { $0.isEmpty ? nil : $0 }
        self.subject = subject.flatMap { $0.isEmpty ? nil : $0 }
        self.context = context.flatMap { $0.isEmpty ? nil : $0 }
        self.template = template.flatMap { $0.isEmpty ? nil : $0 }
        self.path = path
        self.position = position
        self.tagsProvided = tagsProvided
        self.tagsRequired = tagsRequired
        self.useTemplates = useTemplates
        self.deleteValues = deleteValues
        self.defaultValues = defaultValues
        self.overrideValues = overrideValues
        self.lockValues = lockValues
        self.provideTags = provideTags
        self.requireTags = requireTags
        self.comment = comment

        // The model validators: `template_or_task_match`, then `path_position_length`.
        if self.template != nil {
            let present = [("task_type", taskType != nil), ("task_name", self.taskName != nil),
                           ("subject", self.subject != nil), ("context", self.context != nil)]
                .filter(\.1).map(\.0)
            if !present.isEmpty {
                throw Self.invalid([
                    .valueError("", "\(present.joined(separator: ", ")) should be empty if template is set", input: data)
                ])
            }
        } else {
            let missing = [("task_type", taskType != nil), ("task_name", self.taskName != nil)].filter { !$0.1 }.map(\.0)
            if !missing.isEmpty {
                throw Self.invalid([
                    .valueError(
                        "", "\(missing.joined(separator: ", ")) should be set for non-template task configuration entries",
                        input: data)
                ])
            }
        }
        let candidateName = "\(path ?? "None"):\(position.map(String.init) ?? "None")"
        if candidateName.count > 255 {
            // Debusine's message lacks the f prefix on its first part, so it prints the placeholder as is.
            throw Self.invalid([
                .valueError(
                    "", "path:position string {candidate_name!r} is \(candidateName.count) characters and must be "
                        + "no longer than 255", input: data)
            ])
        }
    }

    /// The pydantic model name Debusine's messages carry.
    public static let modelName = "DebusineTaskConfiguration"

    static func invalid(_ failures: [PydanticValidationError.Failure]) -> PydanticValidationError {
        PydanticValidationError(model: modelName, failures: failures)
    }
}

/// Reads an entry's keys with pydantic's rules, collecting every failure (pydantic reports them all).
private struct EntryReader {
    let object: [String: JSONValue]
    var failures: [PydanticValidationError.Failure] = []

    init(object: [String: JSONValue]) { self.object = object }

    private mutating func fail(_ location: String, _ message: String, _ type: String, _ input: JSONValue) {
        failures.append(PydanticValidationError.Failure(location: location, message: message, type: type, input: input))
    }

    /// `TaskTypes | None`.
    mutating func taskType() -> TaskType? {
        guard let value = object["task_type"], !value.isNull else { return nil }
        if let text = value.stringValue, let type = TaskType(rawValue: text) { return type }
        let names = TaskType.allCases.map { "'\($0.rawValue)'" }
        fail("task_type", "Input should be \(names.dropLast().joined(separator: ", ")) or \(names.last!)", "enum", value)
        return nil
    }

    /// `str | None`, optionally refusing colons (Debusine's `_validate_no_colons`).
    mutating func optionalString(_ key: String, forbidColons: Bool = false) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let text = value.stringValue else {
            fail(key, "Input should be a valid string", "string_type", value)
            return nil
        }
        if forbidColons, text.contains(":") {
            failures.append(.valueError(key, "\(JSONValue.pythonStringRepr(text)) may not contain ':'", input: value))
            return nil
        }
        return text
    }

    /// `str` with default "" (null refused).
    mutating func string(_ key: String) -> String {
        guard let value = object[key] else { return "" }
        guard let text = value.stringValue else {
            fail(key, "Input should be a valid string", "string_type", value)
            return ""
        }
        return text
    }

    /// `path`: a relative `.yaml`/`.yml` path without `.` or `..` elements (Debusine's `safe_yaml_relpath`).
    mutating func path() -> String? {
        guard let text = optionalString("path") else { return nil }
        let repr = JSONValue.pythonStringRepr(text)
        let components = text.split(separator: "/", omittingEmptySubsequences: false)
        let problem: String? =
            if !(text.hasSuffix(".yaml") || text.hasSuffix(".yml")) { "\(repr) must end with .yaml or .yml" }
            else if text.hasPrefix("/") { "\(repr) must not be an absolute path" }
            else if components.contains(".") { "\(repr) must not contain '.' as a path element" }
            else if components.contains("..") { "\(repr) must not contain '..' as a path element" }
            else { nil }
        if let problem {
            failures.append(.valueError("path", problem, input: .string(text)))
            return nil
        }
        return text
    }

    /// `int | None` in pydantic's lax mode: integers, integral floats, booleans and integer strings.
    mutating func optionalInt(_ key: String) -> Int? {
        guard let value = object[key], !value.isNull else { return nil }
        switch PydanticLaxInt.parse(value) {
        case .success(let number): return number
        case .failure(let failure):
            fail(key, failure.message, failure.type, value)
            return nil
        }
    }

    /// `list[str]` with default [] (null refused).
    mutating func stringList(_ key: String) -> [String] {
        guard let value = object[key] else { return [] }
        guard let list = value.arrayValue else {
            fail(key, "Input should be a valid list", "list_type", value)
            return []
        }
        var texts: [String] = []
        for (index, element) in list.enumerated() {
            guard let text = element.stringValue else {
                fail("\(key).\(index)", "Input should be a valid string", "string_type", element)
                continue
            }
            texts.append(text)
        }
        return texts
    }

    /// `dict[str, Any]` with default {} (null refused).
    mutating func dictionary(_ key: String) -> [String: JSONValue] {
        guard let value = object[key] else { return [:] }
        guard let dictionary = value.objectValue else {
            fail(key, "Input should be a valid dictionary", "dict_type", value)
            return [:]
        }
        return dictionary
    }

    /// `str | list[str]` with default [], a string being a tag expression (Debusine's `taglist_or_tagexpr`).
    mutating func tagFilter(_ key: String) -> TagFilter? {
        guard let value = object[key] else { return nil }
        if let text = value.stringValue {
            do {
                return .expression(try TagExpression(parsing: text))
            } catch {
                failures.append(.valueError(key, "invalid tag expression: \(error.description)", input: value))
                return nil
            }
        }
        guard let list = value.arrayValue else {
            fail("\(key).str", "Input should be a valid string", "string_type", value)
            fail("\(key).list[str]", "Input should be a valid list", "list_type", value)
            return nil
        }
        if let index = list.firstIndex(where: { $0.stringValue == nil }) {
            fail("\(key).str", "Input should be a valid string", "string_type", value)
            for (position, element) in list.enumerated().dropFirst(index) where element.stringValue == nil {
                fail("\(key).list[str].\(position)", "Input should be a valid string", "string_type", element)
            }
            return nil
        }
        return .allOf(list.compactMap(\.stringValue))
    }
}
