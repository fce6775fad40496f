/// One segment after the first in a string lookup: a query passed to the previous result's collection (its manager's
/// `do_lookup` in Debusine).
///
/// The query is interpreted at parse time, but never refused there: as in Debusine, where only the manager
/// of the collection actually reached reads a segment (`container.manager.lookup(segment)`), a segment no
/// category understands (`frobnicate:x`, `source-version:hello`) fails only when it is reached, with
/// `Unexpected lookup format: "…"`, so an earlier segment that is not found is reported first.
public struct LookupSegment: Hashable, Sendable {
    /// The segment as written (`src2_2.0` stays `src2_2.0`, it is not rewritten to `name:src2_2.0`).
    public var text: String
    /// What the segment asks for.
    public var query: SegmentQuery

    /// Parses a segment; a segment without `:` is an implicit `name:`.
    public init(parsing text: String) {
        self.text = text
        self.query = SegmentQuery(parsing: text)
    }

    /// The segment as Debusine hands it to the collection and quotes it in "has no item" errors: an
    /// implicit `name:` made explicit, anything else as written.
    public var normalizedText: String { text.contains(":") ? text : "name:\(text)" }
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
    /// `last-entry:`, `last-success:` or `last-failure:TYPE:NAME:SUBJECT:CONTEXT` (debusine:task-history).
    case taskRun(TaskRunQuery)
    /// `latest:TASK_PACKAGE_ARCHITECTURE` (debian:qa-results): the most recent result of that task on that
    /// package and architecture. Debusine's `^latest:([^_]+)_([^_]+)_([^_]+)$`: three parts, none holding `_`.
    case latest(taskName: String, package: String, architecture: String)
    /// Text no collection understands (an unknown prefix, a value that does not fit its prefix, an empty
    /// name): every collection answers it with `Unexpected lookup format: "<text>"` when it is reached.
    case unrecognized(String)

    /// Interprets segment text the way Debusine's managers match it (`^name:(.+)$`, `^source:(.+)$`,
    /// `^source-version:(.+?)_(.+)$`, …); what fits none of them is `unrecognized`.
    init(parsing text: String) {
        guard let colon = text.firstIndex(of: ":") else {
            self = text.isEmpty ? .unrecognized("name:") : .name(text)
            return
        }
        let prefix = text[..<colon]
        let value = String(text[text.index(after: colon)...])
        guard !value.isEmpty else {
            self = .unrecognized(text)
            return
        }
        switch prefix {
        case "name":
            self = .name(value)
        case "source":
            self = .source(name: value)
        case "source-version":
            guard let parts = Self.splitUnderscores(value, into: 2) else {
                self = .unrecognized(text)
                return
            }
            self = .sourceVersion(name: parts[0], version: parts[1])
        case "binary":
            guard let parts = Self.splitUnderscores(value, into: 2) else {
                self = .unrecognized(text)
                return
            }
            self = .binary(name: parts[0], architecture: parts[1])
        case "binary-version":
            guard let parts = Self.splitUnderscores(value, into: 3) else {
                self = .unrecognized(text)
                return
            }
            self = .binaryVersion(name: parts[0], version: parts[1], architecture: parts[2])
        case "index":
            self = .index(path: value)
        case "match":
            guard let filters = EnvironmentMatchFilter.parseList(value) else {
                self = .unrecognized(text)
                return
            }
            self = .match(filters)
        case "latest":
            let parts = value.split(separator: "_", omittingEmptySubsequences: false)
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && !$0.contains("\n") }) else {
                self = .unrecognized(text)
                return
            }
            self = .latest(taskName: String(parts[0]), package: String(parts[1]), architecture: String(parts[2]))
        case "last-entry", "last-success", "last-failure":
            guard let query = TaskRunQuery(parsing: text) else {
                self = .unrecognized(text)
                return
            }
            self = .taskRun(query)
        default:
            self = .unrecognized(text)
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
        case .taskRun(let query): query.text
        case .latest(let taskName, let package, let architecture): "latest:\(taskName)_\(package)_\(architecture)"
        case .unrecognized(let text): text
        }
    }
}

/// One `key=value` filter of a `debian:environments` `match:` segment.
///
/// As Debusine's `DebianEnvironmentsManager.do_lookup`, which reads the filters into a dict: a repeated
/// key keeps its last value, and keys other than `codename`, `architecture`, `variant` and `backend`, or a
/// `format` other than `tarball`/`image`, are kept (the text round-trips) but filter nothing.
public struct EnvironmentMatchFilter: Hashable, Sendable {
    /// The keys the environments collection filters on.
    public static let knownKeys: [String] = ["format", "codename", "architecture", "variant", "backend"]

    /// The key; one of `knownKeys` to have any effect.
    public var key: String
    /// The value; for `variant` an empty value means "no variant".
    public var value: String

    /// Memberwise; any key is kept.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// `key=value`.
    public var text: String { "\(key)=\(value)" }

    /// Parses `k=v:k=v…` into one filter per key, in the order keys first appear, each with its last value.
    ///
    /// - Returns: `nil` when an item has no `=` (Debusine crashes there with a `ValueError`; Kiln reports
    ///   the segment as an unexpected lookup format instead).
    static func parseList(_ text: String) -> [EnvironmentMatchFilter]? {
        var filters: [EnvironmentMatchFilter] = []
        for item in text.split(separator: ":", omittingEmptySubsequences: false) {
            guard let equals = item.firstIndex(of: "=") else { return nil }
            let filter = EnvironmentMatchFilter(
                key: String(item[..<equals]),
                value: String(item[item.index(after: equals)...])
            )
            if let index = filters.firstIndex(where: { $0.key == filter.key }) {
                filters[index].value = filter.value
            } else {
                filters.append(filter)
            }
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
        case .tarball: KnownCategories.systemTarball
        case .image: KnownCategories.systemImage
        }
    }
}
