/// A string lookup (Debusine `tasks/models.py` `parse_lookup_string`) split into its parts:
/// `[//opt=val(:opt=val)*/]FIRST(/SEGMENT)*`.
///
/// Every part keeps the text it was written with, so error messages and `parentCollectionLookup` quote the
/// user's own spelling (Debusine builds them from the raw segments), and rendering gives back exactly the
/// string that was parsed.
public struct StringLookup: Hashable, Sendable {
    /// The optional `//workspace=W/` or `//scope=S:workspace=W/` prefix.
    public var workspace: WorkspaceSelector?
    /// The first segment, interpreted.
    public var first: FirstSegment
    /// The first segment as written (e.g. `bookworm` before a default category is applied).
    public var firstText: String
    /// The later segments, each passed to the previous result's collection.
    public var segments: [LookupSegment]

    /// Parses a string lookup.
    ///
    /// - Throws: `LookupFailure.invalid` for an empty lookup, a malformed prefix or a malformed segment,
    ///   naming the bad text.
    public init(parsing text: String) throws(LookupFailure) {
        var rest = Substring(text)
        if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            guard let end = afterSlashes.firstIndex(of: "/") else {
                throw .invalid("Lookup prefix in '\(text)' must end with '/'")
            }
            workspace = try WorkspaceSelector(parsingOptions: String(afterSlashes[..<end]), in: text)
            rest = afterSlashes[afterSlashes.index(after: end)...]
        } else {
            workspace = nil
        }
        guard !rest.isEmpty else { throw .invalid("Empty lookup") }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        firstText = parts[0]
        first = try FirstSegment(parsing: parts[0])
        segments = try parts.dropFirst().map { segmentText throws(LookupFailure) in
            try LookupSegment(parsing: segmentText)
        }
    }

    /// The lookup as written (Debusine's user form).
    public var text: String {
        ([(workspace?.text ?? "") + firstText] + segments.map(\.text)).joined(separator: "/")
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
    func prefixText(segmentCount count: Int, normalizedFirst: String) -> String {
        ([(workspace?.text ?? "") + normalizedFirst] + segments.prefix(count).map(\.text))
            .joined(separator: "/")
    }
}

extension StringLookup {
    /// Builds a string lookup from parts already known to be valid (integer lookups, augmented lookups).
    init(workspace: WorkspaceSelector?, first: FirstSegment, firstText: String, segments: [LookupSegment]) {
        self.workspace = workspace
        self.first = first
        self.firstText = firstText
        self.segments = segments
    }
}

/// The `//…/` prefix of a string lookup ([0.16]): resolve the first segment in another workspace.
public struct WorkspaceSelector: Hashable, Sendable {
    /// The scope, or `nil` for the current workspace's scope.
    public var scope: String?
    /// The workspace name.
    public var workspace: String

    /// A nil scope means the current workspace's scope (`//workspace/…`).
    public init(scope: String? = nil, workspace: String) {
        self.scope = scope
        self.workspace = workspace
    }

    /// Parses the options between `//` and `/` (`workspace=W` or `scope=S:workspace=W`, in any order).
    ///
    /// - Throws: `LookupFailure.invalid` for an unknown or repeated option, an option without `=`, an
    ///   empty value, or `scope` without `workspace`.
    init(parsingOptions options: String, in lookup: String) throws(LookupFailure) {
        var values: [String: String] = [:]
        for option in options.split(separator: ":", omittingEmptySubsequences: false) {
            guard let equals = option.firstIndex(of: "=") else {
                throw .invalid("Lookup option '\(option)' in '\(lookup)' is not of the form key=value")
            }
            let key = String(option[..<equals])
            let value = String(option[option.index(after: equals)...])
            guard key == "scope" || key == "workspace" else {
                throw .invalid("Unknown lookup option '\(key)' in '\(lookup)': expected scope or workspace")
            }
            guard values[key] == nil else { throw .invalid("Lookup option '\(key)' repeated in '\(lookup)'") }
            guard !value.isEmpty else { throw .invalid("Lookup option '\(key)' in '\(lookup)' is empty") }
            values[key] = value
        }
        guard let workspace = values["workspace"] else {
            throw .invalid("Lookup prefix in '\(lookup)' gives a scope without a workspace")
        }
        self.scope = values["scope"]
        self.workspace = workspace
    }

    /// The prefix as written in canonical order, with its trailing `/` (`//scope=S:workspace=W/`).
    public var text: String {
        if let scope { return "//scope=\(scope):workspace=\(workspace)/" }
        return "//workspace=\(workspace)/"
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

    /// Interprets a first segment.
    ///
    /// - Throws: `LookupFailure.invalid` for an empty segment or an id too large to be one.
    init(parsing text: String) throws(LookupFailure) {
        guard !text.isEmpty else { throw .invalid("Empty lookup") }
        guard let at = text.lastIndex(of: "@") else {
            self = .bareName(text)
            return
        }
        let name = String(text[..<at])
        let category = String(text[text.index(after: at)...])
        let isNumeric = !name.isEmpty && name.allSatisfy { $0.isASCII && $0.isNumber }
        switch category {
        case "artifacts" where isNumeric, "collections" where isNumeric:
            guard let id = Int(name) else { throw .invalid("Id '\(name)' in lookup '\(text)' is out of range") }
            self = category == "artifacts" ? .artifactID(id) : .collectionID(id)
        case "collections" where name == "internal":
            self = .internalCollection
        default:
            self = .collection(name: name, category: category)
        }
    }
}
