import Foundation
import KilnBase

/// pydantic 2's lax-mode `datetime`: what a Debusine model field typed `dt.datetime` accepts from JSON, kept as
/// the wall-clock fields and UTC offset it names, so it can be written back as Python would write it.
///
/// Accepted: a number of seconds since the epoch (milliseconds when its magnitude exceeds 2×10¹⁰), as a JSON
/// number or a string, which is UTC; an RFC 3339 / ISO 8601 string `YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]]` with an
/// optional `Z` or `±HH[:MM]` (without one the value is naive: no offset); `YYYY-MM-DD` alone (midnight, naive).
/// The separator may also be `t` or `_`, as pydantic's parser allows.
public struct PydanticDateTime: Hashable, Sendable {
    /// Wall-clock fields.
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    /// Microseconds (pydantic keeps six digits).
    public var microsecond: Int
    /// Offset from UTC in seconds; nil for a naive value.
    public var utcOffset: Int?

    /// Why a value is not a datetime, in pydantic's words (speedate's detail after the comma).
    public struct Failure: Error, Hashable, Sendable {
        /// The message.
        public var message: String
        /// pydantic's error type (`datetime_type`, `datetime_parsing`, `datetime_from_date_parsing`).
        public var type: String
    }

    /// The datetime `value` stands for, or why not.
    public static func parse(_ value: JSONValue) -> Result<PydanticDateTime, Failure> {
        switch value {
        case .int(let number):
            return epoch(Double(number), prefix: "Input should be a valid datetime", type: "datetime_parsing")
        case .double(let number) where number.isFinite:
            return epoch(number, prefix: "Input should be a valid datetime", type: "datetime_parsing")
        case .string(let text):
            if let number = unixTime(text) {
                // A refusal is worded as a date's: speedate tried the text as a date first.
                return epoch(
                    number,
                    prefix: "Input should be a valid datetime or date",
                    type: "datetime_from_date_parsing"
                )
            }
            guard let parsed = parse(text) else {
                return .failure(
                    Failure(
                        message: "Input should be a valid datetime or date, \(dateProblem(text))",
                        type: "datetime_from_date_parsing"
                    )
                )
            }
            guard parsed.year > 0 else {
                return .failure(
                    Failure(
                        message: "Input should be a valid datetime, year 0 is out of range",
                        type: "datetime_parsing"
                    )
                )
            }
            return .success(parsed)
        default:
            return .failure(Failure(message: "Input should be a valid datetime", type: "datetime_type"))
        }
    }

    /// `email.utils.format_datetime`: `Wed, 01 May 2024 12:00:00 +0000`, `-0000` for a naive value, seconds
    /// truncated (what Debusine passes to `sbuild --binNMU-timestamp`).
    public var rfc5322: String {
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let zone: String
        if let utcOffset {
            let minutes = abs(utcOffset) / 60
            zone = (utcOffset < 0 ? "-" : "+") + Self.twoDigits(minutes / 60) + Self.twoDigits(minutes % 60)
        } else {
            zone = "-0000"
        }
        return "\(days[Self.weekday(year: year, month: month, day: day)]), \(Self.twoDigits(day)) \(months[month - 1]) "
            + String(format: "%04d", year)
            + " \(Self.twoDigits(hour)):\(Self.twoDigits(minute)):\(Self.twoDigits(second)) \(zone)"
    }

    // MARK: Parsing

    /// The number of seconds (or milliseconds) `text` spells when speedate reads it as Unix time: digits with an
    /// optional sign and fraction, an exponent only after a fraction, an integer part within 64 bits.
    private static func unixTime(_ text: String) -> Double? {
        let number = #"^[+-]?([0-9]+|[0-9]+\.[0-9]*([eE][+-]?[0-9]+)?|\.[0-9]+([eE][+-]?[0-9]+)?)$"#
        guard text.range(of: number, options: .regularExpression) != nil else { return nil }
        let integerPart = text.prefix { $0 != "." }.drop { $0 == "+" || $0 == "-" }
        guard integerPart.isEmpty || Int64(integerPart) != nil else { return nil }
        return Double(text.hasSuffix(".") ? text + "0" : text)
    }

    /// Why speedate refuses `text` once it is neither a datetime nor a number: pydantic then reads it as a date,
    /// and reports the date's first fault, or the characters left after a valid date.
    private static func dateProblem(_ text: String) -> String {
        let characters = Array(text.utf8)
        guard characters.count >= 10 else { return "input is too short" }
        func digits(_ range: Range<Int>) -> Int? {
            range.allSatisfy { (48...57).contains(characters[$0]) }
                ? range.reduce(0) { $0 * 10 + Int(characters[$1] - 48) } : nil
        }
        guard let year = digits(0..<4) else { return "invalid character in year" }
        guard characters[4] == UInt8(ascii: "-") else { return "invalid date separator, expected `-`" }
        guard let month = digits(5..<7) else { return "invalid character in month" }
        guard characters[7] == UInt8(ascii: "-") else { return "invalid date separator, expected `-`" }
        guard let day = digits(8..<10) else { return "invalid character in day" }
        guard (1...12).contains(month) else { return "month value is outside expected range of 1-12" }
        guard (1...daysIn(month: month, year: year)).contains(day) else { return "day value is outside expected range" }
        return "unexpected extra characters at the end of the input"
    }

