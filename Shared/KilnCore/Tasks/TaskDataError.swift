/// Why task data does not validate against a task's data model. Every case names the dotted field, so the
/// submitter sees which value to fix.
public enum TaskDataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The data (or a nested part of it) is not a JSON object.
    case notAnObject(field: String, found: JSONValue)
    /// A required field is absent or null.
    case missingField(String)
    /// A field has the wrong JSON type.
    case wrongType(field: String, expected: String, found: JSONValue)
    /// A field has the right type but an unacceptable value.
    case invalidValue(field: String, value: JSONValue, reason: String)
    /// A field the model does not define (task data models are closed, as Debusine's pydantic models).
    case unknownField(String)
    /// The task's pydantic model refuses the data (`ExternalTask.dataModel`, `DBTask.dataModel`): every failure, as
    /// Debusine's `ValidationError` lists them.
    case model(PydanticValidationError)

    public var description: String {
        switch self {
        case .notAnObject(let field, let found):
            "task data\(field.isEmpty ? "" : " field '\(field)'") must be an object, not \(found.typeName) \(found.compactJSON)"
        case .missingField(let field): "task data field '\(field)' is required"
        case .wrongType(let field, let expected, let found):
            "task data field '\(field)' must be \(expected), not \(found.typeName) \(found.compactJSON)"
        case .invalidValue(let field, let value, let reason):
            "task data field '\(field)' has invalid value \(value.compactJSON): \(reason)"
        case .unknownField(let field):
            "task data field '\(field)' is not a field of this task (extra fields are not permitted)"
        case .model(let error): error.description
        }
    }
}
