import KilnBase
import Foundation

/// `timestamptz` text in the ISO style every store session uses (`TimeZone=UTC`, `DateStyle=ISO`), with
/// microsecond precision (PostgreSQL's own).
///
/// Hand-written rather than `DateFormatter`-based: formatters are not thread-safe to share and are slow,
/// and the format is fixed.
public enum PGTimestamp {
    /// `2026-01-31 12:00:00.250000+00` for the date (rounded to the microsecond, in UTC).
    public static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = ProlepticGregorian.floorDivide(micros, 1_000_000)
        let fraction = micros - seconds * 1_000_000
        let days = ProlepticGregorian.floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = ProlepticGregorian.civilDate(daysSinceEpoch: days)
        return String(
            format: "%04lld-%02lld-%02lld %02lld:%02lld:%02lld.%06lld+00",
            year,
            month,
            day,
            secondOfDay / 3600,
            (secondOfDay % 3600) / 60,
            secondOfDay % 60,
            fraction
        )
    }

    /// Parses `YYYY-MM-DD[ HH:MM:SS[.ffffff]][±HH[:MM[:SS]]]`; a missing offset means UTC (plain `timestamp`
    /// and `date` columns). Returns `nil` for anything else, including `infinity` and BC dates.
    public static func parse(_ text: String) -> Date? {
        var scanner = Substring(text)
        guard let year = scanner.takeNumber(digits: 4...6), scanner.take("-"),
            let month = scanner.takeNumber(digits: 2...2), scanner.take("-"),
            let day = scanner.takeNumber(digits: 2...2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var secondOfDay: Int64 = 0
        var micros: Int64 = 0
        var offsetSeconds: Int64 = 0
        if scanner.take(" ") || scanner.take("T") {
            guard let hour = scanner.takeNumber(digits: 2...2), scanner.take(":"),
                let minute = scanner.takeNumber(digits: 2...2), scanner.take(":"),
                let second = scanner.takeNumber(digits: 2...2), hour < 24, minute < 60, second < 61
            else { return nil }
            secondOfDay = hour * 3600 + minute * 60 + second
            if scanner.take(".") {
                let digits = scanner.prefix(while: { $0.isASCII && $0.isNumber })
                guard !digits.isEmpty, digits.count <= 9 else { return nil }
                scanner = scanner.dropFirst(digits.count)
                let padded = (String(digits) + "000000").prefix(6)
                micros = Int64(padded) ?? 0
            }
            if let sign = scanner.first, sign == "+" || sign == "-" {
                scanner = scanner.dropFirst()
                guard let hours = scanner.takeNumber(digits: 2...2) else { return nil }
                var offset = hours * 3600
                if scanner.take(":") {
                    guard let minutes = scanner.takeNumber(digits: 2...2) else { return nil }
                    offset += minutes * 60
                    if scanner.take(":") {
                        guard let seconds = scanner.takeNumber(digits: 2...2) else { return nil }
                        offset += seconds
                    }
                }
                offsetSeconds = sign == "+" ? offset : -offset
            }
        }
        guard scanner.isEmpty else { return nil }
        let days = ProlepticGregorian.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + secondOfDay - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }
}

extension Substring {
    fileprivate mutating func take(_ literal: Character) -> Bool {
        guard first == literal else { return false }
        self = dropFirst()
        return true
    }

    fileprivate mutating func takeNumber(digits: ClosedRange<Int>) -> Int64? {
        let run = prefix(while: { $0.isASCII && $0.isNumber })
        guard digits.contains(run.count), let value = Int64(run) else { return nil }
        self = dropFirst(run.count)
        return value
    }
}
