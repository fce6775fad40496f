/// Why a JSON object is not a valid `Input*` value (Debusine `tasks/models.py` `BaseTaskInput`: frozen, closed
/// objects).
///
/// Every case names the model and the offending key or value, so a bad dynamic-data payload is diagnosed
/// from the message alone. The validator sentences Debusine's models raise (`debusine/tasks/models.py`
/// `BaseTaskInputArtifact._validate_category`/`_validate_data`, `LookupMultiple`) follow the model name
/// word for word, so a message matches Debusine's `assertRaisesRegex` patterns.
public enum InputModelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The value is not a JSON object.
    case notAnObject(model: String, found: JSONValue)
    /// A key the model does not define (closed objects reject extra keys).
    case unknownKey(model: String, key: String)
    /// A required key is absent.
    case missingKey(model: String, key: String)
    /// A key holds a value of the wrong JSON type.
    case wrongType(model: String, key: String, expected: String, found: JSONValue)
    /// An artifact or collection category Debusine's `artifacts/models.py` does not know.
    case unknownCategory(model: String, category: String)
    /// `data` was given without `category` (data is only meaningful for a known category).
    case dataWithoutCategory(model: String)
    /// A multiple lookup that is neither an object nor a list (Debusine's `LookupMultiple` validator).
    case multipleLookupShape(model: String)

    public var description: String {
        switch self {
        case .notAnObject(let model, let found):
            "\(model) must be a JSON object, not \(found.typeName) \(found.compactJSON)"
        case .unknownKey(let model, let key):
            "\(model) has unknown key '\(key)' (extra keys are not permitted)"
        case .missingKey(let model, let key):
            "\(model) is missing required key '\(key)'"
        case .wrongType(let model, let key, let expected, let found):
            "\(model).\(key) must be \(expected), not \(found.typeName) \(found.compactJSON)"
        case .unknownCategory(let model, let category):
            "\(model): Category \(JSONValue.pythonStringRepr(category)) is not supported"
        case .dataWithoutCategory(let model):
            "\(model): Category must be present if data is supplied"
        case .multipleLookupShape(let model):
            "\(model): \(LookupMultiple.wrongTypeMessage)"
        }
    }
}

/// Reads a closed JSON object: every key must be one the model declares.
struct ClosedObjectReader {
    let model: String
    let members: [String: JSONValue]

    init(_ json: JSONValue, model: String, keys: Set<String>) throws(InputModelError) {
        guard case .object(let members) = json else { throw .notAnObject(model: model, found: json) }
        if let extra = members.keys.filter({ !keys.contains($0) }).sorted().first {
            throw .unknownKey(model: model, key: extra)
        }
        self.model = model
        self.members = members
    }

    /// The value of `key`, treating JSON `null` as absent.
    func present(_ key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    func required(_ key: String) throws(InputModelError) -> JSONValue {
        guard let value = present(key) else { throw .missingKey(model: model, key: key) }
        return value
    }

    func optionalInt(_ key: String) throws(InputModelError) -> Int? {
        guard let value = present(key) else { return nil }
        guard let int = value.intValue else {
            throw .wrongType(model: model, key: key, expected: "an integer", found: value)
        }
        return int
    }

    func int(_ key: String) throws(InputModelError) -> Int {
        guard let int = try optionalInt(key) else { throw .missingKey(model: model, key: key) }
        return int
    }

    func optionalString(_ key: String) throws(InputModelError) -> String? {
        guard let value = present(key) else { return nil }
        guard let text = value.stringValue else {
            throw .wrongType(model: model, key: key, expected: "a string", found: value)
        }
        return text
    }

    func string(_ key: String) throws(InputModelError) -> String {
        guard let text = try optionalString(key) else { throw .missingKey(model: model, key: key) }
        return text
    }

    func optionalObject(_ key: String) throws(InputModelError) -> [String: JSONValue]? {
        guard let value = present(key) else { return nil }
        guard let object = value.objectValue else {
            throw .wrongType(model: model, key: key, expected: "an object", found: value)
        }
        return object
    }

    func object(_ key: String) throws(InputModelError) -> [String: JSONValue] {
        guard let object = try optionalObject(key) else { throw .missingKey(model: model, key: key) }
        return object
    }

    func singleLookup(_ key: String) throws(InputModelError) -> SingleLookup {
        let value = try required(key)
        switch value {
        case .int(let id): return .id(id)
        case .string(let text): return .string(text)
        default: throw .wrongType(model: model, key: key, expected: "an integer or a string", found: value)
        }
    }
}
