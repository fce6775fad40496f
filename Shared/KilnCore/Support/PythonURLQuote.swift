import Foundation

/// Python's `urllib.parse.quote(text)` (with its default `safe="/"`): every UTF-8 byte other than ASCII letters,
/// digits, `_.-~` and `/` becomes `%XX` (upper-case hex). Debusine quotes a task run's subject and context with it
/// to name `debusine:task-history` items and unquotes them in `last-entry:` lookups.
public enum PythonURLQuote {
    /// `quote(text)`.
    public static func quote(_ text: String) -> String {
        var quoted = ""
        for byte in text.utf8 {
            if isSafe(byte) {
                quoted.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                quoted += String(format: "%%%02X", byte)
            }
        }
        return quoted
    }

    /// `unquote(text)`: each `%XX` decoded as a UTF-8 byte; a `%` not followed by two hex digits is kept as it
    /// is, and bytes that do not form UTF-8 become U+FFFD (Python's `errors="replace"`).
    public static func unquote(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "~"), UInt8(ascii: "/"):
            true
        default:
            false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
