/// Text compared by its UTF-8 bytes, as PostgreSQL compares text for equality and `LIKE` (and as Python compares
/// `str`), rather than by Swift's `String` rules: `String` treats canonically equivalent texts as equal (`"é"` and
/// `"e\u{301}"`) and, with Foundation imported, answers `contains("")` with `false`. Lookups filter items in SQL in
/// Debusine, so Kiln's in-process filters must agree with the database byte for byte (UTF-8 being
/// self-synchronising, a byte match is a code-point match).
public struct ByteText: Hashable, Sendable {
    /// The text's UTF-8 bytes.
    public let bytes: [UInt8]

    /// The bytes of `text`.
    public init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// Whether the text starts with `prefix` (every text starts with the empty one).
    public func hasPrefix(_ prefix: ByteText) -> Bool {
        bytes.starts(with: prefix.bytes)
    }

    /// Whether the text ends with `suffix` (every text ends with the empty one).
    public func hasSuffix(_ suffix: ByteText) -> Bool {
        bytes.count >= suffix.bytes.count && bytes.suffix(suffix.bytes.count).elementsEqual(suffix.bytes)
    }

    /// Whether `needle` occurs in the text (the empty one occurs in every text, as in `LIKE '%%'`).
    public func contains(_ needle: ByteText) -> Bool {
        let count = needle.bytes.count
        guard count > 0 else { return true }
        guard bytes.count >= count else { return false }
        for start in 0...(bytes.count - count) where bytes[start] == needle.bytes[0] {
            if bytes[start..<(start + count)].elementsEqual(needle.bytes) { return true }
        }
        return false
    }
}
