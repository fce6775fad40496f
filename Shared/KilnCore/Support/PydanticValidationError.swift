/// A validation failure rendered as pydantic 2 renders a `ValidationError`, the text Debusine shows for a
/// model that does not validate (and that its tests match, e.g. `Extra inputs are not permitted`):
///
///     1 validation error for DebusineTaskConfiguration
///     task_name
///       Value error, 'a:b' may not contain ':' [type=value_error, input_value='a:b', input_type=str]
///
/// pydantic's last line, a link to its documentation for the installed version, is left out.
public struct PydanticValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One failed check.
    public struct Failure: Hashable, Sendable {
        /// Where: the field (`task_name`, `tags_provided.str`), or "" for the model as a whole.
        public var location: String
        /// pydantic's message (`Value error, …`, `Extra inputs are not permitted`, `Input should be …`).
        public var message: String
        /// pydantic's error type (`value_error`, `extra_forbidden`, `enum`, `string_type`, …).
        public var type: String
        /// The value that failed.
        public var input: JSONValue

        /// A failure.
        public init(location: String, message: String, type: String, input: JSONValue) {
            self.location = location
            self.message = message
            self.type = type
            self.input = input
        }

        /// A custom validator's `ValueError`: pydantic prefixes its text with `Value error, `.
        public static func valueError(_ location: String, _ text: String, input: JSONValue) -> Failure {
            Failure(location: location, message: "Value error, \(text)", type: "value_error", input: input)
        }
    }

    /// The model's class name, as Debusine names it.
    public var model: String
    /// The failures, in pydantic's order.
    public var failures: [Failure]

    /// An error of `model` with its failures.
    public init(model: String, failures: [Failure]) {
        self.model = model
        self.failures = failures
    }

    public var description: String {
        var lines = ["\(failures.count) validation error\(failures.count == 1 ? "" : "s") for \(model)"]
        for failure in failures {
            if !failure.location.isEmpty { lines.append(failure.location) }
            lines.append(
                "  \(failure.message) [type=\(failure.type), input_value=\(Self.truncatedRepr(failure.input)), "
                    + "input_type=\(Self.pythonTypeName(failure.input))]")
        }
        return lines.joined(separator: "\n")
    }

    /// pydantic-core shortens an input's repr longer than 50 bytes of UTF-8 to its first 25 bytes and its last 24,
    /// joined by `...`, each cut back to whole characters (`'éééééééééééé...ééééééééééé'`: 12 and 11 of them).
    static func truncatedRepr(_ value: JSONValue) -> String {
        let repr = value.pythonRepr
        let bytes = Array(repr.utf8)
        guard bytes.count > 50 else { return repr }
        // A UTF-8 continuation byte is 0b10xxxxxx: a cut there would split a character.
        let isContinuation = { (index: Int) in index < bytes.count && bytes[index] & 0xC0 == 0x80 }
        var prefixEnd = 25
        while prefixEnd > 0 && isContinuation(prefixEnd) { prefixEnd -= 1 }
        var suffixStart = bytes.count - 24
        while isContinuation(suffixStart) { suffixStart += 1 }
        return String(decoding: bytes[..<prefixEnd], as: UTF8.self) + "..."
            + String(decoding: bytes[suffixStart...], as: UTF8.self)
    }

    /// The Python type JSON decoding gives the value.
    static func pythonTypeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .array: "list"
        case .object: "dict"
        }
    }
}
