import Foundation

/// A field type of a pydantic 2 model, as a Debusine model declares it (`str`, `int`, `list[str]`,
/// `dict[str, Any]`, `Literal["dpkg"]`, `pydantic.AnyUrl`, a nested model, `X | None`, `A | B`), validated
/// from JSON in pydantic's lax mode with pydantic's messages and error types.
///
/// One declarative description serves every model whose errors must read as pydantic's (the artifact data
/// models of `artifacts/models.py`), so each model is a list of fields rather than hand-written checks.
public indirect enum PydanticType: Sendable {
    /// `str`: a JSON string only (pydantic's lax mode does not turn numbers into strings).
    case string
    /// `int`: pydantic's lax integer (`PydanticLaxInt`).
    case integer
    /// `bool`: pydantic's lax boolean (`PydanticLaxBool`).
    case boolean
    /// `Any`: every value.
    case any
    /// `pydantic.AnyUrl`: a URL with a scheme (`PydanticURL`).
    case url
    /// `Annotated[pydantic.AnyUrl, UrlConstraints(host_required=True)]`: a URL with a scheme and a host.
    case hostedURL
    /// `Annotated[int, Field(ge=…, le=…)]`: an integer within optional bounds.
    case boundedInteger(min: Int?, max: Int?)
    /// `Annotated[list[T], Field(min_length=…, max_length=…)]`: a list whose maximum length pydantic checks before
    /// its elements, its minimum once every element validated.
    case boundedList(PydanticType, min: Int?, max: Int?)
    /// `re.Pattern[str]`: text that compiles as a regular expression.
    case regex
    /// `Annotated[str, Field(pattern=…)]`: a string in which the regular expression matches (pydantic-core's
    /// engine, whose `$` is the end of the text).
    case pattern(String)
    /// `Annotated[str, Field(pattern=re.compile(…))]`: a compiled pattern, which pydantic matches with Python's
    /// `re`, whose `$` also matches before a final newline.
    case pythonPattern(String)
    /// `Literal[…]` of strings.
    case literal([String])
    /// A string enumeration (`enum.StrEnum`), its values in declaration order.
    case enumeration([String])
    /// `list[T]`.
    case list(PydanticType)
    /// `dict[K, V]`: JSON keys are strings, checked against `key` (an enumeration, say).
    case dictionary(key: PydanticType, value: PydanticType)
    /// `T | None`: `null` accepted, otherwise `T`'s errors as they are (pydantic's nullable schema).
    case nullable(PydanticType)
    /// A nested model.
    case model(PydanticModel)
    /// `A | B`: the first member that accepts the value; otherwise every member's errors, each under the
    /// member's tag (pydantic's smart union).
    case union([PydanticType])
    /// `datetime`: pydantic's lax datetime (`PydanticDateTime`).
    case datetime
    /// `pydantic.NameEmail`: `Name <address>` or an address (`PydanticNameEmail`).
    case nameEmail
    /// A type pydantic builds from custom validators (`LookupMultiple`'s `model_validator(mode="before")`):
    /// `failures` gives its failures at a location; `tag` names it in a union.
    case custom(tag: String, failures: @Sendable (JSONValue, [String]) -> [PydanticValidationError.Failure])

    /// Where a union member's errors are reported: the model's name, or pydantic's name of the type.
    var unionTag: String {
        switch self {
        case .string, .pattern, .pythonPattern: "str"
        case .integer: "int"
        case .boolean: "bool"
        case .any: "any"
        case .url, .hostedURL: "url"
        case .boundedInteger: "constrained-int"
        case .boundedList(let element, _, _): "list[\(element.unionTag)]"
        case .regex: "pattern"
        case .literal(let values): "literal[\(values.map { JSONValue.pythonStringRepr($0) }.joined(separator: ","))]"
        case .enumeration: "enum"
        case .list(let element): "list[\(element.unionTag)]"
        case .dictionary(let key, let value): "dict[\(key.unionTag),\(value.unionTag)]"
        case .nullable(let inner): "nullable[\(inner.unionTag)]"
        case .model(let model): model.modelValidatorName.map { "function-after[\($0)(), \(model.name)]" } ?? model.name
        case .union(let members): "union[\(members.map(\.unionTag).joined(separator: ","))]"
        case .datetime: "datetime"
        case .nameEmail: "name-email"
        case .custom(let tag, _): tag
        }
    }

    /// The failures of `value` against this type, located under `location`; empty when it validates.
    func failures(of value: JSONValue, at location: [String]) -> [PydanticValidationError.Failure] {
        func fail(_ message: String, _ type: String) -> [PydanticValidationError.Failure] {
            [
                PydanticValidationError.Failure(
                    location: Self.render(location),
                    message: message,
                    type: type,
                    input: value
                )
            ]
        }
        switch self {
        case .any:
            return []
        case .string:
            return value.stringValue == nil ? fail("Input should be a valid string", "string_type") : []
        case .integer:
            if case .failure(let failure) = PydanticLaxInt.parse(value) { return fail(failure.message, failure.type) }
            return []
        case .boolean:
            guard PydanticLaxBool.parse(value) == nil else { return [] }
            // pydantic-core reads strings, integers and integral floats as booleans it cannot interpret
            // (`bool_parsing`); anything else is not a boolean at all.
            switch value {
            case .string, .int:
                return fail("Input should be a valid boolean, unable to interpret input", "bool_parsing")
            case .double(let number) where number.rounded(.towardZero) == number:
                return fail("Input should be a valid boolean, unable to interpret input", "bool_parsing")
            default: return fail("Input should be a valid boolean", "bool_type")
            }
        case .url, .hostedURL:
            guard let text = value.stringValue else { return fail("URL input should be a string or URL", "url_type") }
            return PydanticURL.problem(text, hostRequired: isHostedURL).map {
                fail("Input should be a valid URL, \($0)", "url_parsing")
            } ?? []
        case .boundedInteger(let minimum, let maximum):
            let number: Int
            switch PydanticLaxInt.parse(value) {
            case .failure(let failure): return fail(failure.message, failure.type)
            case .success(let parsed): number = parsed
            }
            if let minimum, number < minimum {
                return fail("Input should be greater than or equal to \(minimum)", "greater_than_equal")
            }
            if let maximum, number > maximum {
                return fail("Input should be less than or equal to \(maximum)", "less_than_equal")
            }
            return []
        case .boundedList(let element, let minimum, let maximum):
            func items(_ number: Int) -> String { number == 1 ? "1 item" : "\(number) items" }
            // pydantic-core stops at the first element beyond the maximum; the minimum is checked once every
            // element validated.
            if let maximum, let count = value.arrayValue?.count, count > maximum {
                return fail("List should have at most \(items(maximum)) after validation, not \(count)", "too_long")
            }
            let failures = PydanticType.list(element).failures(of: value, at: location)
            guard failures.isEmpty, let count = value.arrayValue?.count else { return failures }
            if let minimum, count < minimum {
                return fail("List should have at least \(items(minimum)) after validation, not \(count)", "too_short")
            }
            return []
        case .regex:
            guard let text = value.stringValue else { return fail("Input should be a valid pattern", "pattern_type") }
            // Python compiles the empty pattern; ICU refuses it.
            return !text.isEmpty && (try? NSRegularExpression(pattern: text)) == nil
                ? fail("Input should be a valid regular expression", "pattern_regex") : []
        case .pattern(let pattern), .pythonPattern(let pattern):
            guard let text = value.stringValue else { return fail("Input should be a valid string", "string_type") }
            // pydantic's (Rust) `$` is the end of the text; Python's also matches before a final `\n`; ICU's
            // before any final line terminator, so both are spelt out.
            var expression = pattern
            if pattern.hasSuffix("$"), !pattern.hasSuffix("\\$") {
                let end = if case .pattern = self { "\\z" } else { "(?=\\n?\\z)" }
                expression = String(pattern.dropLast()) + end
            }
            let matches = text.range(of: expression, options: .regularExpression) != nil
            return matches ? [] : fail("String should match pattern '\(pattern)'", "string_pattern_mismatch")
        case .literal(let values):
            guard let text = value.stringValue, values.contains(text) else {
                return fail("Input should be \(Self.alternatives(values))", "literal_error")
            }
            return []
        case .enumeration(let values):
            guard let text = value.stringValue, values.contains(text) else {
                return fail("Input should be \(Self.alternatives(values))", "enum")
            }
            return []
        case .list(let element):
            guard let elements = value.arrayValue else { return fail("Input should be a valid list", "list_type") }
            return elements.enumerated().flatMap { element.failures(of: $1, at: location + [String($0)]) }
        case .dictionary(let keyType, let valueType):
            guard let members = value.objectValue else {
                return fail("Input should be a valid dictionary", "dict_type")
            }
            return members.keys.sorted(by: JSONValue.pythonOrder).flatMap { key in
                keyType.failures(of: .string(key), at: location + [key, "[key]"])
                    + valueType.failures(of: members[key]!, at: location + [key])
            }
        case .nullable(let inner):
            return value.isNull ? [] : inner.failures(of: value, at: location)
        case .model(let model):
            return model.failures(of: value, at: location)
        case .datetime:
            guard case .failure(let failure) = PydanticDateTime.parse(value) else { return [] }
            return fail(failure.message, failure.type)
        case .nameEmail:
            guard let text = value.stringValue else { return fail("Input is not a valid NameEmail", "name_email_type") }
            guard case .failure(let failure) = PydanticNameEmail.parse(text) else { return [] }
            return fail("value is not a valid email address: \(failure.reason)", "value_error")
        case .custom(_, let failures):
            return failures(value, location)
        case .union(let members):
            // pydantic's smart union tries every member in strict mode first: a value of a member's exact type is
            // that member's, whatever a lax reading by an earlier member would make of it.
            if members.contains(where: { $0.quicklyAccepts(value) }) { return [] }
            var all: [PydanticValidationError.Failure] = []
            for member in members {
                let failures = member.failures(of: value, at: location + [member.unionTag])
                if failures.isEmpty { return [] }
                all += failures
            }
            return all
        }
    }

    /// Whether `value` is certainly valid, known without building any failure: a value of a scalar type's exact
    /// JSON type (pydantic's strict pass), one of an enumeration's values, `null` where it is allowed, anything for
    /// `Any`. `false` means only that `failures(of:at:)` must decide.
    func quicklyAccepts(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.any, _), (.string, .string), (.integer, .int), (.boolean, .bool), (.nullable, .null): true
        case (.enumeration(let values), .string(let text)), (.literal(let values), .string(let text)):
            values.contains(text)
        case (.nullable(let inner), _): inner.quicklyAccepts(value)
        case (.union(let members), _): members.contains { $0.quicklyAccepts(value) }
        case (.list(let element), .array(let elements)): elements.allSatisfy(element.quicklyAccepts)
        case (.model(let model), .object(let members)): model.quicklyAccepts(members)
        default: false
        }
    }

    private var isHostedURL: Bool {
        if case .hostedURL = self { return true }
        return false
    }

    /// The value as pydantic dumps it once validated: lax integers and booleans as JSON numbers and booleans,
    /// URLs normalised (`PydanticURL.normalized`), nested models with their defaults (`PydanticModel.dumped`), a
    /// union's value as its first member that accepts it dumps it; anything else as given.
    func dumped(_ value: JSONValue) -> JSONValue {
        switch self {
        case .integer, .boundedInteger:
            if case .success(let number) = PydanticLaxInt.parse(value) { return .int(number) }
            return value
        case .boolean:
            return PydanticLaxBool.parse(value).map(JSONValue.bool) ?? value
        case .url, .hostedURL:
            return value.stringValue.map { .string(PydanticURL.normalized($0)) } ?? value
        case .model(let model):
            return value.objectValue.map { .object(model.dumped($0)) } ?? value
        case .nullable(let inner):
            return value.isNull ? value : inner.dumped(value)
        case .list(let element), .boundedList(let element, _, _):
            return value.arrayValue.map { .array($0.map(element.dumped)) } ?? value
        case .dictionary(_, let element):
            return value.objectValue.map { .object($0.mapValues(element.dumped)) } ?? value
        case .union(let members):
            return members.first { $0.failures(of: value, at: []).isEmpty }?.dumped(value) ?? value
        default:
            return value
        }
    }

    /// pydantic's location: the path's parts joined by dots (`summary.tags_found.0`).
    static func render(_ location: [String]) -> String { location.joined(separator: ".") }

    /// pydantic's list of expected values: `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`.
    static func alternatives(_ values: [String]) -> String {
        let quoted = values.map { JSONValue.pythonStringRepr($0) }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }
}
