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

    @Test(
        "anything else is refused",
        arguments: [
            "yesterday", "2024-13-01", "2024-02-30", "2023-02-29", "2024-05-01T24:00", "2024-05-01T12:60",
            "2024-05-01T12:00:00+24:00", "2024-05-01T12", "2024-5-1", "2024-05-01T12:00:00+05", "2024-05-01T12:00:00.Z",
        ]
    )
    func refused(text: String) {
        #expect(throws: PydanticDateTime.Failure.self) { try PydanticDateTime.parse(.string(text)).get() }
    }

    /// Recorded from pydantic 2.14's `TypeAdapter(datetime).validate_python` (speedate): its messages, its bounds
    /// on Unix time (milliseconds beyond 2×10¹⁰), its rounding to microseconds and truncation of long fractions.
    @Test(
        "pydantic's words and bounds",
        arguments: [
            (JSONValue.string("x"), "Input should be a valid datetime or date, input is too short"),
            ("abcd-01-01", "Input should be a valid datetime or date, invalid character in year"),
            ("2024x01-01", "Input should be a valid datetime or date, invalid date separator, expected `-`"),
            ("2024-ab-01", "Input should be a valid datetime or date, invalid character in month"),
            ("2024-01-ab", "Input should be a valid datetime or date, invalid character in day"),
            ("2024-13-01", "Input should be a valid datetime or date, month value is outside expected range of 1-12"),
            ("2024-02-30", "Input should be a valid datetime or date, day value is outside expected range"),
            (
                "2024-01-01T12",
                "Input should be a valid datetime or date, unexpected extra characters at the end of the input"
            ),
            (
                .int(5_000_000_000_000_000),
                "Input should be a valid datetime, dates after 9999 are not supported as unix timestamps"
            ),
            (
                .int(253_402_300_800_000),
                "Input should be a valid datetime, dates after 9999 are not supported as unix timestamps"
            ),
            (.int(-62_135_596_800_001), "Input should be a valid datetime, year 0 is out of range"),
            (
                .double(-1e14),
                "Input should be a valid datetime, dates before 0000 are not supported as unix timestamps"
            ),
            (.bool(true), "Input should be a valid datetime"),
            ("0000-01-01T00:00:00", "Input should be a valid datetime, year 0 is out of range"),
            (
                "-99999999999999",
                "Input should be a valid datetime or date, dates before 0000 are not supported as unix timestamps"
            ),
            ("1e3", "Input should be a valid datetime or date, input is too short"),
            ("9223372036854775808", "Input should be a valid datetime or date, invalid date separator, expected `-`"),
        ]
    )
    func pydanticWords(value: JSONValue, message: String) {
        guard case .failure(let failure) = PydanticDateTime.parse(value) else {
            Issue.record("\(value) accepted")
            return
        }
        #expect(failure.message == message)
    }

    @Test("pydantic's edges that are accepted: the last second of 9999, year 1, rounding up, long fractions")
    func accepted() throws {
        #expect(try formatted(.int(253_402_300_799_999)) == "Fri, 31 Dec 9999 23:59:59 +0000")
        #expect(try formatted(.int(-62_135_596_800_000)) == "Mon, 01 Jan 0001 00:00:00 +0000")
        let rounded = try PydanticDateTime.parse(.double(1.9999999)).get()
        #expect(rounded.second == 2 && rounded.microsecond == 0)
        #expect(try PydanticDateTime.parse("2024-01-01T12:00:00.123456789Z").get().microsecond == 123_456)
        #expect(try formatted("2024-01-01T12:00:00+0530") == "Mon, 01 Jan 2024 12:00:00 +0530")
        #expect(try PydanticDateTime.parse(.int(253_402_300_799_999)).get().microsecond == 999_000)
        #expect(try formatted("1.") == "Thu, 01 Jan 1970 00:00:01 +0000")
        #expect(try PydanticDateTime.parse(".5").get().microsecond == 500_000)
        #expect(try formatted("1.5e3") == "Thu, 01 Jan 1970 00:25:00 +0000")
    }

    @Test("types other than numbers and strings are refused")
    func wrongTypes() {
        for value: JSONValue in [true, nil, [1], ["a": 1]] {
            #expect(throws: PydanticDateTime.Failure.self) { try PydanticDateTime.parse(value).get() }
        }
    }
}
