/// A lookup as task data holds it (§3.1), parsed and validated: a single lookup (string or integer) or a
/// multiple lookup (object or array).
///
/// Parsing checks every syntax rule up front, so a malformed lookup is refused when task data is accepted
/// instead of when a work request is about to run; `exported` gives the user form back (Debusine's
/// `export()`), and `modelDump` the normalised form Debusine stores in an `InputArtifactMultiple`.
public enum ParsedLookup: Hashable, Sendable {
    /// A string or integer lookup: exactly one result.
    case single(LookupSingle)
    /// A dictionary or list lookup: zero or more results.
    case multiple(LookupMultiple)

    /// Parses a lookup of any form.
    ///
    /// - Throws: `LookupFailure.invalid` naming what is wrong.
    public init(parsing value: JSONValue) throws(LookupFailure) {
        switch value {
        case .string, .int: self = .single(try LookupSingle(parsing: value))
        case .object, .array: self = .multiple(try LookupMultiple(parsing: value))
        default:
            throw .invalid("A lookup must be a string, an integer, an object or a list, not \(value.typeName)")
        }
    }

    /// The user form.
    public var exported: JSONValue {
        switch self {
        case .single(let single): single.exported
        case .multiple(let multiple): multiple.exported
        }
    }
}

/// A single lookup: an integer id (whose meaning depends on the expected type) or a string lookup.
public enum LookupSingle: Hashable, Sendable {
    /// `123`: an artifact id where an artifact is expected, a collection id where a collection is.
    case integer(Int)
    /// A string lookup.
    case string(StringLookup)

    /// Parses a string or integer.
    ///
    /// - Throws: `LookupFailure.invalid` for any other JSON type or a malformed string lookup.
    public init(parsing value: JSONValue) throws(LookupFailure) {
        switch value {
        case .int(let id): self = .integer(id)
        case .string(let text): self = .string(try StringLookup(parsing: text))
        default: throw .invalid("A single lookup must be a string or an integer, not \(value.typeName)")
        }
    }

    /// The user form.
    public var exported: JSONValue {
        switch self {
        case .integer(let id): .int(id)
        case .string(let lookup): .string(lookup.text)
        }
    }

    /// The lookup quoted as Debusine's `{lookup!r}` shows it in messages: strings in single quotes,
    /// integers bare.
    public var quoted: String {
        switch self {
        case .integer(let id): String(id)
        case .string(let lookup): "'\(lookup.text)'"
        }
    }
}

/// A multiple lookup: a list of single and dictionary lookups whose results are concatenated in order.
public struct LookupMultiple: Hashable, Sendable {
    /// The elements, in order.
    public var elements: [LookupMultipleElement]

    /// Memberwise; parsing normalises every form into this list.
    public init(elements: [LookupMultipleElement]) {
        self.elements = elements
    }

    /// Parses a dictionary (normalised to a one-element list), a list, or — as the `LookupResolving`
    /// contract allows — a single lookup (a one-element list).
    ///
    /// - Throws: `LookupFailure.invalid` for another JSON type, a nested list, or a bad element.
    public init(parsing value: JSONValue) throws(LookupFailure) {
        switch value {
        case .object, .string, .int:
            elements = [try LookupMultipleElement(parsing: value)]
        case .array(let values):
            elements = try values.map { element throws(LookupFailure) in try LookupMultipleElement(parsing: element) }
        default:
            throw .invalid("A multiple lookup must be an object or a list, not \(value.typeName)")
        }
    }

    /// The user form (Debusine's `LookupMultiple.export()`): a lone dictionary is exported as itself,
    /// anything else as a list.
    public var exported: JSONValue {
        if elements.count == 1, case .dictionary(let dictionary) = elements[0] { return dictionary.exported }
        return .array(elements.map(\.exported))
    }
}

/// One element of a multiple lookup.
public enum LookupMultipleElement: Hashable, Sendable {
    /// A string or integer: contributes exactly one result.
    case single(LookupSingle)
    /// A dictionary: contributes the matching items.
    case dictionary(LookupDictionary)

    /// Parses a list element.
    ///
    /// - Throws: `LookupFailure.invalid` for a list, a JSON type that is no lookup, or a bad lookup.
    public init(parsing value: JSONValue) throws(LookupFailure) {
        switch value {
        case .object(let object): self = .dictionary(try LookupDictionary(parsing: object))
        case .string, .int: self = .single(try LookupSingle(parsing: value))
        default:
            throw .invalid(
                "An element of a multiple lookup must be a string, an integer or an object, not \(value.typeName)"
            )
        }
    }

    /// The user form.
    public var exported: JSONValue {
        switch self {
        case .single(let single): single.exported
        case .dictionary(let dictionary): dictionary.exported
        }
    }
}
