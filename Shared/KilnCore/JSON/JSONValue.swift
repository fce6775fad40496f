import Foundation

/// A JSON document as a value: task data, dynamic data, artifact and collection data all travel as this.
///
/// Debusine keeps task data as free-form JSON and validates it per task, so the core needs one exact,
/// hashable representation that round-trips through `Codable` without losing the distinction between an
/// integer and a floating-point number (lookups treat `42` and `42.0` differently: only integers are ids).
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON type name used in error messages ("string", "integer", "object", …).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The string payload, or `nil` for any other kind.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer payload, or `nil` for any other kind (a `double` is never silently truncated).
    public var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The boolean payload, or `nil` for any other kind.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The array payload, or `nil` for any other kind.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The object payload, or `nil` for any other kind.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// `true` for `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value as the text a lookup's filter value or an item name becomes in Debusine (Python's `str()` of a
    /// scalar, as Django turns a `data__KEY` filter value into text): strings unquoted, integers as digits, a
    /// double as Python writes it (`1e-07`, `1000000000000000.0`), booleans `true`/`false` (Python's `True` is a
    /// documented difference), arrays and objects as PostgreSQL writes them (`postgresJSONText`). The stored
    /// side of the comparison is ``postgresText``.
    public var comparisonText: String {
        switch self {
        case .double(let value): JSONValue.pythonFloatRepr(value)
        default: postgresText
        }
    }

    /// The text PostgreSQL's `->>` gives for this value once stored by Kiln, which Debusine's `data__KEY`
    /// lookups compare the filter's text with: strings unquoted, integers and booleans as their JSON text, a
    /// double as `numeric` prints it (`0.0000001`: `JSONText.postgresNumber`), arrays and objects as jsonb writes
    /// them (`postgresJSONText`), `null` for a null inside (a top-level null has no text: SQL `NULL`).
    public var postgresText: String {
        switch self {
        case .string(let value): value
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): JSONText.postgresNumber(value)
        case .array, .object: postgresJSONText
        }
    }

    /// Compact JSON text with sorted keys: stable, so it can be stored, hashed and compared. Doubles keep
    /// a fractional part (`1.0`), so the text reads back as the same value.
    public var compactJSON: String { JSONText.write(self) }

    /// Parses JSON text into a value.
    ///
    /// - Throws: `JSONValueError.invalidJSON` naming the parser's complaint.
    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Data(text.utf8))
    }

    /// Parses JSON bytes into a value.
    ///
    /// - Throws: `JSONValueError.invalidJSON` naming the parser's complaint.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONText.parse([UInt8](data))
    }

    /// Parses JSON bytes into a value.
    ///
    /// - Throws: `JSONValueError.invalidJSON` naming the problem and its byte offset.
    public static func parse(bytes: [UInt8]) throws -> JSONValue {
        try JSONText.parse(bytes)
    }

    /// Encodes any `Encodable` value to a `JSONValue`: the value a peer would read back from its
    /// `JSONEncoder` text, built directly (``JSONValueEncoder``), without the text.
    public static func from(_ value: some Encodable) throws -> JSONValue {
        try JSONValueEncoder.encode(value)
    }

    /// Decodes this value into a `Decodable` type, as `JSONDecoder` would from its text, directly
    /// (``JSONValueDecoder``).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONValueDecoder.decode(type, from: self)
    }
}

/// Errors raised while reading JSON text.
public enum JSONValueError: Error, Equatable, CustomStringConvertible {
    /// The text is not JSON; the payload is the decoder's explanation.
    case invalidJSON(String)

    public var description: String {
        switch self {
        case .invalidJSON(let reason): "invalid JSON: \(reason)"
        }
    }
}

extension JSONValue: Codable {
    /// Tries bool before int and int before double, so `true` never becomes 1 and `3` stays an integer.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Writes each case as its own JSON type, so a value round-trips unchanged.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { compactJSON }
}
