/// Why an input field cannot be read, resolved, saved or restored (Debusine's `TaskConfigError` for input
/// fields, as raised by `db/tasks/resolver.py` `DBFieldResolver.get_field`). Messages follow Debusine's wording, so
/// logs read the same.
public indirect enum TaskInputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The dotted path is absent from task data and the field has no default.
    case attributeNotFound(String)
    /// The task-data value at the dotted path `field` has the wrong type; `expected` is the type as Python
    /// prints it (`<class 'list'>`, `int | str`), as Debusine's `DBFieldResolver.get_field` words it.
    case wrongType(field: String, found: JSONValue, expected: String)
    /// An element `field[i]` of a list field has the wrong type (Debusine's
    /// `FieldResolver.get_field_collection`).
    case wrongElementType(field: String, found: JSONValue, expected: String)
    /// The value has the right type but is not acceptable.
    case invalidValue(field: String, value: JSONValue, reason: String)
    /// A field was read before it was resolved (or restored).
    case unresolved(String)
    /// No field of this name is declared on the container.
    case undeclared(String)
    /// Two fields of one container share a name.
    case duplicateField(String)
    /// A field was read through an accessor of another kind (a programming error, reported clearly).
    case kindMismatch(field: String, expected: String)
    /// The lookup failed; the failure keeps "not found" apart from "invalid".
    case lookup(LookupFailure)
    /// A lookup named in task data failed, worded as Debusine's DB inputs word it
    /// (`debusine/db/tasks/inputs.py`: `Lookup for field 'F' in scope/workspace failed: …`).
    case fieldLookupFailed(field: String, workspace: String, category: String? = nil, LookupFailure)
    /// The lookup found something that is not an artifact.
    case notAnArtifact(label: String)
    /// The lookup found something that is not a collection.
    case notACollection(label: String)
    /// The artifact's category is not one the field allows.
    case unexpectedCategory(label: String, category: String, allowed: Set<String>)
    /// The collection's category is not the one the field needs.
    case unexpectedCollectionCategory(label: String, category: String, expected: String)
    /// A looked-up record names a workspace the resolver does not know.
    case unknownWorkspace(id: Int)
    /// The value could not be turned into (or read back from) its `Input*` model.
    case model(InputModelError)
    /// A saved `task_input_fields` entry does not fit its field.
    case badSavedValue(field: String, reason: String)
    /// A Debusine-hosted extra repository names no components and its suite's data has none (Debusine
    /// `DBFieldResolver._resolve_extra_repository`: `'components' not set for SUITE`).
    case componentsNotSet(suite: String)
    /// A Debusine-hosted extra repository whose suite has an `InRelease` index: Debusine serves it from its
    /// archive URL, which Kiln does not have yet (deploy/docs/fidelity.md).
    case unservedSuite(suite: String)
    /// A `copycollectionitems` source lookup found a whole collection (Debusine `server/tasks/inputs/inputs.py`
    /// `CopyCollectionItemsCopiesInput.resolve`).
    case cannotCopyCollections(field: String, workspace: String)
    /// The error happened while resolving this field. Debusine records the field with `exc.add_note`
    /// (`debusine/tasks/inputs/resolver.py` `FieldResolver.resolve_inputs`), which `str(exc)` does not show,
    /// so the description is the inner error's alone and the field name stays here for logs and callers.
    case whileResolving(field: String, TaskInputError)

    public var description: String {
        switch self {
        case .attributeNotFound(let path): "Task input attribute '\(path)' not found"
        case .componentsNotSet(let suite): "'components' not set for \(suite)"
        case .cannotCopyCollections(let field, let workspace):
            "Bad lookup result from field '\(field)' in \(workspace): Cannot copy entire collections"
        case .unservedSuite(let suite):
            "\(suite) has an InRelease index, but Kiln does not serve its suites as APT repositories yet"
        case .wrongType(let field, let found, let expected):
            "Task input attribute \(JSONValue.pythonStringRepr(field)) is \(found.pythonRepr) which is not of type \(expected)"
        case .wrongElementType(let field, let found, let expected):
            "Task data field \(field) is \(found.pythonRepr) which is not of type \(expected)"
        case .invalidValue(let field, let value, let reason): "\(field): invalid value \(value.compactJSON): \(reason)"
        case .unresolved(let name): "Cannot access unresolved input '\(name)'"
        case .undeclared(let name): "No input field named '\(name)' is declared"
        case .duplicateField(let name): "Input field '\(name)' is declared twice"
        case .kindMismatch(let field, let expected): "Input field '\(field)' does not hold \(expected)"
        case .lookup(let failure): failure.message
        case .fieldLookupFailed(let field, let workspace, let category, let failure):
            "Lookup for field \(JSONValue.pythonStringRepr(field)) in \(workspace)"
                + (category.map { " with category '\($0)'" } ?? "") + " failed: \(failure.message)"
        case .notAnArtifact(let label): "\(label): lookup result is not an artifact"
        case .notACollection(let label): "\(label): lookup result is not a collection"
        case .unexpectedCategory(let label, let category, let allowed):
            "\(label): unexpected artifact category: '\(category)'. Valid categories: "
                + JSONValue.array(allowed.sorted().map(JSONValue.string)).pythonRepr
        case .unexpectedCollectionCategory(let label, let category, let expected):
            "\(label): unexpected collection category: '\(category)'. Expected: '\(expected)'"
        case .unknownWorkspace(let id): "workspace \(id) of a lookup result is unknown"
        case .model(let error): error.description
        case .badSavedValue(let field, let reason): "saved value of input '\(field)' is invalid: \(reason)"
        case .whileResolving(_, let error): error.description
        }
    }

    /// Python's text for the types input fields read, as Debusine's type errors print them.
    public enum PythonType {
        /// `str`.
        public static let string = "<class 'str'>"
        /// `list`.
        public static let list = "<class 'list'>"
        /// `LookupSingle` (`int | str`).
        public static let singleLookup = "int | str"
    }

    /// The innermost error, without the `whileResolving` notes.
    public var underlying: TaskInputError {
        if case .whileResolving(_, let inner) = self { return inner.underlying }
        return self
    }
}
