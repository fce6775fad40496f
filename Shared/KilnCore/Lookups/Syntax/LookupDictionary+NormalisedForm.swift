/// Reading the normalised form of a dictionary lookup.
///
/// Debusine's `LookupDict` model keeps its matchers as `name_matcher: {kind, value}`, `data_matchers:
/// [[key, {kind, value}], …]` and `lookup_filters: [[key, lookup], …]`, and accepts those fields as input
/// too, since `normalize_matchers` starts from them (`tasks/tests/test_models.py` `LookupTests.test_dict`,
/// `test_lookup_filter_multiple`). That is the form `model_dump` writes into stored task data and dynamic
/// data, so a lookup copied from there must parse as well as the user form.
extension LookupDictionary {
    /// A `{kind, value}` matcher (Debusine's `CollectionItemMatcher`; `exact` is spelt out here).
    ///
    /// - Throws: `LookupFailure.invalid` naming `key` for another shape, an unknown kind or a value that
    ///   does not fit the kind.
    static func normalisedMatcher(_ value: JSONValue, key: String) throws(LookupFailure) -> ItemMatcher {
        guard let object = value.objectValue, Set(object.keys) == ["kind", "value"],
            let kindText = object["kind"]?.stringValue, let matched = object["value"]
        else {
            throw .invalid("'\(key)' must be an object with exactly 'kind' and 'value', not \(value.compactJSON)")
        }
        guard let kind = ItemMatchKind(rawValue: kindText) else {
            throw .invalid(
                "'\(key)' kind \(JSONValue.pythonStringRepr(kindText)) is not one of "
                    + ItemMatchKind.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        return try ItemMatcher(kind: kind, value: matched, key: key)
    }

    /// The `[[key, value], …]` pairs of `data_matchers` or `lookup_filters`.
    ///
    /// - Throws: `LookupFailure.invalid` naming `key` when the value is not a list of two-element lists
    ///   starting with a string.
    static func normalisedPairs(_ value: JSONValue, key: String) throws(LookupFailure) -> [(String, JSONValue)] {
        guard let list = value.arrayValue else {
            throw .invalid("'\(key)' must be a list of [key, value] pairs, not \(value.typeName)")
        }
        var pairs: [(String, JSONValue)] = []
        for element in list {
            guard let pair = element.arrayValue, pair.count == 2, let pairKey = pair[0].stringValue else {
                throw .invalid("'\(key)' must be a list of [key, value] pairs, found \(element.compactJSON)")
            }
            pairs.append((pairKey, pair[1]))
        }
        return pairs
    }
}