    private static func epoch(_ number: Double, prefix: String, type: String) -> Result<PydanticDateTime, Failure> {
        let seconds = abs(number) > 2e10 ? number / 1000 : number
        // speedate's bounds: 9999-12-31T23:59:59 and 0001-01-01 (year 0 exists for it, not for Python).
        guard seconds < 253_402_300_800 else {
            return .failure(
                Failure(message: "\(prefix), dates after 9999 are not supported as unix timestamps", type: type)
            )
        }
        guard seconds >= -62_167_219_200 else {
            return .failure(
                Failure(message: "\(prefix), dates before 0000 are not supported as unix timestamps", type: type)
            )
        }
        guard seconds >= -62_135_596_800 else {
            return .failure(
                Failure(message: "Input should be a valid datetime, year 0 is out of range", type: "datetime_parsing")
            )
        }
        var whole: Double
        var microsecond: Int
        if seconds != number, let milliseconds = Int64(exactly: number) {
            // Whole milliseconds, split exactly (dividing by 1000 in floating point gives .998993 for .999).
            let wholeSeconds = ProlepticGregorian.floorDivide(milliseconds, 1000)
            (whole, microsecond) = (Double(wholeSeconds), Int(milliseconds - wholeSeconds * 1000) * 1000)
        } else {
            whole = seconds.rounded(.down)
            microsecond = Int(((seconds - whole) * 1_000_000).rounded())
            if microsecond == 1_000_000 { (whole, microsecond) = (whole + 1, 0) }
        }
        // Python's calendar is the proleptic Gregorian one (Foundation's switches to Julian before 1582).
        let days = ProlepticGregorian.floorDivide(Int64(whole), 86_400)
        let secondOfDay = Int(Int64(whole) - days * 86_400)
        let (year, month, day) = ProlepticGregorian.civilDate(daysSinceEpoch: days)
        return .success(
            PydanticDateTime(
                year: Int(year),
                month: Int(month),
                day: Int(day),
                hour: secondOfDay / 3600,
                minute: secondOfDay % 3600 / 60,
                second: secondOfDay % 60,
                microsecond: microsecond,
                utcOffset: 0
            )
        )
    }

    private static func parse(_ text: String) -> PydanticDateTime? {
        var scanner = Array(text.utf8)[...]
        func digits(_ count: Int) -> Int? {
            guard scanner.count >= count, scanner.prefix(count).allSatisfy({ (0x30...0x39).contains($0) }) else {
                return nil
            }
            let value = scanner.prefix(count).reduce(0) { $0 * 10 + Int($1 - 0x30) }
            scanner = scanner.dropFirst(count)
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard scanner.first == byte else { return false }
            scanner = scanner.dropFirst()
            return true
        }
        guard let year = digits(4), take(UInt8(ascii: "-")), let month = digits(2), take(UInt8(ascii: "-")),
            let day = digits(2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var value = PydanticDateTime(
            year: year,
            month: month,
            day: day,
            hour: 0,
            minute: 0,
            second: 0,
            microsecond: 0,
            utcOffset: nil
        )
        if scanner.isEmpty { return value }
        guard let separator = scanner.first, "Tt _".utf8.contains(separator) else { return nil }
        scanner = scanner.dropFirst()
        guard let hour = digits(2), hour < 24, take(UInt8(ascii: ":")), let minute = digits(2), minute < 60 else {
            return nil
        }
        (value.hour, value.minute) = (hour, minute)
        if take(UInt8(ascii: ":")) {
            guard let second = digits(2), second < 60 else { return nil }
            value.second = second
            if take(UInt8(ascii: ".")) || take(UInt8(ascii: ",")) {
                // Digits beyond the sixth are dropped, as speedate truncates them.
                let fraction = scanner.prefix { (0x30...0x39).contains($0) }
                guard !fraction.isEmpty else { return nil }
                let kept = fraction.prefix(6)
                value.microsecond = kept.reduce(0) { $0 * 10 + Int($1 - 0x30) } * Int(pow(10, Double(6 - kept.count)))
                scanner = scanner.dropFirst(fraction.count)
            }
        }
        if scanner.isEmpty { return value }
        if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) {
            value.utcOffset = 0
        } else if let sign = scanner.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            scanner = scanner.dropFirst()
            guard let hours = digits(2), hours < 24 else { return nil }
            _ = take(UInt8(ascii: ":"))
            guard let minutes = digits(2), minutes < 60 else { return nil }
            value.utcOffset = (sign == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
        }
        return scanner.isEmpty ? value : nil
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// 0 for Monday … 6 for Sunday (Python's `weekday()`): 1970-01-01 was a Thursday.
    private static func weekday(year: Int, month: Int, day: Int) -> Int {
        let days = ProlepticGregorian.daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day))
        return Int((days % 7 + 7 + 3) % 7)
    }

    private static func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
}
