import Foundation
import KilnCore
import PropertyBased
import Testing

/// `JSONValue.from(_:)` and `decode(_:)` build and read values directly; these tests hold them to what the
/// text round trip they replaced gives (`JSONEncoder` → Kiln's parser, `compactJSON` → `JSONDecoder`).
@Suite("JSONValue encoding and decoding without text")
struct JSONValueCodingTests {
    enum Colour: String, Codable, Hashable { case red, green }

    struct Inner: Codable, Hashable {
        var name: String
        var values: [Int]
        var nested: [String: [Double]]
    }

    struct Sample: Codable, Hashable {
        var flag: Bool
        var small: Int8
        var big: Int64
        var unsigned: UInt32
        var ratio: Double
        var whole: Double
        var single: Float
        var text: String
        var colour: Colour
        var missing: String?
        var present: Int?
        var list: [Inner]
        var map: [String: Inner]
        var set: Set<String>
        var any: JSONValue
        var blob: Data
        var link: URL
        var when: Date
    }

    static let sample = Sample(
        flag: true, small: -8, big: 1 << 40, unsigned: 4_000_000_000, ratio: 0.25, whole: 2, single: 1.5,
        text: "quote \" and é and \u{1F600}", colour: .green, missing: nil, present: 7,
        list: [Inner(name: "a", values: [1, 2], nested: ["x": [1.5, 2]])],
        map: ["k": Inner(name: "b", values: [], nested: [:])], set: ["one", "two"],
        any: ["n": 1, "d": 1.5, "l": [nil, true, "s"]], blob: Data([0, 1, 254, 255]),
        link: URL(string: "https://deb.debian.org/debian?x=1")!, when: Date(timeIntervalSinceReferenceDate: 12.5))

    static func viaText(_ value: some Encodable) throws -> JSONValue {
        try JSONValue.parse(JSONEncoder().encode(value))
    }

    @Test("a value with every kind of field encodes as the text round trip does, and decodes back")
    func sampleMatchesTextRoundTrip() throws {
        let direct = try JSONValue.from(Self.sample)
        #expect(direct == (try Self.viaText(Self.sample)))
        #expect(try direct.decode(Sample.self) == Self.sample)
        #expect(try JSONDecoder().decode(Sample.self, from: Data(direct.compactJSON.utf8)) == Self.sample)
        #expect(direct.objectValue?["missing"] == nil, "a nil optional is left out, as JSONEncoder does")
    }

    @Test("core payloads read and write as before: pending inputs, output data")
    func corePayloadsMatchTextRoundTrip() throws {
        let inputs = ResolvedPendingInputs(
            taskType: .worker, taskName: "sbuild", taskData: ["input": ["source_artifact": 12], "backend": "unshare"],
            lookupContext: LookupContext(workspaceID: 3), pendingFieldValues: ["environment": 41, "x": ["a", 1.5]])
        #expect(try JSONValue.from(inputs) == (try Self.viaText(inputs)))
        #expect(try JSONValue.from(inputs).decode(ResolvedPendingInputs.self) == inputs)
        let output = OutputData(errors: [WorkRequestError(message: "boom", code: "configure-failed")])
        #expect(try JSONValue.from(output) == (try Self.viaText(output)))
        #expect(try JSONValue.from(output).decode(OutputData.self) == output)
    }

    @Test("any generated JSON tree decodes and encodes to itself")
    func treesRoundTrip() async {
        await propertyCheck(input: Gen.int(in: 0...10_000).array(of: 1...24)) { seeds in
            var remaining = seeds[...]
            let value = JSONValueTests.tree(from: &remaining, depth: 0)
            #expect((try? value.decode(JSONValue.self)) == value)
            #expect((try? JSONValue.from(value)) == value)
            #expect((try? value.decode([String: JSONValue].self)) == value.objectValue)
        }
    }

    @Test("numbers: integers read as doubles, integral doubles as integers, nothing is truncated")
    func numbers() throws {
        #expect(try JSONValue.int(3).decode(Double.self) == 3)
        #expect(try JSONValue.double(3).decode(Int.self) == 3)
        #expect(throws: DecodingError.self) { try JSONValue.double(3.5).decode(Int.self) }
        #expect(throws: DecodingError.self) { try JSONValue.int(300).decode(UInt8.self) }
        #expect(throws: DecodingError.self) { try JSONValue.int(-1).decode(UInt.self) }
        #expect(try JSONValue.from(2.0) == (try Self.viaText(2.0)))
        #expect(try JSONValue.from(2.5) == .double(2.5))
        #expect(throws: EncodingError.self) { try JSONValue.from(Double.nan) }
        #expect(throws: EncodingError.self) { try JSONValue.from(["x": Double.infinity]) }
    }

    @Test("mismatches name the type, the key and the path, as JSONDecoder's errors do")
    func errors() throws {
        let value: JSONValue = ["list": [["name": "a", "values": ["x"], "nested": [:]]]]
        struct Holder: Decodable { var list: [Inner] }
        do {
            _ = try value.decode(Holder.self)
            Issue.record("decoded a string as an integer")
        } catch DecodingError.typeMismatch(let type, let context) {
            #expect(ObjectIdentifier(type) == ObjectIdentifier(Int.self))
            #expect(context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue } == ["list", "0", "values", "0"])
        }
        do {
            _ = try JSONValue.object([:]).decode(Inner.self)
            Issue.record("decoded an object without its keys")
        } catch DecodingError.keyNotFound(let key, _) {
            #expect(["name", "values", "nested"].contains(key.stringValue))
        }
        #expect(throws: DecodingError.self) { try JSONValue.null.decode(String.self) }
        #expect(throws: DecodingError.self) { try JSONValue.string("not base64!").decode(Data.self) }
        #expect(try JSONValue.null.decode(String?.self) == nil)
        #expect(throws: EncodingError.self) { try JSONValue.from(Empty()) }
    }

    /// Encodes nothing at all.
    struct Empty: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }
}
