import Foundation
import KilnCore
import Store
import Testing

extension StoreIntegration {
    @Suite("Typed parameters and rows")
    struct ValueCodingTests {
        @Test("every supported Swift type survives a round trip through the server")
        func roundTrip() async throws {
            try TestDatabase.ensureServer()
            let pool = TestDatabase.makePool(schema: nil)
            let tags = [
                "", "NULL", "a,b", "{x}", "quote\"d", "back\\slash", " spaced ", "ünïcode", "worker:type:external",
            ]
            let instant = Date(timeIntervalSince1970: 1_790_000_000.123456)
            let json: JSONValue = ["int": 42, "double": 42.0, "list": [1, "two", nil, true], "nested": ["k": "v"]]
            let id = UUID()
            let row = try #require(
                try await pool.query(
                    "SELECT $1::text AS s, $2::bigint AS i, $3::boolean AS b, $4::float8 AS d, $5::timestamptz AS t, "
                        + "$6::text[] AS tags, $7::jsonb AS j, $8::uuid AS u, $9::text AS missing, $10::bigint[] AS ids",
                    "it's \"quoted\" \\ ünï",
                    -9_007_199_254_740_993,
                    true,
                    0.1,
                    instant,
                    tags,
                    json,
                    id,
                    String?.none,
                    [3, -1, 7]
                ).first
            )
            #expect(try row.decode(String.self, named: "s") == "it's \"quoted\" \\ ünï")
            #expect(try row.decode(Int.self, named: "i") == -9_007_199_254_740_993)
            #expect(try row.decode(Bool.self, named: "b") == true)
            #expect(try row.decode(Double.self, named: "d") == 0.1)
            let decodedInstant = try row.decode(Date.self, named: "t")
            #expect(abs(decodedInstant.timeIntervalSince(instant)) < 0.000_001)
            #expect(try row.decode([String].self, named: "tags") == tags)
            #expect(try row.decode(JSONValue.self, named: "j") == json)
            #expect(try row.decode(UUID.self, named: "u") == id)
            #expect(try row.decode(String?.self, named: "missing") == nil)
            #expect(try row.decode([Int].self, named: "ids") == [3, -1, 7])
        }

        @Test("server-side timestamps with offsets and arrays with NULLs decode exactly")
        func serverFormats() async throws {
            try TestDatabase.ensureServer()
            let pool = TestDatabase.makePool(schema: nil)
            let row = try #require(
                try await pool.query(
                    "SELECT '2026-01-31 12:00:00.25+05:30'::timestamptz AS t, ARRAY['a', NULL]::text[] AS a, "
                        + "'{}'::text[] AS empty, NULL::bigint AS n"
                ).first
            )
            let expected = Date(timeIntervalSince1970: 1_769_841_000.25)  // 2026-01-31 06:30:00.25 UTC
            #expect(try row.decode(Date.self, named: "t") == expected)
            #expect(try row.decode([String].self, named: "empty") == [])
            let arrayError = #expect(throws: PGError.self) { try row.decode([String].self, named: "a") }
            #expect(arrayError.map { "\($0)" }?.contains("element 2 is NULL") == true)
            let nullError = #expect(throws: PGError.self) { try row.decode(Int.self, named: "n") }
            #expect(nullError.map { "\($0)" }?.contains("column 'n'") == true)
            #expect(throws: PGError.self) { try row.decode(Int.self, named: "no_such_column") }
        }

        @Test("a NUL byte in a parameter is rejected with the parameter's position")
        func nulByteParameter() async throws {
            try TestDatabase.ensureServer()
            let pool = TestDatabase.makePool(schema: nil)
            let error = await #expect(throws: PGError.self) {
                try await pool.query("SELECT $1::text, $2::text", "ok", "a\u{0}b")
            }
            #expect(error.map { "\($0)" }?.contains("parameter $2") == true)
        }

        @Test("array text parser handles quoting, escapes, NULL and dimension prefixes")
        func arrayParser() throws {
            #expect(try PGArrayText.parse(#"{a,"b c","d\"e",NULL,"NULL"}"#) == ["a", "b c", "d\"e", nil, "NULL"])
            #expect(try PGArrayText.parse("[0:1]={x,y}") == ["x", "y"])
            #expect(try PGArrayText.parse("{}") == [])
            #expect(throws: PGArrayText.ParseError.self) { try PGArrayText.parse("{a,") }
            #expect(throws: PGArrayText.ParseError.self) { try PGArrayText.parse("{{a},{b}}") }
            let tricky = ["", "\\", "\"", ",", "}{"]
            #expect(try PGArrayText.parse(PGArrayText.format(tricky)) == tricky)
        }

        @Test("timestamp text formats and parses in UTC with microseconds")
        func timestampText() {
            let instant = Date(timeIntervalSince1970: -86_400.5)
            #expect(PGTimestamp.format(instant) == "1969-12-30 23:59:59.500000+00")
            #expect(PGTimestamp.parse("1969-12-30 23:59:59.5+00") == instant)
            #expect(PGTimestamp.parse("2000-02-29") == Date(timeIntervalSince1970: 951_782_400))
            #expect(PGTimestamp.parse("infinity") == nil)
            #expect(PGTimestamp.parse("2000-13-01 00:00:00+00") == nil)
        }
    }
}
