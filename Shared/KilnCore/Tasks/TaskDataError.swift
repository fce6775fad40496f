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
    /// The data is not a JSON object, so Debusine's `DBTask` cannot even call its model: Python's `TypeError` for
    /// `NoopData(**[1])`, the model named with its module (`debusine.tasks.models.NoopData`).
    case notAMapping(model: String, found: JSONValue)

    /// The error as Debusine's API prints it after `Error: ` (`{exception!r}`): Python's `TypeError(…)` for data
    /// that is not an object, the text itself for a pydantic `ValidationError` (whose repr is its text) and for
    /// Kiln's other checks.
    public var pythonExceptionRepr: String {
        if case .notAMapping = self { return "TypeError(\(JSONValue.pythonStringRepr(description)))" }
        return description
    }

    /// The Python module Debusine 0.16 defines the data models of `type`'s tasks in.
    public static func modelModule(of type: TaskType) -> String {
        switch type {
        case .server: "debusine.server.tasks.models"
        case .signing: "debusine.signing.tasks.models"
        case .workflow: "debusine.server.workflows.models"
        case .wait: "debusine.server.tasks.wait.models"
        case .worker, .internal: "debusine.tasks.models"
        }
    }

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
        case .notAMapping(let model, let found):
            "\(model)() argument after ** must be a mapping, not \(PydanticValidationError.pythonTypeName(found))"
        }
    }
}
