/// Text compared by its UTF-8 bytes, as PostgreSQL compares text for equality and `LIKE` (and as Python compares
/// `str`), rather than by Swift's `String` rules: `String` treats canonically equivalent texts as equal (`"é"` and
/// `"e\u{301}"`) and, with Foundation imported, answers `contains("")` with `false`. Lookups filter items in SQL in
/// Debusine, so Kiln's in-process filters must agree with the database byte for byte (UTF-8 being
/// self-synchronising, a byte match is a code-point match).
///
/// A view, not a copy: comparisons walk the strings' UTF-8 views, so a filter applied to every row a query returns
/// allocates nothing.
public struct ByteText: Hashable, Sendable {
    /// The text.
    public let text: String

    /// `text`, compared by its bytes.
    public init(_ text: String) {
        self.text = text
    }

    public static func == (lhs: ByteText, rhs: ByteText) -> Bool {
        lhs.text.utf8.elementsEqual(rhs.text.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        for byte in text.utf8 { hasher.combine(byte) }
    }

    /// Whether the text starts with `prefix` (every text starts with the empty one).
    public func hasPrefix(_ prefix: ByteText) -> Bool {
        text.utf8.starts(with: prefix.text.utf8)
    }

    /// Whether the text ends with `suffix` (every text ends with the empty one).
    public func hasSuffix(_ suffix: ByteText) -> Bool {
        let count = suffix.text.utf8.count
        return text.utf8.count >= count && text.utf8.suffix(count).elementsEqual(suffix.text.utf8)
    }

    /// Whether `needle` occurs in the text (the empty one occurs in every text, as in `LIKE '%%'`).
    public func contains(_ needle: ByteText) -> Bool {
        let bytes = text.utf8
        let wanted = needle.text.utf8
        guard let first = wanted.first else { return true }
        var start = bytes.startIndex
        while let found = bytes[start...].firstIndex(of: first) {
            if bytes[found...].starts(with: wanted) { return true }
            start = bytes.index(after: found)
        }
        return false
    }
}
