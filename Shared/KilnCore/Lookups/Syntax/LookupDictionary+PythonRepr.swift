/// Python's `repr()` of a lookup's user form, for messages that must read as Debusine's.
///
/// Debusine writes a dictionary lookup into its messages as `{lookup.export()}`, a Python dict whose keys
/// come in the order `LookupDict.export()` inserts them: `collection`, `child_type`, `category`, the name
/// matcher, the data matchers sorted by data key, the lookup filters sorted by key, then `error_on_empty`
/// (e.g. `No results found from {'collection': 'c@debusine:test', 'error_on_empty': True}`). `exported`
/// is a `JSONValue`, whose objects have no order, so the order is rebuilt here from the parsed lookup.
extension LookupDictionary {
    /// Python's `repr()` of Debusine's `LookupDict.export()` for this lookup.
    public var pythonRepr: String {
        var members: [(key: String, value: String)] = [("collection", collection.exported.pythonRepr)]
        if childType != .artifact { members.append(("child_type", JSONValue.pythonStringRepr(childType.rawValue))) }
        if let category { members.append(("category", JSONValue.pythonStringRepr(category))) }
        if let nameMatcher { members.append((nameMatcher.exportedKey(target: "name"), nameMatcher.value.pythonRepr)) }
        for key in dataMatchers.keys.sorted(by: JSONValue.pythonOrder) {
            let matcher = dataMatchers[key]!
            members.append((matcher.exportedKey(target: "data__\(key)"), matcher.value.pythonRepr))
        }
        for key in lookupFilters.keys.sorted(by: JSONValue.pythonOrder) {
            members.append(("lookup__\(key)", lookupFilters[key]!.pythonRepr))
        }
        if errorOnEmpty { members.append(("error_on_empty", "True")) }
        return "{" + members.map { JSONValue.pythonStringRepr($0.key) + ": " + $0.value }.joined(separator: ", ") + "}"
    }
}

extension ItemMatcher {
    /// The key the user form spells this matcher with: the bare target for an exact match, else
    /// `TARGET__KIND` (Debusine's `LookupDict.export()`).
    func exportedKey(target: String) -> String {
        kind == .exact ? target : "\(target)__\(kind.rawValue)"
    }
}

extension LookupMultiple {
    /// Python's `repr()` of Debusine's `LookupMultiple.export()`: a lone dictionary as itself, anything
    /// else as a list.
    public var pythonRepr: String {
        if elements.count == 1, case .dictionary(let dictionary) = elements[0] { return dictionary.pythonRepr }
        return "[" + elements.map(\.pythonRepr).joined(separator: ", ") + "]"
    }
}

extension LookupMultipleElement {
    /// Python's `repr()` of the element's user form.
    public var pythonRepr: String {
        switch self {
        case .single(let single): single.exported.pythonRepr
        case .dictionary(let dictionary): dictionary.pythonRepr
        }
    }
}

extension ParsedLookup {
    /// Python's `repr()` of the user form, as a `lookup__KEY` value appears inside an exported dictionary.
    public var pythonRepr: String {
        switch self {
        case .single(let single): single.exported.pythonRepr
        case .multiple(let multiple): multiple.pythonRepr
        }
    }
}
