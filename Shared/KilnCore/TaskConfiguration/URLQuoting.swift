/// Percent-encodes text the way Python's `urllib.parse.quote(text)` does with its default `safe="/"`:
/// ASCII letters, digits, `_.-~` and `/` stay, every other UTF-8 byte becomes `%XX` (upper-case hex).
/// Item names embed the quoted context (`Worker:sbuild:hello:sid`), so the bytes must match Debusine's.
func pythonURLQuote(_ text: String) -> String {
    let hexDigits = Array("0123456789ABCDEF")
    var result = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"),
            UInt8(ascii: "~"), UInt8(ascii: "/"):
            result.append(Character(UnicodeScalar(byte)))
        default:
            result.append("%")
            result.append(hexDigits[Int(byte >> 4)])
            result.append(hexDigits[Int(byte & 0x0F)])
        }
    }
    return result
}
