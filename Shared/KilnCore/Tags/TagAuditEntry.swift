/// One decision a `Tagset` made about one proposed tag: kept (with who proposed it) or dropped (with the
/// rule that dropped it). The tag-computer stores these as tag audit events, so an operator can see why a
/// worker never gets some work.
public struct TagAuditEntry: Hashable, Sendable, Codable, CustomStringConvertible {
    /// What happened to the tag.
    public enum Outcome: Hashable, Sendable, Codable {
        /// The tag is in the set (it may also have been added by another provenance).
        case added
        /// The tag was refused.
        case dropped(TagDropReason)
    }

    /// The proposed tag.
    public let tag: String
    /// Who proposed it.
    public let provenance: TagProvenance
    /// Kept or dropped, and why.
    public let outcome: Outcome
    /// The condition of the derivation rule that proposed the tag during `finalize()`, rendered as an
    /// expression; `nil` when the tag was added directly.
    public let derivedBy: String?

    /// `derivedBy` is nil for tags added directly rather than by a derivation rule.
    public init(tag: String, provenance: TagProvenance, outcome: Outcome, derivedBy: String? = nil) {
        self.tag = tag
        self.provenance = provenance
        self.outcome = outcome
        self.derivedBy = derivedBy
    }

    /// `true` when the entry records a dropped tag.
    public var isDropped: Bool {
        if case .dropped = outcome { return true }
        return false
    }

    public var description: String {
        let origin = derivedBy.map { " derived by '\($0)'" } ?? ""
        return switch outcome {
        case .added: "added \(tag) (\(provenance.rawValue))\(origin)"
        case .dropped(let reason): "dropped \(tag) (\(provenance.rawValue))\(origin): \(reason)"
        }
    }
}
