/// Who contributed a tag (Debusine `worker/tags.py`, `tasks/tags.py` `ProvenanceProvided`, `ProvenanceRequired`). The
/// provenance decides whether a restricted tag survives: worker dynamic metadata is untrusted, static metadata and
/// database facts are trusted, task configuration is trusted for adding required tags but cannot forge system-only task
/// tags.
public enum TagProvenance: String, CaseIterable, Hashable, Sendable, Codable, Comparable {
    /// The worker's own dynamic metadata (worker-provided set): untrusted.
    case worker
    /// Static metadata set by an administrator (worker-provided and worker-required sets).
    case admin
    /// Facts the server computes itself (database columns, task code).
    case system
    /// The work request's creator, through task data (task-provided set; nothing contributes it yet).
    case user
    /// The workspace's task configuration (`provide_tags`, `require_tags`).
    case workspace

    /// Declaration order, so audit trails list provenances the same way every time.
    public static func < (lhs: TagProvenance, rhs: TagProvenance) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .worker: 0
        case .admin: 1
        case .system: 2
        case .user: 3
        case .workspace: 4
        }
    }
}

/// Tags proposed for a set, grouped by provenance, before restrictions are applied (Debusine `utils/tag_utils.py`
/// `CandidateTags`).
///
/// Task hooks return these; the tag set built from them drops whatever a provenance may not add.
public struct CandidateTags: Hashable, Sendable, Codable {
    /// The proposed tags of each provenance.
    public private(set) var byProvenance: [TagProvenance: Set<String>]

    /// Drops empty entries, so two candidate sets with the same tags compare equal.
    public init(_ byProvenance: [TagProvenance: Set<String>] = [:]) {
        self.byProvenance = byProvenance.filter { !$0.value.isEmpty }
    }

    /// Adds tags under a provenance (union with what is already there).
    public mutating func add(_ provenance: TagProvenance, _ tags: some Sequence<String>) {
        let set = Set(tags)
        guard !set.isEmpty else { return }
        byProvenance[provenance, default: []].formUnion(set)
    }

    /// Adds every provenance's tags of `other` (union per provenance).
    public mutating func add(_ other: CandidateTags) {
        for (provenance, tags) in other.byProvenance { add(provenance, tags) }
    }

    /// A copy with `other` added.
    public func adding(_ other: CandidateTags) -> CandidateTags {
        var copy = self
        copy.add(other)
        return copy
    }

    /// Every proposed tag, whatever its provenance.
    public var allTags: Set<String> { byProvenance.values.reduce(into: Set()) { $0.formUnion($1) } }

    /// `true` when nothing is proposed.
    public var isEmpty: Bool { byProvenance.isEmpty }
}
