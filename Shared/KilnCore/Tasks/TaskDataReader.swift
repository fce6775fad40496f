/// Reads a closed task-data object field by field, with errors naming the full dotted field.
///
/// Task data models call the typed readers for every field they define and then `finish()`, which refuses
/// any key left over: a typo in task data is an error, not a silently ignored setting.
public struct TaskDataReader {
    /// The dotted path of this object inside the task data ("" at the top).
    public let path: String
    private let members: [String: JSONValue]
    private var consumed: Set<String> = []

    /// - Throws: `TaskDataError.notAnObject` when `json` is not an object.
    public init(_ json: JSONValue, path: String = "") throws(TaskDataError) {
        guard case .object(let members) = json else { throw .notAnObject(field: path, found: json) }
        self.path = path
        self.members = members
    }

    /// Every key of this object, sorted (for maps such as `extra_environment`).
    public var keys: [String] { members.keys.sorted() }

    /// The dotted name of `key` in this object.
    public func fieldName(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The raw value of `key` (null counts as absent), marking it as read.
    public mutating func raw(_ key: String) -> JSONValue? {
        // Only keys present matter to `finish()`; not hashing the absent ones keeps reading cheap.
        guard let value = members[key] else { return nil }
        consumed.insert(key)
        guard !value.isNull else { return nil }  // not `value.isNull ? nil : value`: that nil is JSONValue.null
        return value
    }

    /// A required string.
    public mutating func string(_ key: String) throws(TaskDataError) -> String {
        guard let text = try optionalString(key) else { throw .missingField(fieldName(key)) }
        return text
    }

    /// An optional string.
    public mutating func optionalString(_ key: String) throws(TaskDataError) -> String? {
        guard let value = raw(key) else { return nil }
        guard let text = value.stringValue else {
            throw .wrongType(field: fieldName(key), expected: "a string", found: value)
        }
        return text
    }

    /// A boolean with a default, read as pydantic's lax mode reads one (`PydanticLaxBool`: `1`, `"yes"`, …).
    public mutating func bool(_ key: String, default defaultValue: Bool) throws(TaskDataError) -> Bool {
        guard let value = raw(key) else { return defaultValue }
        guard let flag = PydanticLaxBool.parse(value) else {
            throw .wrongType(field: fieldName(key), expected: "a boolean", found: value)
        }
        return flag
    }

    /// An optional integer within `range`, read as pydantic's lax mode reads one (`PydanticLaxInt`).
    public mutating func optionalInt(
        _ key: String,
        in range: ClosedRange<Int> = Int.min...Int.max
    )
        throws(TaskDataError) -> Int?
    {
        guard let value = raw(key) else { return nil }
        // pydantic's lax integers, as Debusine's task data models read them: `3`, `3.0`, `"3"`, `true`.
        guard case .success(let number) = PydanticLaxInt.parse(value) else {
            throw .wrongType(field: fieldName(key), expected: "an integer", found: value)
        }
        guard range.contains(number) else {
            throw .invalidValue(
                field: fieldName(key),
                value: value,
                reason: "must be between \(range.lowerBound) and \(range.upperBound)"
            )
        }
        return number
    }

    /// A list of strings (default empty).
    public mutating func stringList(
        _ key: String,
        default defaultValue: [String] = []
    ) throws(TaskDataError) -> [String] {
        guard let value = raw(key) else { return defaultValue }
        guard let elements = value.arrayValue else {
            throw .wrongType(field: fieldName(key), expected: "a list of strings", found: value)
        }
        var texts: [String] = []
        for (index, element) in elements.enumerated() {
            guard let text = element.stringValue else {
                throw .wrongType(field: "\(fieldName(key))[\(index)]", expected: "a string", found: element)
            }
            texts.append(text)
        }
        return texts
    }

    /// A string that must be one of `allowed`, with a default.
    public mutating func choice(
        _ key: String,
        from allowed: [String],
        default defaultValue: String
    )
        throws(TaskDataError) -> String
    {
        guard let text = try optionalString(key) else { return defaultValue }
        guard allowed.contains(text) else {
            throw .invalidValue(
                field: fieldName(key),
                value: .string(text),
                reason: "must be one of \(allowed.joined(separator: ", "))"
            )
        }
        return text
    }

    /// A required single lookup (integer or string; an integral number such as `3.0` read as the id).
    public mutating func singleLookup(_ key: String) throws(TaskDataError) -> JSONValue {
        guard let lookup = try optionalSingleLookup(key) else { throw .missingField(fieldName(key)) }
        return lookup
    }

    /// An optional single lookup (an integral number such as `3.0` read as the id it stands for).
    public mutating func optionalSingleLookup(_ key: String) throws(TaskDataError) -> JSONValue? {
        guard let value = raw(key) else { return nil }
        if let id = value.lookupID { return .int(id) }
        switch value {
        case .string: return value
        default: throw .wrongType(field: fieldName(key), expected: "a single lookup (integer or string)", found: value)
        }
    }

    /// A multiple lookup (object or list), with a default, kept as written.
    ///
    /// The lookup is parsed here, so what Debusine's pydantic validation of a `LookupMultiple` field refuses
    /// when a work request is created is refused when the task data is read, not when inputs are resolved:
    /// a string or integer (`Lookup of multiple collection items must be a dictionary or a list`,
    /// `tasks/tests/test_models.py` `LookupTests.test_wrong_type`), a dictionary with an unknown or
    /// conflicting matcher, a bad `child_type`, a nested list.
    public mutating func multipleLookup(
        _ key: String,
        default defaultValue: JSONValue? = nil
    )
        throws(TaskDataError) -> JSONValue
    {
        guard let value = raw(key) else {
            guard let defaultValue else { throw .missingField(fieldName(key)) }
            return defaultValue
        }
        do {
            _ = try LookupMultiple(parsing: value)
        } catch {
            throw .invalidValue(field: fieldName(key), value: value, reason: error.message)
        }
        return value
    }

    /// A nested object, read by its own reader (nil when absent).
    public mutating func object(_ key: String) throws(TaskDataError) -> TaskDataReader? {
        guard let value = raw(key) else { return nil }
        return try TaskDataReader(value, path: fieldName(key))
    }

    /// The executor backend (default `auto`).
    public mutating func backend(_ key: String = "backend") throws(TaskDataError) -> ExecutorBackend {
        guard let name = try optionalString(key) else { return .auto }
        guard let backend = ExecutorBackend(rawValue: name) else {
            throw .invalidValue(
                field: fieldName(key),
                value: .string(name),
                reason: "must be one of \(ExecutorBackend.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return backend
    }

    /// The `task_configuration` lookup every task's data may carry (Debusine `tasks/models.py`
    /// `BaseTaskData.task_configuration`); nil means the default.
    public mutating func taskConfiguration() throws(TaskDataError) -> JSONValue? {
        try optionalSingleLookup(InputField.taskConfigurationName)
    }

    /// Refuses any key of this object no reader asked for.
    public func finish() throws(TaskDataError) {
        if let extra = members.keys.filter({ !consumed.contains($0) }).sorted().first {
            throw .unknownField(fieldName(extra))
        }
    }
}
