/// An input-field container (Debusine `tasks/inputs/inputs.py` `TaskFieldContainer`): the fields a task declares and
/// the values resolved (server side) or restored (worker side) so far.
///
/// The same type serves both sides, which is what lets a worker use field values "directly" without any
/// database or lookup: the server resolves and saves, the worker restores only the names it declares.
public struct ResolvedInputs: Hashable, Sendable {
    /// The declared fields, in declaration order.
    public let fields: [InputField]
    /// Resolved values by field name; a declared field without a value is unresolved.
    public private(set) var values: [String: InputFieldValue] = [:]

    /// The key under which dynamic task data keeps field values.
    public static let dynamicDataKey = "task_input_fields"

    /// An empty container for `fields`.
    ///
    /// - Throws: `TaskInputError.duplicateField` when two fields share a name.
    public init(fields: [InputField]) throws(TaskInputError) {
        var seen: Set<String> = []
        for field in fields where !seen.insert(field.name).inserted { throw .duplicateField(field.name) }
        self.fields = fields
    }

    /// The declaration of `name`, if declared.
    public func field(named name: String) -> InputField? { fields.first { $0.name == name } }

    /// Whether `name` has a value.
    public func isResolved(_ name: String) -> Bool { values[name] != nil }

    /// Stores a value for a declared field (resolution and restoring go through here).
    mutating func set(_ value: InputFieldValue, for name: String) { values[name] = value }

    /// The value of `name`.
    ///
    /// - Throws: `TaskInputError.unresolved` ("Cannot access unresolved input '<name>'") when it has none,
    ///   `.undeclared` when no such field exists.
    public func value(of name: String) throws(TaskInputError) -> InputFieldValue {
        guard field(named: name) != nil else { throw .undeclared(name) }
        guard let value = values[name] else { throw .unresolved(name) }
        return value
    }

    /// A required artifact (single or environment field).
    public func artifact(_ name: String) throws(TaskInputError) -> InputArtifactSingle {
        guard let artifact = try optionalArtifact(name) else {
            throw .kindMismatch(field: name, expected: "an artifact (it resolved to null)")
        }
        return artifact
    }

    /// An optional artifact (optional single or optional environment field).
    public func optionalArtifact(_ name: String) throws(TaskInputError) -> InputArtifactSingle? {
        guard case .artifact(let artifact) = try value(of: name) else {
            throw .kindMismatch(field: name, expected: "a single artifact")
        }
        return artifact
    }

    /// A list of single artifacts.
    public func artifactList(_ name: String) throws(TaskInputError) -> [InputArtifactSingle] {
        guard case .artifactList(let list) = try value(of: name) else {
            throw .kindMismatch(field: name, expected: "a list of artifacts")
        }
        return list
    }

    /// A multiple-lookup result.
    public func multiple(_ name: String) throws(TaskInputError) -> InputArtifactMultiple {
        guard case .multiple(let multiple) = try value(of: name) else {
            throw .kindMismatch(field: name, expected: "a multiple artifact lookup")
        }
        return multiple
    }

    /// A list of multiple-lookup results.
    public func multipleList(_ name: String) throws(TaskInputError) -> [InputArtifactMultiple] {
        guard case .multipleList(let list) = try value(of: name) else {
            throw .kindMismatch(field: name, expected: "a list of multiple artifact lookups")
        }
        return list
    }

    /// A suite and its archive.
    public func suiteArchive(
        _ name: String
    ) throws(TaskInputError)
        -> (suite: InputCollectionSingle, archive: InputCollectionSingle?)
    {
        guard case .suiteArchive(let suite, let archive) = try value(of: name) else {
            throw .kindMismatch(field: name, expected: "a suite/archive pair")
        }
        return (suite, archive)
    }

    /// A collection: a `CollectionInput` field, or the task-configuration field (nil when its default collection
    /// does not exist).
    public func collection(_ name: String) throws(TaskInputError) -> InputCollectionSingle? {
        guard case .collection(let collection) = try value(of: name) else {
            throw .kindMismatch(field: name, expected: "a collection")
        }
        return collection
    }

    /// A string (the build-architecture field).
    public func string(_ name: String) throws(TaskInputError) -> String {
        guard case .string(let text) = try value(of: name) else {
            throw .kindMismatch(field: name, expected: "a string")
        }
        return text
    }

    /// The extra repositories (nil when task data gives none).
    public func extraRepositories(_ name: String) throws(TaskInputError) -> [ExternalRepository]? {
        guard case .extraRepositories(let repositories) = try value(of: name) else {
            throw .kindMismatch(field: name, expected: "extra repositories")
        }
        return repositories
    }

    /// The persisted form of every resolved field, by name.
    public var savedFieldValues: [String: JSONValue] { values.mapValues(\.json) }

    /// `dynamicData` with this container's resolved values written under `task_input_fields` (Debusine
    /// `TaskFieldContainer.save_field_values`); keys of fields other containers saved there are kept.
    ///
    /// - Throws: `TaskInputError.badSavedValue` when `dynamicData` or its `task_input_fields` is not an object.
    public func saving(into dynamicData: JSONValue = .object([:])) throws(TaskInputError) -> JSONValue {
        guard case .object(var top) = dynamicData.isNull ? .object([:]) : dynamicData else {
            throw .badSavedValue(field: Self.dynamicDataKey, reason: "dynamic data is not an object")
        }
        let existing = top[Self.dynamicDataKey] ?? .object([:])
        guard case .object(var saved) = existing else {
            throw .badSavedValue(field: Self.dynamicDataKey, reason: "expected an object, got \(existing.typeName)")
        }
        for (name, value) in savedFieldValues { saved[name] = value }
        top[Self.dynamicDataKey] = .object(saved)
        return .object(top)
    }

    /// Restores the values of `fields` from dynamic task data (Debusine `TaskFieldContainer.restore_field_values`):
    /// only names this container declares are read, others are ignored; no resolver is involved.
    ///
    /// - Throws: `TaskInputError.badSavedValue` when a saved value does not fit its field.
    public static func restoring(
        fields: [InputField],
        from dynamicData: JSONValue
    ) throws(TaskInputError)
        -> ResolvedInputs
    {
        var inputs = try ResolvedInputs(fields: fields)
        let saved = dynamicData.value(atPath: dynamicDataKey)
        guard let saved, !saved.isNull else { return inputs }
        guard let object = saved.objectValue else {
            throw .badSavedValue(field: dynamicDataKey, reason: "expected an object, got \(saved.typeName)")
        }
        for field in fields {
            guard let json = object[field.name] else { continue }
            inputs.set(try InputFieldValue(json: json, kind: field.kind, field: field.name), for: field.name)
        }
        return inputs
    }
}
