/// A configuration entry's `tags_provided` / `tags_required` filter (Debusine
/// `server/collections/debusine_task_configuration.py` `ConfigurationLookup`): either a list of tags that must all be
/// present, or a boolean expression (`utils/tag_utils.py` `DerivationRuleParser`) that must be true, on the task's
/// early set.
public enum TagFilter: Hashable, Sendable {
    /// Every listed tag must be in the set.
    case allOf([String])
    /// The expression must evaluate true on the set.
    case expression(TagExpression)

    /// `true` when the filter accepts `tags`.
    public func accepts(_ tags: Set<String>) -> Bool {
        switch self {
        case .allOf(let required): Set(required).isSubset(of: tags)
        case .expression(let expression): expression.evaluate(on: tags)
        }
    }
}
