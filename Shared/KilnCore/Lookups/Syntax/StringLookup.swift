/// A string lookup (Debusine `tasks/models.py` `parse_lookup_string`) split into its parts:
/// `[//opt=val(:opt=val)*/]FIRST(/SEGMENT)*`.
///
/// Every part keeps the text it was written with, so error messages and `parentCollectionLookup` quote the
/// user's own spelling (Debusine builds them from the raw segments), and rendering gives back exactly the
/// string that was parsed.
public struct StringLookup: Hashable, Sendable {
    /// The optional `//key=value(:key=value)*/` options prefix (which workspace to start from).
    public var options: LookupOptions?
    /// The first segment, interpreted.
    public var first: FirstSegment
    /// The first segment as written (e.g. `bookworm` before a default category is applied).
    public var firstText: String
    /// The later segments, each passed to the previous result's collection.
    public var segments: [LookupSegment]

    /// Parses a string lookup the way Debusine's `parse_lookup_string` splits one: an options prefix only
    /// when the text starts with `//` and has a closing `/` (`//workspace=w` alone is the segments `''`,
    /// `''` and `workspace=w`), then the rest split on `/`. Only an empty text is `Empty lookup`; an empty
    /// first segment (`/x`, `//workspace=w/`) is a name without a category, found wanting at resolution.
    ///
    /// - Throws: `LookupFailure.invalid` for an empty lookup, an option without `=` (`Invalid syntax in
    ///   lookup options part of '<lookup>'`). Segments are never refused here
    ///   (`LookupSegment`).
    public init(parsing text: String) throws(LookupFailure) {
        guard !text.isEmpty else { throw .invalid("Empty lookup") }
        var rest = Substring(text)
        options = nil
        if rest.hasPrefix("//"), let end = rest.dropFirst(2).firstIndex(of: "/") {
            options = try LookupOptions(parsing: String(rest[rest.index(rest.startIndex, offsetBy: 2)..<end]), in: text)
            rest = rest[rest.index(after: end)...]
        }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        firstText = parts[0]
        first = FirstSegment(parsing: parts[0])
        segments = parts.dropFirst().map(LookupSegment.init(parsing:))
    }

    /// The lookup as written (Debusine's user form).
    public var text: String {
        ([(options.map { "//\($0.text)/" } ?? "") + firstText] + segments.map(\.text)).joined(separator: "/")
    }

    /// The first segment with the default category applied (`bookworm` → `bookworm@debian:suite`), as
    /// Debusine normalises it before resolving; `nil` when a category is needed and none is supplied.
    public func normalizedFirstText(defaultCategory: String?) -> String? {
        guard case .bareName(let name) = first else { return firstText }
        guard let defaultCategory else { return nil }
        return "\(name)@\(defaultCategory)"
    }

    /// The lookup up to (not including) segment `count`, with the default category applied: the
    /// "container lookup" quoted by errors and recorded as `parentCollectionLookup`.
    ///
    /// Debusine's single lookups build it from the segments alone (`lookup_single`:
    /// `build_lookup_string(*segments[:i])`), so `includeOptions` is false there; dictionary lookups keep
    /// the options (`_lookup_dict`: `build_lookup_string(*segments, options=options)`), rendered from the
    /// parsed options as Debusine renders its dict.
    func prefixText(segmentCount count: Int, normalizedFirst: String, includeOptions: Bool) -> String {
        let prefix = includeOptions ? (options.map { "//\($0.canonicalText)/" } ?? "") : ""
        return ([prefix + normalizedFirst] + segments.prefix(count).map(\.text)).joined(separator: "/")
    }
}

extension StringLookup {
    /// Builds a string lookup from parts already known to be valid (integer lookups, augmented lookups).
    init(options: LookupOptions?, first: FirstSegment, firstText: String, segments: [LookupSegment]) {
        self.options = options
        self.first = first
        self.firstText = firstText
        self.segments = segments
    }
}

