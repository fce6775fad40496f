/// The normalised form Debusine stores for a multiple lookup in `InputArtifactMultiple.lookup` (and, element by
/// element, in `DBInputLookupResult.lookup`): the
/// validated `LookupMultiple` dumped with `model_dump(mode="json")` (`debusine/tasks/models.py`
/// `LookupMultiple.normalize`, `LookupDict.normalize_matchers`; `db/tasks/tests/test_resolver.py`
/// `DBFieldResolverTests::test_lookup_multiple_artifacts`, `tasks/tests/test_models.py`
/// `InputArtifactMultipleTests::test_serialize`). A lone dictionary becomes a one-element list; each
/// dictionary carries every `LookupDict` member, its matchers as `{kind, value}` and its data matchers and
/// lookup filters as `[key, value]` pairs sorted by key.
extension LookupMultiple {
    /// The list of normalised elements, as Debusine stores it.
    public var modelDump: JSONValue { .array(elements.map(\.modelDump)) }
}

extension LookupMultipleElement {
    /// A single lookup as written; a dictionary in its full normalised form.
    public var modelDump: JSONValue {
        switch self {
        case .single(let single): single.exported
        case .dictionary(let dictionary): dictionary.modelDump
        }
    }
}

extension LookupDictionary {
    /// Every `LookupDict` member, defaults included (`child_type` `artifact`, `category` null, …).
    public var modelDump: JSONValue {
        [
            "collection": collection.exported,
            "child_type": .string(childType.rawValue),
            "category": category.map(JSONValue.string) ?? .null,
            "name_matcher": nameMatcher?.modelDump ?? .null,
            "data_matchers": .array(
                dataMatchers.sorted { JSONValue.pythonOrder($0.key, $1.key) }.map { [.string($0.key), $0.value.modelDump] }
            ),
            "lookup_filters": .array(
                lookupFilters.sorted { JSONValue.pythonOrder($0.key, $1.key) }.map { [.string($0.key), $0.value.modelDump] }
            ),
            "error_on_empty": .bool(errorOnEmpty),
        ]
    }
}

extension ItemMatcher {
    /// Debusine's `CollectionItemMatcher` dump: `{"kind": …, "value": …}`.
    public var modelDump: JSONValue { ["kind": .string(kind.rawValue), "value": value] }
}

extension ParsedLookup {
    /// A single lookup as written, a multiple one normalised (the value of a `lookup__KEY` filter).
    public var modelDump: JSONValue {
        switch self {
        case .single(let single): single.exported
        case .multiple(let multiple): multiple.modelDump
        }
    }
}
