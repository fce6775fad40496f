/// A malformed tag expression: what the parser expected, what it found, and where (a 0-based character
/// offset into the text), so a workspace owner can fix a configuration entry without guessing.
public struct TagExpressionSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The whole expression text.
    public let expression: String
    /// 0-based character offset of the problem (the text's length for "end of expression").
    public let offset: Int
    /// What would have been valid there.
    public let expected: String
    /// What was there instead.
    public let found: String

    /// Memberwise; the parser fills in the offset and what it expected there.
    public init(expression: String, offset: Int, expected: String, found: String) {
        self.expression = expression
        self.offset = offset
        self.expected = expected
        self.found = found
    }

    public var description: String {
        "syntax error in tag expression '\(expression)' at character \(offset): expected \(expected), found \(found)"
    }
}

/// Recursive-descent parser for the grammar of Debusine's `utils/tag_utils.py` `DerivationRuleParser`:
///
/// ```
/// expr := TAG | "not" expr | "(" expr ")" | expr "and" expr | expr "or" expr
/// ```
///
/// with precedence not > and > or and left-grouping binary operators. TAG is one or more ASCII letters,
/// digits, `:`, `_` or `-`; a word that is exactly `and`, `or` or `not` is a keyword, but keywords may
/// appear inside tags (`fooandbar` is a tag). Keywords are lowercase only: `AND` is a tag.
/// Non-ASCII letters are errors (Debusine documents the tag alphabet as ASCII).
enum TagExpressionParser {
    /// Deepest nesting of parentheses and `not` accepted; expressions come from configuration entries,
    /// and a pathological one must give an error, not exhaust the stack.
    static let maximumNesting = 100

    static func parse(_ text: String) throws(TagExpressionSyntaxError) -> TagExpression {
        var parser = Parser(text: text, tokens: try tokenize(text))
        let expression = try parser.parseOr(depth: 0)
        guard case .end = parser.current.kind else {
            throw parser.error(expected: "'and', 'or' or end of expression")
        }
        return expression
    }

    struct Token {
        enum Kind: Equatable {
            case tag(String), and, or, not, open, close, end
        }
        let kind: Kind
        let offset: Int

        var summary: String {
            switch kind {
            case .tag(let tag): "tag '\(tag)'"
            case .and: "'and'"
            case .or: "'or'"
            case .not: "'not'"
            case .open: "'('"
            case .close: "')'"
            case .end: "end of expression"
            }
        }
    }

    static func isTagCharacter(_ character: Character) -> Bool {
        guard character.isASCII, let ascii = character.asciiValue else { return false }
        switch ascii {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: ":"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func tokenize(_ text: String) throws(TagExpressionSyntaxError) -> [Token] {
        let characters = Array(text)
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == " " || character == "\t" || character == "\n" || character == "\r" {
                index += 1
            } else if character == "(" {
                tokens.append(Token(kind: .open, offset: index))
                index += 1
            } else if character == ")" {
                tokens.append(Token(kind: .close, offset: index))
                index += 1
            } else if isTagCharacter(character) {
                let start = index
                while index < characters.count, isTagCharacter(characters[index]) { index += 1 }
                let word = String(characters[start..<index])
                let kind: Token.Kind =
                    switch word {
                    case "and": .and
                    case "or": .or
                    case "not": .not
                    default: .tag(word)
                    }
                tokens.append(Token(kind: kind, offset: start))
            } else {
                throw TagExpressionSyntaxError(
                    expression: text, offset: index,
                    expected: "a tag character (ASCII letter, digit, ':', '_' or '-'), whitespace, '(' or ')'",
                    found: "'\(character)'")
            }
        }
        tokens.append(Token(kind: .end, offset: characters.count))
        return tokens
    }

    private struct Parser {
        let text: String
        let tokens: [Token]
        var position = 0

        var current: Token { tokens[position] }

        func error(expected: String) -> TagExpressionSyntaxError {
            TagExpressionSyntaxError(expression: text, offset: current.offset, expected: expected,
                                     found: current.summary)
        }

        mutating func parseOr(depth: Int) throws(TagExpressionSyntaxError) -> TagExpression {
            var expression = try parseAnd(depth: depth)
            while current.kind == .or {
                position += 1
                expression = .or(expression, try parseAnd(depth: depth))
            }
            return expression
        }

        mutating func parseAnd(depth: Int) throws(TagExpressionSyntaxError) -> TagExpression {
            var expression = try parseNot(depth: depth)
            while current.kind == .and {
                position += 1
                expression = .and(expression, try parseNot(depth: depth))
            }
            return expression
        }

        mutating func parseNot(depth: Int) throws(TagExpressionSyntaxError) -> TagExpression {
            guard current.kind == .not else { return try parsePrimary(depth: depth) }
            try checkNesting(depth + 1)
            position += 1
            return .not(try parseNot(depth: depth + 1))
        }

        mutating func parsePrimary(depth: Int) throws(TagExpressionSyntaxError) -> TagExpression {
            switch current.kind {
            case .tag(let tag):
                position += 1
                return .tag(tag)
            case .open:
                try checkNesting(depth + 1)
                position += 1
                let inner = try parseOr(depth: depth + 1)
                guard current.kind == .close else { throw error(expected: "'and', 'or' or ')'") }
                position += 1
                return inner
            default:
                throw error(expected: "a tag, 'not' or '('")
            }
        }

        func checkNesting(_ depth: Int) throws(TagExpressionSyntaxError) {
            guard depth <= TagExpressionParser.maximumNesting else {
                throw error(expected: "at most \(TagExpressionParser.maximumNesting) nested 'not' or '('")
            }
        }
    }
}
