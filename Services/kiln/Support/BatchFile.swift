import KilnCore

/// The work requests of a `kiln submit --batch FILE`: a JSON or YAML list of objects, each
///
///     {"task": "sbuild", "type": "worker", "data": {…}, "priority": 0, "depends_on": [12], "after": [0],
///      "workflow_data": {"allow_failure": true}}
///
/// `task` is required; `type` defaults to the type that registers the task name (worker, then server), `data` to `{}`, `priority` to 0; `depends_on` names
/// existing work requests by id, `after` earlier entries of the same file by position (0 is the first);
/// `workflow_data` is Debusine's (`allow_failure`, `allow_dependency_failures`, …).
/// Every error names the entry and the key, so a 10,000-line file is fixed in one go.
struct BatchFile {
    /// One entry as written.
    struct Entry {
        /// The `type` given, if any: without one the task name decides (`SubmittableTasks.resolve`).
        var requestedType: TaskType?
        /// The type the entry is submitted as, once resolved.
        var taskType: TaskType = .worker
        var taskName: String
        var taskData: JSONValue
        var priority: Int
        var dependsOn: [Int]
        var after: [Int]
        var workflowData: WorkflowData
    }

    static let keys: Set<String> = ["task", "type", "data", "priority", "depends_on", "after", "workflow_data"]

    var entries: [Entry]

    /// Parses `document` (already read by `DataInput`).
    init(_ document: JSONValue, source: String) throws {
        guard let list = document.arrayValue else {
            throw CLIError("--batch \(source): expected a list of work requests, found \(document.typeName)")
        }
        guard !list.isEmpty else { throw CLIError("--batch \(source): the list is empty") }
        entries = try list.enumerated().map { position, value in
            try Self.entry(value, position: position, count: list.count, source: source)
        }
    }

    private static func entry(_ value: JSONValue, position: Int, count: Int, source: String) throws -> Entry {
        func fail(_ reason: String) -> CLIError { CLIError("--batch \(source): entry \(position): \(reason)") }
        guard let object = value.objectValue else { throw fail("expected an object, found \(value.typeName)") }
        if let unknown = object.keys.sorted().first(where: { !keys.contains($0) }) {
            throw fail("unknown key '\(unknown)' (known: \(keys.sorted().joined(separator: ", ")))")
        }
        guard let name = object["task"]?.stringValue, !name.isEmpty else {
            throw fail("'task' (the task name, e.g. noop or sbuild) is required and must be a string")
        }
        var type: TaskType?
        if let raw = object["type"] {
            guard let text = raw.stringValue, let parsed = TaskType(caseInsensitive: text) else {
                throw fail(
                    "'type' must be one of "
                        + TaskType.allCases.map { $0.rawValue.lowercased() }.joined(separator: ", ")
                        + ", got \(raw.compactJSON)")
            }
            type = parsed
        }
        let data = object["data"] ?? [:]
        guard data.objectValue != nil else { throw fail("'data' must be an object, got \(data.typeName)") }
        var priority = 0
        if let raw = object["priority"] {
            guard let number = raw.intValue else { throw fail("'priority' must be an integer, got \(raw.compactJSON)") }
            priority = number
        }
        func integers(_ key: String) throws -> [Int] {
            guard let raw = object[key] else { return [] }
            guard let list = raw.arrayValue, let numbers = Optional(list.compactMap(\.intValue)),
                numbers.count == list.count
            else { throw fail("'\(key)' must be a list of integers, got \(raw.compactJSON)") }
            return numbers
        }
        let dependsOn = try integers("depends_on")
        if let bad = dependsOn.first(where: { $0 < 1 }) {
            throw fail("'depends_on' names work request ids (1 or more), got \(bad)")
        }
        let after = try integers("after")
        if let bad = after.first(where: { $0 < 0 || $0 >= position }) {
            throw fail(
                position == 0
                    ? "'after' names earlier entries, and entry 0 has none (got \(bad))"
                    : "'after' names earlier entries by position, 0…\(position - 1), got \(bad)")
        }
        let workflowData = try object["workflow_data"].map {
            try WorkflowDataInput.parse($0, what: "--batch \(source): entry \(position): 'workflow_data'")
        } ?? WorkflowData()
        return Entry(
            requestedType: type, taskName: name, taskData: data, priority: priority, dependsOn: dependsOn, after: after,
            workflowData: workflowData)
    }
}