/// The `//key=value(:key=value)*/` options prefix of a string lookup (Debusine 0.16): for now only `workspace`
/// (and its `scope`), which make the first segment be searched from another workspace.
///
/// Parsing only splits the text, as Debusine's `_parse_key_value_string` does: any key is kept and a
/// repeated key keeps its last value in the place it first took (a Python dict). Which keys are known, and
/// whether the workspace exists, is checked at resolution, in the order the options were written, as
/// `server/collections/lookup.py` `_process_lookup_options` does.
public struct LookupOptions: Hashable, Sendable {
    /// The text between `//` and `/`, as written.
    public var text: String
    /// One entry per key, in the order keys first appear, each with its last value.
    public var entries: [LookupOption]

    /// Splits `key=value:key=value…`.
    ///
    /// - Throws: `LookupFailure.invalid` (`Invalid syntax in lookup options part of '<lookup>'`, Debusine's
    ///   `_normalize_lookup_segments` text) when an item has no `=`, including an empty prefix (`///x`).
    init(parsing text: String, in lookup: String) throws(LookupFailure) {
        self.text = text
        entries = []
        for item in text.split(separator: ":", omittingEmptySubsequences: false) {
            guard let equals = item.firstIndex(of: "=") else {
                throw .invalid("Invalid syntax in lookup options part of \(JSONValue.pythonStringRepr(lookup))")
            }
            let option = LookupOption(key: String(item[..<equals]), value: String(item[item.index(after: equals)...]))
            if let index = entries.firstIndex(where: { $0.key == option.key }) {
                entries[index].value = option.value
            } else {
                entries.append(option)
            }
        }
    }

    /// The value of `key`, if given.
    public subscript(key: String) -> String? {
        entries.first { $0.key == key }?.value
    }

    /// The options as Debusine writes its parsed dict back (`_build_key_value_string`): one `key=value` per
    /// key, joined with `:`.
    public var canonicalText: String {
        entries.map { "\($0.key)=\($0.value)" }.joined(separator: ":")
    }
}

/// One `key=value` of a lookup's options prefix.
public struct LookupOption: Hashable, Sendable {
    /// The option name; `workspace` and `scope` are the ones resolution understands.
    public var key: String
    /// The value, possibly empty.
    public var value: String

    /// Memberwise; any key is kept until resolution.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// What the first segment of a string lookup names (Debusine `server/collections/lookup.py` `_lookup_single_first`).
public enum FirstSegment: Hashable, Sendable {
    /// `NNN@artifacts`: an artifact by id; only visibility matters.
    case artifactID(Int)
    /// `NNN@collections`: a collection by id; only visibility matters.
    case collectionID(Int)
    /// `internal@collections`: the workflow root's internal collection.
    case internalCollection
    /// `NAME@CATEGORY` (split on the last `@`): a collection searched along the inheritance chain.
    case collection(name: String, category: String)
    /// `NAME` alone: needs a default category from the context.
    case bareName(String)
    /// `NNN@artifacts` or `NNN@collections` with an id too large for any row: nothing has it (Debusine's
    /// `int(…)` takes it, and Django answers an out-of-range id with no row: `does not exist or is hidden`).
    case idOutOfRange

    /// Interprets a first segment; an empty one is a bare empty name (Debusine's `'' does not specify a
    /// category …`, or with a default category `'@CATEGORY' does not exist or is hidden`).
    ///
    init(parsing text: String) {
        guard let at = text.lastIndex(of: "@") else {
            self = .bareName(text)
            return
        }
        let name = String(text[..<at])
        let category = String(text[text.index(after: at)...])
        let isNumeric = !name.isEmpty && name.allSatisfy { $0.isASCII && $0.isNumber }
        switch category {
        case "artifacts" where isNumeric, "collections" where isNumeric:
            guard let id = Int(name) else {
                self = .idOutOfRange
                return
            }
            self = category == "artifacts" ? .artifactID(id) : .collectionID(id)
        case "collections" where name == "internal":
            self = .internalCollection
        default:
            self = .collection(name: name, category: category)
        }
    }
}
