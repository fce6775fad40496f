/// A single lookup as a user wrote it in task data: an artifact/collection id or a lookup string (Debusine
/// `tasks/models.py` `LookupSingle`).
///
/// Stored as written, as Debusine stores a `LookupSingle` (an int or a string has no other form).
public enum SingleLookup: Hashable, Sendable {
    /// An integer id (`12`).
    case id(Int)
    /// A lookup string (`"sid@debian:suite"`, `"12@artifacts"`, `"internal@collections/name:x"`).
    case string(String)

    /// Reads a single lookup; anything but an integer or a string is refused.
    ///
    /// - Parameters:
    ///   - field: where the value came from, named in the error.
    ///   - isElement: the value is an element `field[i]` of a list field, which Debusine's error words
    ///     differently from a field's own value.
    public init(json: JSONValue, field: String, isElement: Bool = false) throws(TaskInputError) {
        if let id = json.lookupID {
            self = .id(id)
            return
        }
        switch json {
        case .string(let text): self = .string(text)
        default:
            let expected = TaskInputError.PythonType.singleLookup
            throw isElement
                ? .wrongElementType(field: field, found: json, expected: expected)
                : .wrongType(field: field, found: json, expected: expected)
        }
    }

    /// The lookup as JSON, exactly as it was written.
    public var json: JSONValue {
        switch self {
        case .id(let id): .int(id)
        case .string(let text): .string(text)
        }
    }
}
