/// How a dictionary lookup compares an item's name or a data field (`name__KIND`, `data__KEY__KIND`: Debusine
/// `tasks/models.py` `CollectionItemMatcher`).
public enum ItemMatchKind: String, CaseIterable, Hashable, Sendable, Codable {
    /// Equal text (`name`, `data__KEY` without a suffix).
    case exact
    /// Text contains the value.
    case contains
    /// Text starts with the value.
    case startswith
    /// Text ends with the value.
    case endswith
    /// Debusine 0.16: Text equals one of the values (the value is a list).
    case `in`
}

/// A comparison against an item's name or one of its data fields.
///
/// Values are compared as text, the way Debusine compares `KT(data__KEY)`: a JSON string by its content,
/// anything else by its compact JSON (so the filter `123` matches the integer 123 and the string "123").
public struct ItemMatcher: Hashable, Sendable {
    /// The comparison.
    public var kind: ItemMatchKind
    /// The value compared against: a scalar, or for `in` a list of scalars.
    public var value: JSONValue

    /// Builds a matcher, checking the value fits the kind.
    ///
    /// - Throws: `LookupFailure.invalid` naming `key` when `in` is not given a list of scalars or another
    ///   kind is given a list or object.
    public init(kind: ItemMatchKind, value: JSONValue, key: String) throws(LookupFailure) {
        switch (kind, value) {
        case (.in, .array(let elements)):
            if let bad = elements.first(where: { !Self.isScalar($0) }) {
                throw .invalid("'\(key)' must be a list of strings or numbers, found \(bad.typeName) in the list")
            }
        case (.in, _):
            throw .invalid("'\(key)' must be a list, not \(value.typeName)")
        case (_, let scalar) where Self.isScalar(scalar):
            break
        case (.exact, .null):
            // Django's `__exact=None` is `IS NULL`: the field is absent or JSON null.
            break
        default:
            throw .invalid("'\(key)' must be a string or a number, not \(value.typeName)")
        }
        self.kind = kind
        self.value = value
    }

    /// An exact text matcher; cannot fail, since a string fits every kind but `in`.
    public init(exactText: String) {
        self.kind = .exact
        self.value = .string(exactText)
    }

    /// Whether `text` (the item's name, or the text of a data field; `nil` when the field is absent or
    /// JSON null, which like SQL NULL matches nothing but an exact `null`) passes the comparison.
    ///
    /// Texts are compared as PostgreSQL compares them for Debusine's `name__…`/`data__…` filters (`=`, `LIKE`):
    /// code point by code point (`ByteText`), not by Swift's canonical equivalence, so `é` written as `e` plus a
    /// combining accent is not `é`, and `contains ""` matches every text.
    public func matches(_ text: String?) -> Bool {
        if isNullTest { return text == nil }
        guard let text else { return false }
        let haystack = ByteText(text)
        switch kind {
        case .exact: return haystack == ByteText(value.comparisonText)
        case .contains: return haystack.contains(ByteText(value.comparisonText))
        case .startswith: return haystack.hasPrefix(ByteText(value.comparisonText))
        case .endswith: return haystack.hasSuffix(ByteText(value.comparisonText))
        case .in: return (value.arrayValue ?? []).contains { ByteText($0.comparisonText) == haystack }
        }
    }

    /// Whether this is an exact match on `null`, which Debusine (Django) runs as `IS NULL`: it passes an
    /// absent or JSON-null field and nothing else (`ItemDataTest.absentOrNull` for stores).
    public var isNullTest: Bool { kind == .exact && value.isNull }

    /// The text of a stored data field as the comparison sees it (PostgreSQL's `->>`, `JSONValue.postgresText`);
    /// `nil` for an absent field or JSON null.
    public static func storedText(of field: JSONValue?) -> String? {
        guard let field, !field.isNull else { return nil }
        return field.postgresText
    }

    private static func isScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .string, .int, .double, .bool: true
        case .null, .array, .object: false
        }
    }
}
