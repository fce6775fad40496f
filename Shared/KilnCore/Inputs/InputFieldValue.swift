/// The resolved value of one input field, in the shape its kind produces, and its persisted JSON form under
/// `task_input_fields` (Debusine `tasks/inputs/serializers.py`: objects, arrays, the suite/archive pair as a 2-element
/// array, scalars unchanged).
public enum InputFieldValue: Hashable, Sendable {
    /// Single, database-artifact, optional single, environment and optional environment fields.
    case artifact(InputArtifactSingle?)
    /// Single-list fields.
    case artifactList([InputArtifactSingle])
    /// Multiple fields, uploads' binaries and unsigned artifacts.
    case multiple(InputArtifactMultiple)
    /// Multiple-list fields.
    case multipleList([InputArtifactMultiple])
    /// Suite/archive fields.
    case suiteArchive(suite: InputCollectionSingle, archive: InputCollectionSingle?)
    /// Collection fields, and the task-configuration field (`nil` when its default collection does not exist).
    case collection(InputCollectionSingle?)
    /// The build-architecture and server-FQDN fields.
    case string(String)
    /// The extra-repositories field: every repository as a worker uses it, or `nil` when task data gives none
    /// (Debusine's `ExtraRepositoriesInput`).
    case extraRepositories([ExternalRepository]?)
    /// `copycollectionitems`' copies.
    case collectionItemCopies([InputCollectionItemCopies])

    /// The persisted JSON form.
    public var json: JSONValue {
        switch self {
        case .artifact(let value): value?.json ?? .null
        case .artifactList(let values): .array(values.map(\.json))
        case .multiple(let value): value.json
        case .multipleList(let values): .array(values.map(\.json))
        case .suiteArchive(let suite, let archive): .array([suite.json, archive?.json ?? .null])
        case .collection(let value): value?.json ?? .null
        case .string(let text): .string(text)
        case .extraRepositories(let repositories): repositories.map { .array($0.map(\.json)) } ?? .null
        case .collectionItemCopies(let copies): .array(copies.map(\.json))
        }
    }

    /// Reads a persisted value back, in the shape `kind` resolves to.
    ///
    /// - Throws: `TaskInputError.badSavedValue` naming the field and the problem.
    public init(json: JSONValue, kind: InputFieldKind, field: String) throws(TaskInputError) {
        if json.isNull {
            guard kind.allowsNull else { throw .badSavedValue(field: field, reason: "null is not allowed") }
            switch kind {
            case .taskConfigurationCollection: self = .collection(nil)
            case .extraRepositories: self = .extraRepositories(nil)
            default: self = .artifact(nil)
            }
            return
        }
        do {
            switch kind {
            case .single, .databaseArtifact, .optionalSingle, .environment, .optionalEnvironment:
                self = .artifact(try InputArtifactSingle(json: json))
            case .singleList:
                self = .artifactList(
                    try Self.elements(of: json, field: field).map { element throws(InputModelError) in
                        try InputArtifactSingle(json: element)
                    }
                )
            case .multiple, .uploadArtifacts, .unsignedArtifacts:
                self = .multiple(try InputArtifactMultiple(json: json))
            case .multipleList:
                self = .multipleList(
                    try Self.elements(of: json, field: field).map { element throws(InputModelError) in
                        try InputArtifactMultiple(json: element)
                    }
                )
            case .suiteArchive:
                // Debusine's `SuiteArchiveInputSerializer.deserialize` wording.
                let pair = try Self.elements(of: json, field: field)
                guard pair.count == 2 else {
                    throw TaskInputError.badSavedValue(
                        field: field,
                        reason: "Value \(json.pythonRepr) should be a list of exactly two items"
                    )
                }
                let archive = pair[1].isNull ? nil : try InputCollectionSingle(json: pair[1])
                self = .suiteArchive(suite: try InputCollectionSingle(json: pair[0]), archive: archive)
            case .taskConfigurationCollection, .collection:
                self = .collection(try InputCollectionSingle(json: json))
            case .extraRepositories:
                // Debusine's `ExtraRepositoriesSerializer.deserialize`.
                self = .extraRepositories(
                    try Self.elements(of: json, field: field).map { element throws(TaskInputError) in
                        do { return try ExternalRepository(json: element) } catch {
                            throw .badSavedValue(field: field, reason: "\(error)")
                        }
                    }
                )
            case .collectionItemCopies:
                self = .collectionItemCopies(
                    try Self.elements(of: json, field: field).map { element throws(InputModelError) in
                        try InputCollectionItemCopies(json: element)
                    }
                )
            case .buildArchitecture, .serverFQDN:
                guard let text = json.stringValue else {
                    throw TaskInputError.badSavedValue(field: field, reason: "expected a string, got \(json.typeName)")
                }
                self = .string(text)
            }
        } catch let error as TaskInputError {
            throw error
        } catch let error as InputModelError {
            throw .badSavedValue(field: field, reason: "\(error)")
        } catch {
            throw .badSavedValue(field: field, reason: "\(error)")
        }
    }

    private static func elements(of json: JSONValue, field: String) throws(TaskInputError) -> [JSONValue] {
        guard let elements = json.arrayValue else {
            throw .badSavedValue(
                field: field,
                reason: "Value \(json.pythonRepr) is not an instance of \(TaskInputError.PythonType.list)"
            )
        }
        return elements
    }
}
