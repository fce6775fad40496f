/// Python's `repr()` of a JSON value, for error messages that must read as Debusine's.
///
/// Debusine builds its messages with f-strings over Python values, so a list of categories reads
/// `['debian:source-package']` and a missing key `'suite'`, not JSON. Kiln renders the same text so a
/// message can be compared with Debusine's word for word (deploy/docs/fidelity.md, "Messages").
/// Objects are rendered with sorted keys: Kiln's JSON objects have no insertion order to preserve.
extension JSONValue {
    /// The value as Python's `repr()` renders the equivalent Python value (`None`, `True`, `'text'`,
    /// `[1, 'a']`, `{'key': 1.5}`).
    public var pythonRepr: String {
        switch self {
        case .null: "None"
        case .bool(let flag): flag ? "True" : "False"
        case .int(let number): String(number)
        case .double(let number): Self.pythonFloatRepr(number)
        case .string(let text): Self.pythonStringRepr(text)
        case .array(let elements): "[" + elements.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.keys.sorted(by: Self.pythonOrder).map { Self.pythonStringRepr($0) + ": " + members[$0]!.pythonRepr }
                .joined(separator: ", ") + "}"
        }
    }

    /// Python's truthiness of the equivalent value (`if value:`): false for `None`, `False`, `0`, `0.0`, `""`,
    /// `[]` and `{}`, true otherwise — how Debusine reads optional flags such as `may_rewind_versions`.
    public var isPythonTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let flag): flag
        case .int(let number): number != 0
        case .double(let number): number != 0
        case .string(let text): !text.isEmpty
        case .array(let elements): !elements.isEmpty
        case .object(let members): !members.isEmpty
        }
    }

    /// Python's string order (by code point), which `sorted()` of Python strings uses; Swift's `<` on `String`
    /// compares grapheme clusters and differs for some non-ASCII text.
    public static func pythonOrder(_ lhs: String, _ rhs: String) -> Bool {
        lhs.unicodeScalars.lexicographicallyPrecedes(rhs.unicodeScalars)
    }

    /// Python's `repr()` of a string: single quotes unless the text holds a single quote and no double
    /// quote; backslash escapes for the quote, backslash, `\t`, `\n`, `\r` and every non-printable scalar.
    public static func pythonStringRepr(_ text: String) -> String {
        // Most texts are printable ASCII without quotes or backslashes, which Python quotes as they are.
        if text.utf8.allSatisfy({ (0x20...0x7E).contains($0) && $0 != UInt8(ascii: "'") && $0 != UInt8(ascii: "\\") }) {
            return "'" + text + "'"
        }
        let scalars = text.unicodeScalars
        let quote: Character = scalars.contains("'") && !scalars.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if isPythonPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += escaped(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    /// Python's `repr()` of a float: the shortest round-trip digits, in positional form for decimal exponents
    /// from -4 to 15 and in exponent form (`1e+16`, `1e-05`) outside them.
    public static func pythonFloatRepr(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        // Swift's description has the same shortest digits; only the choice of notation differs.
        let text = "\(number)"
        let negative = text.hasPrefix("-")
        let unsigned = negative ? String(text.dropFirst()) : text
        let (digits, exponent) = decimalDigits(unsigned)
        let sign = negative ? "-" : ""
        if digits == "0" { return sign + "0.0" }
        if exponent < -4 || exponent >= 16 {
            let mantissa = digits.count == 1 ? digits : digits.prefix(1) + "." + digits.dropFirst()
            let exponentText = String(abs(exponent))
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + (exponentText.count < 2 ? "0" + exponentText : exponentText)
        }
        if exponent < 0 { return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits }
        if digits.count <= exponent + 1 {
            return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
        }
        return sign + digits.prefix(exponent + 1) + "." + digits.dropFirst(exponent + 1)
    }

    /// The significant digits (no leading or trailing zeros) and decimal exponent of the first digit, from a
    /// Swift double description such as `1234.5`, `0.00012` or `1.5e-07`.
    private static func decimalDigits(_ text: String) -> (digits: String, exponent: Int) {
        let parts = text.split(separator: "e", maxSplits: 1)
        let explicitExponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let positional = parts[0]
        let integerPart = positional.split(separator: ".", omittingEmptySubsequences: false)[0]
        let fraction = positional.contains(".") ? positional.split(separator: ".")[1] : ""
        let all = String(integerPart) + String(fraction)
        guard let firstNonZero = all.firstIndex(where: { $0 != "0" }) else { return ("0", 0) }
        let leading = all.distance(from: all.startIndex, to: firstNonZero)
        var digits = String(all[firstNonZero...])
        while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() }
        return (digits, integerPart.count - 1 - leading + explicitExponent)
    }

    /// Python's `str.isprintable()` for one scalar: everything but controls, format characters, surrogates,
    /// private-use and unassigned code points, and separators other than the ASCII space.
    private static func isPythonPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return (0x20...0x7E).contains(scalar.value) }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
            .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return false
        default:
            return true
        }
    }

    /// `\xNN`, `\uNNNN` or `\UNNNNNNNN`, as Python escapes a non-printable scalar.
    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        let (prefix, width) = scalar.value < 0x100 ? ("\\x", 2) : scalar.value < 0x10000 ? ("\\u", 4) : ("\\U", 8)
        return prefix + String(repeating: "0", count: width - hex.count) + hex
    }
}
