/// A dictionary lookup (Debusine `tasks/models.py` `LookupDict`): the active items of one collection that pass every
/// given filter, ordered by item id.
public struct LookupDictionary: Hashable, Sendable {
    /// The collection searched (a single lookup that must yield a collection).
    public var collection: LookupSingle
    /// Which kinds of item qualify (default `artifact`).
    public var childType: LookupExpectType
    /// The item category must equal this, when given.
    public var category: String?
    /// The item name must pass this, when given.
    public var nameMatcher: ItemMatcher?
    /// Per-item data fields that must pass, by data key.
    public var dataMatchers: [String: ItemMatcher]
    /// Collection-specific filters (`lookup__KEY`), each itself a lookup.
    public var lookupFilters: [String: ParsedLookup]
    /// Debusine 0.16: Fail instead of returning no items.
    public var errorOnEmpty: Bool

    /// Defaults mirror Debusine's dictionary lookup: artifacts of any category and name, no filters (`LookupDict`).
    public init(
        collection: LookupSingle,
        childType: LookupExpectType = .artifact,
        category: String? = nil,
        nameMatcher: ItemMatcher? = nil,
        dataMatchers: [String: ItemMatcher] = [:],
        lookupFilters: [String: ParsedLookup] = [:],
        errorOnEmpty: Bool = false
    ) {
        self.collection = collection
        self.childType = childType
        self.category = category
        self.nameMatcher = nameMatcher
        self.dataMatchers = dataMatchers
        self.lookupFilters = lookupFilters
        self.errorOnEmpty = errorOnEmpty
    }

    /// Parses the user form (Debusine's `LookupDict.normalize_matchers`), or the normalised form Debusine
    /// stores (`name_matcher`, `data_matchers`, `lookup_filters`; `LookupDictionary+NormalisedForm.swift`),
    /// or a mix: as there, a user-form key wins over the normalised entry for the same target.
    ///
    /// - Throws: `LookupFailure.invalid` for a missing `collection`, an unknown key, a malformed matcher
    ///   key, two matchers on the same target (`Conflicting matchers: [...]`) or a value of the wrong type.
    public init(parsing object: [String: JSONValue]) throws(LookupFailure) {
        childType = .artifact
        errorOnEmpty = false
        // The user-form matchers first, as Debusine's `normalize_matchers` is a `mode="before"` validator: its
        // errors (`Conflicting matchers`, `Unrecognized matcher`, a bad matcher kind or filter) win over a missing
        // `collection` or a bad field. Grouped by target in Debusine's order (`sorted(data, key=matcher_prefix)`:
        // `data`, then `lookup`, then `name`), which sorting the target names gives.
        var matcherKeysByTarget: [String: [String]] = [:]
        for key in object.keys {
            if let target = Self.matcherTarget(of: key) { matcherKeysByTarget[target, default: []].append(key) }
        }
        var userForm = UserFormMatchers()
        for (_, keys) in matcherKeysByTarget.sorted(by: { $0.key < $1.key }) {
            guard keys.count == 1, let key = keys.first, let value = object[key] else {
                let names = JSONValue.array(keys.sorted(by: JSONValue.pythonOrder).map(JSONValue.string))
                throw .invalid("Conflicting matchers: \(names.pythonRepr)")
            }
            try userForm.add(key: key, value: value)
        }
        guard let collectionValue = object["collection"] else {
            throw .invalid("Dictionary lookup \(JSONValue.object(object).compactJSON) has no 'collection'")
        }
        collection = try LookupSingle(parsing: collectionValue)
        nameMatcher = userForm.name
        dataMatchers = userForm.data
        lookupFilters = userForm.filters
        // Sorted, so that of two bad keys the same one is reported every time.
        for (key, value) in object.sorted(by: { $0.key < $1.key }) where !Self.isMatcherKey(key) {
            switch key {
            case "collection":
                continue
            case "child_type":
                guard let text = value.stringValue, let type = LookupExpectType(rawValue: text) else {
                    throw .invalid(
                        "Invalid child_type \(value.compactJSON): expected one of "
                            + LookupExpectType.allCases.map(\.rawValue).joined(separator: ", ")
                    )
                }
                childType = type
            case "category":
                // `category: None` is pydantic's default: no filter.
                if value.isNull { continue }
                guard let text = value.stringValue else {
                    throw .invalid("'category' must be a string, not \(value.typeName)")
                }
                category = text
            case "error_on_empty":
                guard let flag = PydanticLaxBool.parse(value) else {
                    throw .invalid("'error_on_empty' must be a boolean, not \(value.typeName)")
                }
                errorOnEmpty = flag
            // The normalised form: a user-form matcher on the same target, set above, replaces the entry unread
            // (Debusine's `normalize_matchers` starts from the normalised pairs, `dict(data.get(…))`, and
            // overwrites them before pydantic validates what is left).
            case "name_matcher":
                if value.isNull || matcherKeysByTarget["name"] != nil { continue }
                nameMatcher = try Self.normalisedMatcher(value, key: key)
            case "data_matchers":
                for (dataKey, matcher) in try Self.normalisedPairs(value, key: key)
                where matcherKeysByTarget["data__" + dataKey] == nil {
                    dataMatchers[dataKey] = try Self.normalisedMatcher(matcher, key: "data_matchers.\(dataKey)")
                }
            case "lookup_filters":
                for (filterKey, filter) in try Self.normalisedPairs(value, key: key)
                where matcherKeysByTarget["lookup__" + filterKey] == nil {
                    lookupFilters[filterKey] = try ParsedLookup(parsing: filter)
                }
            default:
                throw .invalid("Unknown key '\(key)' in dictionary lookup")
            }
        }
    }

