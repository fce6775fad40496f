/// A lookup as task data holds it (Debusine `tasks/models.py` `LookupSingle`, `LookupMultiple`), parsed and validated:
/// a single lookup (string or integer) or a multiple lookup (object or array).
///
/// Parsing checks the structure up front (dictionary keys and matchers, the options prefix's syntax), so
/// `TaskDataReader.multipleLookup` refuses what Debusine's pydantic models refuse when a work request is
/// created; segments are only interpreted, and refused when the collection reached does not understand them
/// (`LookupSegment`); `exported` gives the user form back (Debusine's `LookupMultiple.export()`), and
/// `modelDump` (`Inputs/LookupMultiple+ModelDump.swift`) the normalised form Debusine keeps in
/// `InputArtifactMultiple.lookup` and `DBInputLookupResult.lookup`, which Kiln stores there too.
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
        case .double where value.lookupID != nil: self = .single(try LookupSingle(parsing: value))
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

    /// Parses a string or integer (an integral number such as `3.0` is the id 3, as pydantic's lax `int` of
    /// Debusine's `LookupSingle` reads it).
    ///
    /// - Throws: `LookupFailure.invalid` for any other JSON type or a malformed string lookup.
    public init(parsing value: JSONValue) throws(LookupFailure) {
        if let id = value.lookupID {
            self = .integer(id)
            return
        }
        switch value {
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

    /// The lookup quoted as Debusine's `{lookup!r}` shows it in messages: Python's `repr()` of the string
    /// (single quotes, or double ones when it holds a single quote), integers bare.
    public var quoted: String {
        switch self {
        case .integer(let id): String(id)
        case .string(let lookup): JSONValue.pythonStringRepr(lookup.text)
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

    /// Parses a dictionary (normalised to a one-element list) or a list. A string or an integer is refused,
    /// as Debusine's `LookupMultiple.normalize` refuses it (`tasks/tests/test_models.py`
    /// `LookupTests.test_wrong_type`): a single lookup becomes a multiple one only as a list element.
    ///
    /// - Throws: `LookupFailure.invalid` for another JSON type, a nested list, or a bad element.
    public init(parsing value: JSONValue) throws(LookupFailure) {
        switch value {
        case .object:
            elements = [try LookupMultipleElement(parsing: value)]
        case .array(let values):
            elements = try values.map { element throws(LookupFailure) in try LookupMultipleElement(parsing: element) }
        default:
            throw .invalid(Self.wrongTypeMessage)
        }
    }

    /// Debusine's text for a multiple lookup that is neither a dictionary nor a list.
    public static let wrongTypeMessage = "Lookup of multiple collection items must be a dictionary or a list"

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
        case .double where value.lookupID != nil: self = .single(try LookupSingle(parsing: value))
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

extension JSONValue {
    /// The id an integer lookup stands for: an integer, or an integral number (`3.0`), which pydantic's lax `int`
    /// reads as one; nil for anything else (a boolean too: deploy/docs/fidelity.md).
    public var lookupID: Int? {
        switch self {
        case .int(let id): id
        case .double(let number): Int(exactly: number)
        default: nil
        }
    }
}
