import Foundation
import KilnCore
import KilnTestSupport
import Testing

extension StoreIntegration {
    /// `JSONValue.postgresText` (the stored side of a lookup's comparison) against the server it stands in for: Debusine filters `data__KEY` lookups on
    /// PostgreSQL's `->>` text of the stored jsonb, and Kiln's in-memory lookups must compare the same text.
    @Suite("PostgreSQL's ->> text of stored JSON")
    struct PostgresJSONTextTests {
        @Test("for generated values (strings with escapes and any script, keys of every length, numbers of any size)")
        func generatedValues() async throws {
            try TestDatabase.ensureServer()
            let pool = TestDatabase.makePool(schema: nil)
            var generator = SeededRandom(seed: 0x4B494C4E)
            for _ in 0..<400 {
                let value = JSONTree.value(depth: 0, using: &generator)
                // Stored as Kiln stores item data (a jsonb parameter), read back as Debusine's filter reads it.
                let row = try #require(
                    try await pool.query("SELECT jsonb_build_object('k', $1::jsonb) ->> 'k' AS text", value).first)
                // A top-level JSON null has no text (`->>` gives SQL NULL), which the matcher's reading mirrors.
                let text = try row.decode(String?.self, named: "text")
                #expect(ItemMatcher.storedText(of: value) == text, "\(value.compactJSON)")
            }
        }

        @Test("numbers PostgreSQL prints without an exponent, and zero without a sign")
        func numbers() async throws {
            try TestDatabase.ensureServer()
            let pool = TestDatabase.makePool(schema: nil)
            let numbers: [Double] = [
                1e-7, 1.5e-7, 1e16, 1.5e16, -0.0, 0.0, 100.0, 0.1, -2.5e-5, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                -.greatestFiniteMagnitude, 123_456_789.125, 1e21, 9_007_199_254_740_992,
            ]
            for number in numbers {
                let row = try #require(
                    try await pool.query("SELECT jsonb_build_object('k', $1::jsonb) ->> 'k' AS text", JSONValue.double(number))
                        .first)
                #expect(JSONValue.double(number).postgresText == (try row.decode(String.self, named: "text")))
            }
        }
    }
}

/// Random JSON trees rich in what PostgreSQL's text could disagree on.
private enum JSONTree {
    /// Unicode scalars a string or key is made of: escapes JSON needs, ones it does not (`/`, DEL, U+2028),
    /// multi-byte and combining characters. No NUL: jsonb refuses `\u0000`.
    static let alphabet: [Unicode.Scalar] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "é",
        "e", "\u{301}", "ß", "日", "😀", "\u{2028}", "{", "]", ",", ":",
    ]

    static func string(maxLength: Int, using generator: inout SeededRandom) -> String {
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...maxLength, using: &generator) {
            text.append(alphabet.randomElement(using: &generator)!)
        }
        return String(text)
    }

    static func number(using generator: inout SeededRandom) -> JSONValue {
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: return .int(Int.random(in: Int.min...Int.max, using: &generator))
        case 1: return .int(Int.random(in: -1000...1000, using: &generator))
        case 2:
            let mantissa = Double.random(in: -10...10, using: &generator)
            return .double(mantissa * pow(10, Double(Int.random(in: -40...40, using: &generator))))
        default: return .double(Double(Int.random(in: -400...400, using: &generator)) / 8)
        }
    }

    static func value(depth: Int, using generator: inout SeededRandom) -> JSONValue {
        switch Int.random(in: 0..<(depth > 2 ? 4 : 6), using: &generator) {
        case 0: return .string(string(maxLength: 8, using: &generator))
        case 1: return number(using: &generator)
        case 2: return Bool.random(using: &generator) ? .bool(Bool.random(using: &generator)) : .null
        case 3: return number(using: &generator)
        case 4:
            return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in value(depth: depth + 1, using: &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
                members[string(maxLength: 3, using: &generator)] = value(depth: depth + 1, using: &generator)
            }
            return .object(members)
        }
    }
}
