import Foundation

/// ISO 8601 timestamps as Debusine reads and writes them: in stored JSON (`manual_unblock` entries, `Wait/delay`'s
/// `delay_until`), in its API (Django REST framework's `DateTimeField`) and in its admin commands (Python's
/// `isoformat()`), so each of Kiln's outputs can write a time as the Debusine output it stands for does.
public enum ISO8601Timestamp {
    /// Parses a timestamp with or without fractional seconds; `nil` when the text is not ISO 8601.
    public static func parse(_ text: String) -> Date? {
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let date = try? fractional.parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// Formats a timestamp in UTC with millisecond precision.
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `date` as Django REST framework's `DateTimeField` writes it (`2026-12-06T05:41:38.123456Z`): Python's
    /// `isoformat()` with `Z` for `+00:00`, the times of Debusine's API.
    public static func restFramework(_ date: Date) -> String {
        String(pythonISOFormat(date).dropLast(6)) + "Z"
    }

    /// `date` as Python's `datetime.isoformat()` writes an aware UTC time (`2026-12-06T05:41:38.123456+00:00`,
    /// no fraction when the microseconds are zero): how Debusine's admin commands print times
    /// (`server/management/management_utils.py` `Column.to_rich`), so `kiln worker list` prints them alike.
    public static func pythonISOFormat(_ date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let (seconds, fraction) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        let whole = fraction < 0 ? seconds - 1 : seconds
        let micro = fraction < 0 ? fraction + 1_000_000 : fraction
        var text = Date(timeIntervalSince1970: TimeInterval(whole)).formatted(Date.ISO8601FormatStyle())
        if text.hasSuffix("Z") { text.removeLast() }
        if micro != 0 {
            let digits = String(micro)
            text += "." + String(repeating: "0", count: 6 - digits.count) + digits
        }
        return text + "+00:00"
    }
}