    /// Whether `key` is one `normalize_matchers` turns into a matcher or filter (`name…`, `data__…`, `lookup__…`).
    static func isMatcherKey(_ key: String) -> Bool { matcherTarget(of: key) != nil }

    /// The target a matcher key filters on (`name`, `data__KEY`, `lookup__KEY`), so two keys on one
    /// target can be reported as conflicting; `nil` for keys that are no matcher at all.
    private static func matcherTarget(of key: String) -> String? {
        let words = key.components(separatedBy: "__")
        switch words.first {
        case "name": return "name"
        case "data" where words.count >= 2: return "data__" + words[1]
        case "lookup" where words.count == 2: return key
        default: return nil
        }
    }

    /// The matchers and filters given in the user form (`name…`, `data__…`, `lookup__…` keys), read before the
    /// lookup's other fields.
    private struct UserFormMatchers {
        var name: ItemMatcher?
        var data: [String: ItemMatcher] = [:]
        var filters: [String: ParsedLookup] = [:]

        mutating func add(key: String, value: JSONValue) throws(LookupFailure) {
            let words = key.components(separatedBy: "__")
            let unrecognized = LookupFailure.invalid("Unrecognized matcher: \(key)")
            switch words[0] {
            case "name":
                // Any scalar, as for data: Debusine's `CollectionItemMatcher.value` is `Any` and Django compares
                // `name = 123` as the text '123'.
                let kind = try LookupDictionary.kind(words.dropFirst(), orThrow: unrecognized)
                name = try ItemMatcher(kind: kind, value: value, key: key)
            case "data":
                let dataKey = words[1]
                guard !dataKey.isEmpty else { throw unrecognized }
                let kind = try LookupDictionary.kind(words.dropFirst(2), orThrow: unrecognized)
                data[dataKey] = try ItemMatcher(kind: kind, value: value, key: key)
            default:
                let lookupKey = words[1]
                guard !lookupKey.isEmpty else { throw unrecognized }
                // `normalize_matchers` keeps only an `int` or a `str` as a single lookup: any number with a
                // fraction part, even `3.0`, goes to `LookupMultiple`, which refuses it.
                if case .double = value {
                    throw .invalid("A lookup must be a string, an integer, an object or a list, not number")
                }
                filters[lookupKey] = try ParsedLookup(parsing: value)
            }
        }
    }

    /// The match kind named by the words after the target (none = exact).
    ///
    /// As Debusine's `LookupDict.normalize_matchers`, an explicit `__exact` suffix is refused (exact is
    /// spelt without a suffix) and so is more than one word; one unknown word fails the way
    /// `CollectionItemMatcherKind(kind)` does (`tasks/tests/test_models.py`
    /// `LookupTests.test_name_matcher_rejects_exact`, `test_data_matcher_rejects_exact`).
    private static func kind(
        _ suffix: ArraySlice<String>,
        orThrow error: LookupFailure
    ) throws(LookupFailure) -> ItemMatchKind {
        guard let word = suffix.first else { return .exact }
        guard suffix.count == 1, word != ItemMatchKind.exact.rawValue else { throw error }
        guard let kind = ItemMatchKind(rawValue: word) else {
            throw .invalid("\(JSONValue.pythonStringRepr(word)) is not a valid CollectionItemMatcherKind")
        }
        return kind
    }

    /// The user form (Debusine's `LookupDict.export()`): defaults left out, exact matchers without suffix.
    public var exported: JSONValue {
        var object: [String: JSONValue] = ["collection": collection.exported]
        if childType != .artifact { object["child_type"] = .string(childType.rawValue) }
        if let category { object["category"] = .string(category) }
        if let nameMatcher { object[nameMatcher.exportedKey(target: "name")] = nameMatcher.value }
        for (key, matcher) in dataMatchers { object[matcher.exportedKey(target: "data__\(key)")] = matcher.value }
        for (key, filter) in lookupFilters { object["lookup__\(key)"] = filter.exported }
        if errorOnEmpty { object["error_on_empty"] = true }
        return .object(object)
    }
}
