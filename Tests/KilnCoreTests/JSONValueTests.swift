import Foundation
import KilnCore
import PropertyBased
import Testing

@Suite("JSON values and dotted paths")
struct JSONValueTests {
    @Test("integers and doubles stay distinct through a round trip")
    func integersStayIntegers() throws {
        let value = try JSONValue.parse(#"{"a": 1, "b": 1.5, "c": [true, null, "x"]}"#)
        #expect(value == ["a": 1, "b": 1.5, "c": [true, nil, "x"]])
        #expect(try JSONValue.parse(value.compactJSON) == value)
    }

    @Test("dotted path reads nested fields and nothing past a non-object")
    func readsDottedPaths() {
        let data: JSONValue = ["input": ["source_artifact": 12], "arch": "amd64"]
        #expect(data.value(atPath: "input.source_artifact") == 12)
        #expect(data.value(atPath: "arch") == "amd64")
        #expect(data.value(atPath: "input.missing") == nil)
        #expect(data.value(atPath: "arch.deeper") == nil)
        #expect(data.value(atPath: "") == data)
    }

    @Test("setting through a path creates objects, refuses to cross a scalar")
    func setsDottedPaths() throws {
        let data: JSONValue = ["arch": "amd64"]
        #expect(try data.setting(3, atPath: "a.b") == ["arch": "amd64", "a": ["b": 3]])
        #expect(throws: JSONPathError.notAnObject(path: "arch", found: "string")) {
            try data.setting(1, atPath: "arch.x")
        }
        #expect(data.removing(path: "arch") == [:])
    }

    @Test("comparison text matches Debusine's data__KEY text comparison")
    func comparisonText() throws {
        #expect(JSONValue.int(123).comparisonText == "123")
        #expect(JSONValue.string("123").comparisonText == "123")
        #expect(JSONValue.bool(true).comparisonText == "true")
        // PostgreSQL's jsonb text (`->>` of an array or object): spaced, keys shorter first then in byte order.
        #expect(JSONValue.array(["amd64", "i386"]).comparisonText == #"["amd64", "i386"]"#)
        #expect(
            JSONValue.object(["bb": [1, nil], "a": true, "ab": ["k": "v\n\"é\u{1}"]]).comparisonText
                == #"{"a": true, "ab": {"k": "v\n\"é\u0001"}, "bb": [1, null]}"#)
        #expect(JSONValue.array([]).comparisonText == "[]" && JSONValue.object([:]).comparisonText == "{}")
        // The stored side: doubles as PostgreSQL's numeric prints what Kiln stored (checked against the server in
        // StoreTests' PostgresJSONTextTests): no exponent, the written digits after the point, no negative zero.
        #expect(JSONValue.double(1e-7).postgresText == "0.0000001")
        #expect(JSONValue.double(1.5e16).postgresText == "15000000000000000")
        #expect(JSONValue.double(-0.0).postgresText == "0.0")
        #expect(JSONValue.double(-2.5e-5).postgresText == "-0.000025")
        #expect(JSONValue.double(100).postgresText == "100.0")
        #expect(JSONValue.array([0.5, 1e20]).postgresText == "[0.5, 100000000000000000000]")
        #expect(ItemMatcher.storedText(of: .null) == nil && ItemMatcher.storedText(of: 1e-7) == "0.0000001")
        // The filter's side and item names: Python's str() of a float, as Django and f-strings write it.
        #expect(JSONValue.double(1e-7).comparisonText == "1e-07")
        #expect(JSONValue.double(1e15).comparisonText == "1000000000000000.0")
        #expect(JSONValue.double(1.5e16).comparisonText == "1.5e+16")
        // So a filter `data__x: 1e-07` does not match a stored number 1e-07 (PostgreSQL prints 0.0000001), as in
        // Debusine, and does match a stored string "1e-07".
        let filter = try ItemMatcher(kind: .exact, value: 1e-7, key: "data__x")
        #expect(!filter.matches(ItemMatcher.storedText(of: 1e-7)) && filter.matches(ItemMatcher.storedText(of: "1e-07")))
    }

    @Test("strings with escapes, surrogate pairs and non-ASCII text read and write exactly")
    func stringEscapes() throws {
        let value = try JSONValue.parse(#"["a\"b\\c\n\u00e9\ud83d\ude00", "ünï", 1.0, -0.5e3, 0]"#)
        #expect(value == ["a\"b\\c\né😀", "ünï", .double(1.0), .double(-500), 0])
        #expect(try JSONValue.parse(value.compactJSON) == value)
        #expect(JSONValue.double(2).compactJSON == "2.0")
        #expect(JSONValue.double(1e20).compactJSON == "1e+20")
    }

    @Test("malformed JSON is rejected with the reason", arguments: [
        #"{"a":"#, "[1,]", "01", "1.", "tru", #"{"a" 1}"#, #""\x""#, "[1] 2", "",
    ])
    func rejectsMalformed(text: String) {
        #expect(throws: JSONValueError.self) { try JSONValue.parse(text) }
    }

    @Test("malformed JSON is a clear error")
    func malformed() {
        #expect(throws: JSONValueError.self) { try JSONValue.parse(#"{"a":"#) }
    }

    @Test("any generated JSON tree round-trips through text")
    func roundTripProperty() async {
        await propertyCheck(input: Gen.int(in: 0...10_000).array(of: 1...24)) { seeds in
            var remaining = seeds[...]
            let value = Self.tree(from: &remaining, depth: 0)
            #expect((try? JSONValue.parse(value.compactJSON)) == value)
        }
    }

    /// Builds a JSON tree from a list of numbers, so shrinking the list shrinks the tree.
    static func tree(from seeds: inout ArraySlice<Int>, depth: Int) -> JSONValue {
        guard let seed = seeds.popFirst() else { return .null }
        switch seed % (depth > 2 ? 5 : 7) {
        case 0: return .int(seed - 5000)
        case 1: return .string("s\(seed)")
        case 2: return .bool(seed % 2 == 0)
        case 3: return .null
        case 4: return .double(Double(seed) / 4)
        case 5: return .array((0..<(seed % 3)).map { _ in tree(from: &seeds, depth: depth + 1) })
        default:
            var object: [String: JSONValue] = [:]
            for index in 0..<(seed % 3) { object["k\(index)"] = tree(from: &seeds, depth: depth + 1) }
            return .object(object)
        }
    }
}
