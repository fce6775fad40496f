import Foundation
import KilnCore
import Testing

/// pydantic 2's lax `datetime` and Python's `email.utils.format_datetime`, as Debusine's sbuild uses them for
/// `binnmu.timestamp` (`tasks/models.py` `SbuildBinNMU`, `tasks/sbuild.py` `_cmdline_binnmu`).
@Suite("pydantic datetimes, written as email.utils.format_datetime writes them")
struct PydanticDateTimeTests {
    func formatted(_ value: JSONValue) throws -> String { try PydanticDateTime.parse(value).get().rfc5322 }

    @Test("Debusine `test_cmdline_binnmu`: 2024-05-01T12:00:00Z is Wed, 01 May 2024 12:00:00 +0000")
    func debusineExample() throws {
        #expect(try formatted("2024-05-01T12:00:00Z") == "Wed, 01 May 2024 12:00:00 +0000")
    }

    @Test("offsets are kept with their wall clock; a value without one is naive (-0000); fractions are dropped")
    func offsets() throws {
        #expect(try formatted("2024-05-01T12:00:00+02:00") == "Wed, 01 May 2024 12:00:00 +0200")
        #expect(try formatted("2024-05-01 23:59:59.123456-0530") == "Wed, 01 May 2024 23:59:59 -0530")
        #expect(try formatted("2024-05-01t08:30") == "Wed, 01 May 2024 08:30:00 -0000")
        #expect(try formatted("2024-05-01_08:30:05z") == "Wed, 01 May 2024 08:30:05 +0000")
        #expect(try formatted("2024-02-29") == "Thu, 29 Feb 2024 00:00:00 -0000")
        #expect(try PydanticDateTime.parse("2024-05-01T12:00:00.5Z").get().microsecond == 500_000)
    }

    @Test("numbers and numeric strings are Unix time in UTC, milliseconds beyond 2e10")
    func unixTime() throws {
        #expect(try formatted(0) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(try formatted(1_714_564_800) == "Wed, 01 May 2024 12:00:00 +0000")
        #expect(try formatted("1714564800") == "Wed, 01 May 2024 12:00:00 +0000")
        #expect(try formatted(.double(1_714_564_800_000)) == "Wed, 01 May 2024 12:00:00 +0000")
        #expect(try formatted(.double(1_714_564_800.25)) == "Wed, 01 May 2024 12:00:00 +0000")
    }

    @Test("anything else is refused", arguments: [
        "yesterday", "2024-13-01", "2024-02-30", "2023-02-29", "2024-05-01T24:00", "2024-05-01T12:60",
        "2024-05-01T12:00:00+24:00", "2024-05-01T12", "2024-5-1", "2024-05-01T12:00:00.1234567",
    ])
    func refused(text: String) {
        #expect(throws: PydanticDateTime.Failure.self) { try PydanticDateTime.parse(.string(text)).get() }
    }

    @Test("types other than numbers and strings are refused")
    func wrongTypes() {
        for value: JSONValue in [true, nil, [1], ["a": 1]] {
            #expect(throws: PydanticDateTime.Failure.self) { try PydanticDateTime.parse(value).get() }
        }
    }
}
