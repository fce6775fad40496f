/// A rule that adds tags when a condition holds on a set (Debusine `server/tags.py` `Tagset.finalize`,
/// `utils/tag_utils.py` `DerivationRules`), e.g. "dm or dd" → `debian`.
///
/// Debusine 0.16 configures none yet (planned through settings); the mechanism exists so deployments can add
/// umbrella tags without touching every worker.
public struct TagDerivationRule: Hashable, Sendable {
    /// When the rule fires, evaluated on the set as it was before the rule's batch.
    public let condition: TagExpression
    /// What it adds.
    public let tags: Set<String>

    /// Memberwise, from an already parsed condition.
    public init(condition: TagExpression, tags: Set<String>) {
        self.condition = condition
        self.tags = tags
    }

    /// Parses the condition from expression text.
    ///
    /// - Throws: `TagExpressionSyntaxError` for a malformed condition.
    public init(condition: String, tags: Set<String>) throws(TagExpressionSyntaxError) {
        self.init(condition: try TagExpression(parsing: condition), tags: tags)
    }
}

/// Rules evaluated together under one provenance: their derived tags pass through the set's restrictions
/// as if that provenance had added them.
public struct TagDerivationBatch: Hashable, Sendable {
    /// The provenance the derived tags are added under.
    public let provenance: TagProvenance
    /// The batch's rules; all see the same snapshot of the set.
    public let rules: [TagDerivationRule]

    /// Memberwise.
    public init(provenance: TagProvenance, rules: [TagDerivationRule]) {
        self.provenance = provenance
        self.rules = rules
    }
}
