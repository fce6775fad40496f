/// One segment after the first in a string lookup: a query passed to the previous result's collection (its manager's
/// `do_lookup` in Debusine).
///
/// The query is interpreted at parse time, so a malformed segment (`source-version:hello` without a version,
/// `match:codename`) is rejected before any data is read. Which queries a collection accepts depends on its
/// category and is checked at resolution time.
public struct LookupSegment: Hashable, Sendable {
    /// The segment as written (`src2_2.0` stays `src2_2.0`, it is not rewritten to `name:src2_2.0`).
    public var text: String
    /// What the segment asks for.
    public var query: SegmentQuery

    /// Parses a segment; a segment without `:` is an implicit `name:`.
    ///
    /// - Throws: `LookupFailure.invalid` with Debusine's `Unexpected lookup format: "…"` for an unknown
    ///   prefix or a value that does not fit its prefix.
    public init(parsing text: String) throws(LookupFailure) {
        self.text = text
        self.query = try SegmentQuery(parsing: text)
    }

    /// The segment with an implicit `name:` made explicit, as Debusine quotes it in "has no item" errors.
    public var normalizedText: String { query.text }
}

extension LookupSegment {
    /// Builds a segment from a query already known to be valid.
    init(text: String, query: SegmentQuery) {
        self.text = text
        self.query = query
    }
}

/// The queries collections understand (Debusine `server/collections/base.py` `CollectionManagerInterface.do_lookup` and
/// its overrides).
public enum SegmentQuery: Hashable, Sendable {
    /// `name:NAME` (or a bare `NAME`): the active item with that name; every collection accepts it.
    case name(String)
    /// `source:NAME` (debian:suite): the current source package NAME.
    case source(name: String)
    /// `source-version:NAME_VERSION` (debian:suite).
    case sourceVersion(name: String, version: String)
    /// `binary:NAME_ARCH` (debian:suite): the current binary; `Architecture: all` matches any ARCH ≠ all.
    case binary(name: String, architecture: String)
    /// `binary-version:NAME_VERSION_ARCH` (debian:suite).
    case binaryVersion(name: String, version: String, architecture: String)
    /// `index:PATH` (debian:suite): the current repository index at PATH. PATH cannot contain `/`, since
    /// segments are split on `/` (as in Debusine's `parse_lookup_string_segments`).
    case index(path: String)
    /// `match:k=v[:k=v…]` (debian:environments): the most recently added matching environment.
    case match([EnvironmentMatchFilter])

    /// Interprets segment text.
    ///
    /// - Throws: `LookupFailure.invalid` (`Unexpected lookup format: "…"`) naming the segment.
    init(parsing text: String) throws(LookupFailure) {
        guard let colon = text.firstIndex(of: ":") else {
            self = .name(text)
            return
        }
        let prefix = text[..<colon]
        let value = String(text[text.index(after: colon)...])
        let unexpected = LookupFailure.invalid("Unexpected lookup format: \"\(text)\"")
        if prefix == "name" {
            self = .name(value)
            return
        }
        guard !value.isEmpty else { throw unexpected }
        switch prefix {
        case "source":
            self = .source(name: value)
        case "source-version":
            guard let parts = Self.splitUnderscores(value, into: 2) else { throw unexpected }
            self = .sourceVersion(name: parts[0], version: parts[1])
        case "binary":
            guard let parts = Self.splitUnderscores(value, into: 2) else { throw unexpected }
            self = .binary(name: parts[0], architecture: parts[1])
        case "binary-version":
            guard let parts = Self.splitUnderscores(value, into: 3) else { throw unexpected }
            self = .binaryVersion(name: parts[0], version: parts[1], architecture: parts[2])
        case "index":
            self = .index(path: value)
        case "match":
            self = .match(try EnvironmentMatchFilter.parseList(value, segment: text))
        default:
            throw unexpected
        }
    }

    /// Splits `a_b_c…` the way Debusine's non-greedy regexes do (`^(.+?)_(.+?)_(.+)$`): every part but
    /// the last ends at the first `_` after at least one character; the last takes the rest. `nil` when a
    /// part would be empty.
    private static func splitUnderscores(_ value: String, into count: Int) -> [String]? {
        var parts: [String] = []
        var rest = Substring(value)
        for _ in 1..<count {
            guard rest.count >= 2,
                let underscore = rest.dropFirst().firstIndex(of: "_")
            else { return nil }
            parts.append(String(rest[..<underscore]))
            rest = rest[rest.index(after: underscore)...]
        }
        guard !rest.isEmpty else { return nil }
        parts.append(String(rest))
        return parts
    }

    /// The canonical text of the query (implicit names made explicit).
    public var text: String {
        switch self {
        case .name(let name): "name:\(name)"
        case .source(let name): "source:\(name)"
        case .sourceVersion(let name, let version): "source-version:\(name)_\(version)"
        case .binary(let name, let architecture): "binary:\(name)_\(architecture)"
        case .binaryVersion(let name, let version, let architecture):
            "binary-version:\(name)_\(version)_\(architecture)"
        case .index(let path): "index:\(path)"
        case .match(let filters): "match:" + filters.map(\.text).joined(separator: ":")
        }
    }
}

/// One `key=value` filter of a `debian:environments` `match:` segment.
public struct EnvironmentMatchFilter: Hashable, Sendable {
    /// The keys Debusine's environments manager understands. Debusine silently ignores other keys; Kiln
    /// rejects them so a typo (`arch=amd64`) cannot widen a match unnoticed.
    public static let knownKeys: [String] = ["format", "codename", "architecture", "variant", "backend"]

    /// One of `knownKeys`.
    public var key: String
    /// The value; for `variant` an empty value means "no variant".
    public var value: String

    /// Memberwise; the parser checks `key` is one of `knownKeys`.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// `key=value`.
    public var text: String { "\(key)=\(value)" }

    /// Parses `k=v:k=v…`.
    ///
    /// - Throws: `LookupFailure.invalid` for a filter without `=`, an unknown or repeated key, or a
    ///   `format` other than `tarball`/`image`, naming the segment.
    static func parseList(_ text: String, segment: String) throws(LookupFailure) -> [EnvironmentMatchFilter] {
        var filters: [EnvironmentMatchFilter] = []
        for item in text.split(separator: ":", omittingEmptySubsequences: false) {
            guard let equals = item.firstIndex(of: "=") else {
                throw .invalid("Unexpected lookup format: \"\(segment)\" ('\(item)' is not key=value)")
            }
            let filter = EnvironmentMatchFilter(
                key: String(item[..<equals]),
                value: String(item[item.index(after: equals)...])
            )
            guard knownKeys.contains(filter.key) else {
                throw .invalid(
                    "Unknown match key '\(filter.key)' in \"\(segment)\": expected one of "
                        + knownKeys.joined(separator: ", ")
                )
            }
            guard !filters.contains(where: { $0.key == filter.key }) else {
                throw .invalid("Match key '\(filter.key)' repeated in \"\(segment)\"")
            }
            if filter.key == "format", EnvironmentFormat(rawValue: filter.value) == nil {
                throw .invalid(
                    "Unknown environment format '\(filter.value)' in \"\(segment)\": expected tarball or image"
                )
            }
            filters.append(filter)
        }
        return filters
    }
}

/// The `format` of an environment, standing for an artifact category.
public enum EnvironmentFormat: String, CaseIterable, Hashable, Sendable {
    case tarball
    case image

    /// The artifact category the format selects.
    public var artifactCategory: String {
        switch self {
        case .tarball: LookupCategories.systemTarball
        case .image: LookupCategories.systemImage
        }
    }
}
