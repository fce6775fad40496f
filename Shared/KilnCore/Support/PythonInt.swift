import Foundation

/// Python's `int()` of a text, which Debusine leans on twice: Django's `IntegerField.get_prep_value` (a collection's
/// `old_items_to_keep`) and, after its own handling of a `.0` fraction, pydantic's lax integer (`PydanticLaxInt`).
public enum PythonInt {
    /// What `int(text)` gives: surrounding whitespace, an optional sign, ASCII digits with single underscores
    /// between them (`" -1_000 "` is -1000); nil for anything else or beyond 64 bits (Python's integers have no
    /// bound). Digits of other scripts, which Python also reads, are refused, as pydantic refuses them.
    public static func parse(_ text: String) -> Int? {
        signedDigits(Substring(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// `body` as an optional sign then digits with single underscores between them, nothing around.
    static func signedDigits(_ body: Substring) -> Int? {
        var digits = body
        let negative = digits.first == "-"
        if negative || digits.first == "+" { digits = digits.dropFirst() }
        guard let first = digits.first, first.isASCIIDigit, let last = digits.last, last.isASCIIDigit,
            !digits.contains("__"), digits.allSatisfy({ $0.isASCIIDigit || $0 == "_" })
        else { return nil }
        return Int((negative ? "-" : "") + digits.filter { $0 != "_" })
    }
}

extension Character {
    /// `0` to `9`.
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
