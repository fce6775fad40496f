import KilnCore
import PropertyBased
import Testing

@Suite("Tag expressions (Debusine `utils/tag_utils.py` `DerivationRuleParser`)")
struct TagExpressionTests {
    @Test("precedence and syntax errors (Debusine `utils/tests/test_tag_utils.py` `test_as_expr`, `test_as_expr_invalid_syntax`)")
    func scenario52() throws {
        #expect(try TagExpression(parsing: "tag1 or tag2 and tag3") == TagExpression(parsing: "tag1 or (tag2 and tag3)"))
        #expect(try TagExpression(parsing: "tag1 or tag2 and tag3") == .or(.tag("tag1"), .and(.tag("tag2"), .tag("tag3"))))
        for bad in ["foo bar", "foo and", "()", "foo("] {
            #expect(throws: TagExpressionSyntaxError.self, "\(bad)") { try TagExpression(parsing: bad) }
        }
    }

    @Test("syntax errors say what was expected and at which character")
    func preciseErrors() {
        func error(_ text: String) -> TagExpressionSyntaxError? {
            do {
                _ = try TagExpression(parsing: text)
                return nil
            } catch {
                return error
            }
        }
        #expect(error("foo bar") == TagExpressionSyntaxError(
            expression: "foo bar", offset: 4, expected: "'and', 'or' or end of expression", found: "tag 'bar'"))
        #expect(error("foo and") == TagExpressionSyntaxError(
            expression: "foo and", offset: 7, expected: "a tag, 'not' or '('", found: "end of expression"))
        #expect(error("()") == TagExpressionSyntaxError(
            expression: "()", offset: 1, expected: "a tag, 'not' or '('", found: "')'"))
        #expect(error("foo(")?.offset == 3)
        #expect(error("(a or b")?.expected == "'and', 'or' or ')'")
        #expect(error("")?.found == "end of expression")
        #expect(error("tag@x")?.offset == 3)
        #expect(error("tag@x")?.found == "'@'")
        #expect(error("[tag]")?.offset == 0)
        #expect(error("café")?.offset == 3)
        #expect(error("café")?.found == "'é'")
        #expect(error("foo bar")?.description
            == "syntax error in tag expression 'foo bar' at character 4: expected 'and', 'or' or end of expression, found tag 'bar'")
    }

    @Test("keywords may be parts of tags; tags take letters, digits, ':', '_' and '-'")
    func keywordsInsideTags() throws {
        #expect(try TagExpression(parsing: "fooandbar") == .tag("fooandbar"))
        #expect(try TagExpression(parsing: "notx or orx") == .or(.tag("notx"), .tag("orx")))
        #expect(try TagExpression(parsing: "not worker:build-arch:amd64_x") == .not(.tag("worker:build-arch:amd64_x")))
        #expect(try TagExpression(parsing: "not not a") == .not(.not(.tag("a"))))
        #expect(try TagExpression(parsing: "not a and b") == .and(.not(.tag("a")), .tag("b")))
        #expect(try TagExpression(parsing: "a and b and c") == .and(.and(.tag("a"), .tag("b")), .tag("c")))
    }

    @Test("evaluation: a tag is true when it is in the set")
    func evaluation() throws {
        let expression = try TagExpression(parsing: "p and not q")
        #expect(expression.evaluate(on: ["p"]))
        #expect(!expression.evaluate(on: ["p", "q"]))
        #expect(!expression.evaluate(on: []))
        #expect(try TagExpression(parsing: "(a or b) and c").evaluate(on: ["b", "c"]))
        #expect(try !TagExpression(parsing: "(a or b) and c").evaluate(on: ["b"]))
    }

    @Test("deep nesting is refused with an error, not a crash")
    func nestingLimit() throws {
        let deep = String(repeating: "(", count: 500) + "a" + String(repeating: ")", count: 500)
        #expect(throws: TagExpressionSyntaxError.self) { try TagExpression(parsing: deep) }
        let fine = String(repeating: "(", count: 50) + "a" + String(repeating: ")", count: 50)
        #expect(try TagExpression(parsing: fine) == .tag("a"))
    }

    /// An evaluator independent of the library's, for the property below.
    private static func reference(_ expression: TagExpression, _ tags: Set<String>) -> Bool {
        switch expression {
        case .tag(let tag): return tags.contains(tag)
        case .not(let operand): return !reference(operand, tags)
        case .and(let left, let right): return reference(left, tags) ? reference(right, tags) : false
        case .or(let left, let right): return reference(left, tags) ? true : reference(right, tags)
        }
    }

    static let vocabulary = ["a", "b:c", "fooandbar", "not-x", "or_y", "AND", "d-1"]

    /// Builds an expression from a list of choices (the generator has no recursive combinators).
    private static func build(_ choices: [Int], _ index: inout Int, depth: Int) -> TagExpression {
        guard index < choices.count else { return .tag(vocabulary[depth % vocabulary.count]) }
        let choice = choices[index]
        index += 1
        if depth >= 5 || choice % 5 < 2 { return .tag(vocabulary[choice % vocabulary.count]) }
        switch choice % 5 {
        case 2: return .not(build(choices, &index, depth: depth + 1))
        case 3: return .and(build(choices, &index, depth: depth + 1), build(choices, &index, depth: depth + 1))
        default: return .or(build(choices, &index, depth: depth + 1), build(choices, &index, depth: depth + 1))
        }
    }

    @Test("property: render → parse gives the same tree, and it evaluates like the reference evaluator")
    func renderParseEvaluate() async {
        await propertyCheck(
            count: 300, input: Gen.int(in: 0...99).array(of: 1...30), Gen.int(in: 0...6).array(of: 0...7)
        ) { choices, members in
            var index = 0
            let expression = Self.build(choices, &index, depth: 0)
            let tags = Set(members.map { Self.vocabulary[$0] })
            let parsed = try? TagExpression(parsing: expression.rendered)
            #expect(parsed == expression, "\(expression.rendered)")
            #expect(parsed?.evaluate(on: tags) == Self.reference(expression, tags), "\(expression.rendered) on \(tags)")
        }
    }
}
