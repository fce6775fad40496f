/// A tag set under construction (Debusine `server/tags.py` `Tagset`): tags go in with a provenance, the set's
/// restrictions drop what that provenance may not add, and every decision is written to `audit`.
///
/// Build it with `add(_:_:)` / `add(_:)`, then `finalize()` to apply derivation rules and get the sorted
/// result that is stored and compared.
public struct Tagset: Sendable {
    /// The restrictions table guarding the set.
    public let restrictions: ProvenanceRestrictions
    /// Derivation batches applied by `finalize()`, in order.
    public let derivationRules: [TagDerivationBatch]
    /// The tags kept so far.
    public private(set) var tags: Set<String> = []
    /// Every decision so far, in the order it was made.
    public private(set) var audit: [TagAuditEntry] = []

    /// An empty set guarded by `restrictions`; derivation rules run at `finalize()`.
    public init(restrictions: ProvenanceRestrictions, derivationRules: [TagDerivationBatch] = []) {
        self.restrictions = restrictions
        self.derivationRules = derivationRules
    }

    /// A set guarded by the table of `kind`.
    public init(kind: TagSetKind, derivationRules: [TagDerivationBatch] = []) {
        self.init(restrictions: kind.restrictions, derivationRules: derivationRules)
    }

    /// Adds `tags` under `provenance`, dropping (and auditing) the ones it may not add. Tags are handled
    /// in sorted order so the audit trail is reproducible.
    public mutating func add(_ provenance: TagProvenance, _ tags: some Sequence<String>) {
        add(provenance, tags, derivedBy: nil)
    }

    /// Adds every provenance's candidates, each under its own provenance (provenances in their declared
    /// order, so the audit trail is reproducible).
    public mutating func add(_ candidates: CandidateTags) {
        for provenance in TagProvenance.allCases {
            if let tags = candidates.byProvenance[provenance] { add(provenance, tags) }
        }
    }

    /// Applies the derivation batches and returns the final, sorted set with its audit trail.
    ///
    /// Each batch's rules are evaluated on the set as it was before the batch, so rules of one batch do
    /// not feed each other; derived tags go through the restrictions under the batch's provenance.
    public func finalize() -> ComputedTagSet {
        var result = self
        for batch in derivationRules {
            let snapshot = result.tags
            for rule in batch.rules where rule.condition.evaluate(on: snapshot) {
                result.add(batch.provenance, rule.tags, derivedBy: rule.condition.rendered)
            }
        }
        return ComputedTagSet(tags: result.tags.sorted(), audit: result.audit)
    }

    private mutating func add(_ provenance: TagProvenance, _ tags: some Sequence<String>, derivedBy: String?) {
        for tag in Set(tags).sorted() {
            if let reason = restrictions.rejection(of: tag, from: provenance) {
                audit.append(TagAuditEntry(tag: tag, provenance: provenance, outcome: .dropped(reason),
                                           derivedBy: derivedBy))
            } else {
                self.tags.insert(tag)
                audit.append(TagAuditEntry(tag: tag, provenance: provenance, outcome: .added, derivedBy: derivedBy))
            }
        }
    }
}

/// A finished tag set: the sorted tags (as stored in PostgreSQL and compared by the scheduler) and the
/// audit trail that explains them.
public struct ComputedTagSet: Hashable, Sendable, Codable {
    /// The tags, sorted.
    public let tags: [String]
    /// Every decision taken while building the set.
    public let audit: [TagAuditEntry]

    /// Memberwise; `Tagset.finalize()` is what normally builds it.
    public init(tags: [String], audit: [TagAuditEntry]) {
        self.tags = tags
        self.audit = audit
    }

    /// The tags as a set, for subset tests.
    public var set: Set<String> { Set(tags) }

    /// The audit entries of dropped tags only.
    public var dropped: [TagAuditEntry] { audit.filter(\.isDropped) }
}
