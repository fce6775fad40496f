/// A boolean expression over tags (Debusine `utils/tag_utils.py` `DerivationRuleParser`), used by task-configuration
/// filters (`tags_provided`, `tags_required` in string form) and by derivation rules. A tag operand is true when the
/// tag is in the set the expression is evaluated on.
///
/// Encoded (`Codable`) as its rendered text, which parses back to the same tree.
public indirect enum TagExpression: Hashable, Sendable {
    /// True iff the tag is in the set.
    case tag(String)
    /// Negation.
    case not(TagExpression)
    /// Conjunction.
    case and(TagExpression, TagExpression)
    /// Disjunction.
    case or(TagExpression, TagExpression)

    /// Parses expression text (grammar in `TagExpressionParser`).
    ///
    /// - Throws: `TagExpressionSyntaxError` saying what was expected at which character.
    public init(parsing text: String) throws(TagExpressionSyntaxError) {
        self = try TagExpressionParser.parse(text)
    }

    /// Evaluates the expression with "TAG" meaning "TAG ∈ tags".
    public func evaluate(on tags: Set<String>) -> Bool {
        switch self {
        case .tag(let tag): tags.contains(tag)
        case .not(let operand): !operand.evaluate(on: tags)
        case .and(let left, let right): left.evaluate(on: tags) && right.evaluate(on: tags)
        case .or(let left, let right): left.evaluate(on: tags) || right.evaluate(on: tags)
        }
    }

    /// Every tag the expression mentions.
    public var referencedTags: Set<String> {
        switch self {
        case .tag(let tag): [tag]
        case .not(let operand): operand.referencedTags
        case .and(let left, let right), .or(let left, let right): left.referencedTags.union(right.referencedTags)
        }
    }

    /// The expression as text with only the parentheses precedence needs (not > and > or, binary
    /// operators grouping to the left), so `TagExpression(parsing: e.rendered) == e`.
    public var rendered: String {
        switch self {
        case .tag(let tag):
            return tag
        case .not(let operand):
            return "not " + operand.renderedAsOperand(of: precedence, isRightOperand: false)
        case .and(let left, let right):
            return left.renderedAsOperand(of: precedence, isRightOperand: false) + " and "
                + right.renderedAsOperand(of: precedence, isRightOperand: true)
        case .or(let left, let right):
            return left.renderedAsOperand(of: precedence, isRightOperand: false) + " or "
                + right.renderedAsOperand(of: precedence, isRightOperand: true)
        }
    }

    /// Binding strength: or 1 < and 2 < not 3 < tag 4.
    private var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .not: 3
        case .tag: 4
        }
    }

    private func renderedAsOperand(of parentPrecedence: Int, isRightOperand: Bool) -> String {
        // A right operand of the same operator needs parentheses to keep the tree's shape, because the
        // parser groups `a and b and c` as `(a and b) and c`.
        let needsParentheses = isRightOperand ? precedence <= parentPrecedence : precedence < parentPrecedence
        return needsParentheses ? "(\(rendered))" : rendered
    }
}

extension TagExpression: CustomStringConvertible {
    public var description: String { rendered }
}

extension TagExpression: Codable {
    /// Reads the expression text and parses it, so a malformed expression fails decoding with the parser's message.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    /// Writes the rendered text, the form configuration entries store.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rendered)
    }
}
