import Foundation

/// A Swift type a result column can be decoded into (from PostgreSQL's text output format).
///
/// `Optional` conforms: decoding SQL NULL as `T?` gives `nil`, as `T` throws `PGError.decoding` naming the
/// column, so a nullable column read as non-optional fails loudly instead of inventing a value.
public protocol PGDecodable: Sendable {
    /// Decodes a column value; `text` is `nil` for SQL NULL.
    ///
    /// - Throws: `PGError.decoding` naming the column, the target type and the value.
    static func decode(pgText text: String?, column: PGColumn) throws -> Self
}

extension PGDecodable {
    /// The non-NULL text, or a decoding error saying the column was NULL. For writing decoders of new
    /// types (Kiln's JSON values are decoded this way, outside this module).
    public static func requireText(_ text: String?, column: PGColumn) throws -> String {
        guard let text else {
            throw PGError.decoding(
                column: column.name,
                targetType: "\(Self.self)",
                value: nil,
                reason: "the column is NULL; decode as Optional to accept NULL"
            )
        }
        return text
    }

    /// The decoding error for `text` in `column`, with the reason it cannot be this type.
    public static func failure(_ text: String, column: PGColumn, _ reason: String) -> PGError {
        PGError.decoding(column: column.name, targetType: "\(Self.self)", value: text, reason: reason)
    }
}

extension String: PGDecodable {
    public static func decode(pgText text: String?, column: PGColumn) throws -> String {
        try requireText(text, column: column)
    }
}

extension Int: PGDecodable {
    public static func decode(pgText text: String?, column: PGColumn) throws -> Int {
        let text = try requireText(text, column: column)
        guard let value = Int(text) else { throw failure(text, column: column, "not an integer in range") }
        return value
    }
}

extension Bool: PGDecodable {
    public static func decode(pgText text: String?, column: PGColumn) throws -> Bool {
        let text = try requireText(text, column: column)
        switch text {
        case "t", "true": return true
        case "f", "false": return false
        default: throw failure(text, column: column, "expected t or f")
        }
    }
}

extension Double: PGDecodable {
    public static func decode(pgText text: String?, column: PGColumn) throws -> Double {
        let text = try requireText(text, column: column)
        guard let value = Double(text) else { throw failure(text, column: column, "not a number") }
        return value
    }
}

extension Date: PGDecodable {
    public static func decode(pgText text: String?, column: PGColumn) throws -> Date {
        let text = try requireText(text, column: column)
        guard let date = PGTimestamp.parse(text) else {
            throw failure(text, column: column, "expected an ISO timestamp like 2026-01-31 12:00:00.5+00")
        }
        return date
    }
}

extension UUID: PGDecodable {
    public static func decode(pgText text: String?, column: PGColumn) throws -> UUID {
        let text = try requireText(text, column: column)
        guard let value = UUID(uuidString: text) else { throw failure(text, column: column, "not a UUID") }
        return value
    }
}


extension Array: PGDecodable where Element: PGArrayElement {
    public static func decode(pgText text: String?, column: PGColumn) throws -> [Element] {
        let text = try requireText(text, column: column)
        let elements: [String?]
        do {
            elements = try PGArrayText.parse(text)
        } catch {
            throw failure(text, column: column, "\(error)")
        }
        return try elements.enumerated().map { index, element in
            guard let element else { throw failure(text, column: column, "element \(index + 1) is NULL") }
            guard let value = Element(pgArrayElementText: element) else {
                throw failure(text, column: column, "element \(index + 1) '\(element)' is not a \(Element.self)")
            }
            return value
        }
    }
}

extension Optional: PGDecodable where Wrapped: PGDecodable {
    public static func decode(pgText text: String?, column: PGColumn) throws -> Wrapped? {
        guard let text else { return nil }
        return try Wrapped.decode(pgText: text, column: column)
    }
}
