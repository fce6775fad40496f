import Foundation

/// A PostgreSQL type OID, sent with each parameter so the server need not guess (`0` lets it infer).
public typealias PGTypeOID = UInt32

/// Well-known type OIDs (from `pg_type`), used for parameter declarations.
public enum PGType {
    /// Let the server infer the parameter's type from context (used for `String`, so it fits text, varchar,
    /// uuid or enum-like columns alike).
    public static let unspecified: PGTypeOID = 0
    /// `boolean`
    public static let bool: PGTypeOID = 16
    /// `bigint`
    public static let int8: PGTypeOID = 20
    /// `text`
    public static let text: PGTypeOID = 25
    /// `double precision`
    public static let float8: PGTypeOID = 701
    /// `bigint[]`
    public static let int8Array: PGTypeOID = 1016
    /// `text[]`
    public static let textArray: PGTypeOID = 1009
    /// `timestamp with time zone`
    public static let timestamptz: PGTypeOID = 1184
    /// `uuid`
    public static let uuid: PGTypeOID = 2950
    /// `jsonb`
    public static let jsonb: PGTypeOID = 3802
}

/// A Swift value that can be bound to a `$n` parameter.
///
/// Values travel in PostgreSQL's text format; SQL is never built by interpolating values (the one rule of
/// parameterized statements). `Optional` conforms, and `nil` binds SQL NULL.
public protocol PGEncodable: Sendable {
    /// The parameter's declared type, or `PGType.unspecified` to let the server infer it.
    var pgTypeOID: PGTypeOID { get }
    /// The value in PostgreSQL text input format, or `nil` for SQL NULL.
    var pgText: String? { get }
}

extension String: PGEncodable {
    public var pgTypeOID: PGTypeOID { PGType.unspecified }
    public var pgText: String? { self }
}

extension Int: PGEncodable {
    public var pgTypeOID: PGTypeOID { PGType.int8 }
    public var pgText: String? { String(self) }
}

extension Bool: PGEncodable {
    public var pgTypeOID: PGTypeOID { PGType.bool }
    public var pgText: String? { self ? "true" : "false" }
}

extension Double: PGEncodable {
    public var pgTypeOID: PGTypeOID { PGType.float8 }
    public var pgText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return String(self)  // shortest text that reads back as the same Double
    }
}

extension Date: PGEncodable {
    public var pgTypeOID: PGTypeOID { PGType.timestamptz }
    public var pgText: String? { PGTimestamp.format(self) }
}

extension UUID: PGEncodable {
    public var pgTypeOID: PGTypeOID { PGType.uuid }
    public var pgText: String? { uuidString.lowercased() }
}

extension Array: PGEncodable where Element: PGArrayElement {
    public var pgTypeOID: PGTypeOID { Element.pgArrayTypeOID }
    public var pgText: String? { PGArrayText.format(map(\.pgArrayElementText)) }
}

extension Optional: PGEncodable where Wrapped: PGEncodable {
    public var pgTypeOID: PGTypeOID {
        switch self {
        case .some(let value): value.pgTypeOID
        case .none: PGType.unspecified
        }
    }

    public var pgText: String? {
        switch self {
        case .some(let value): value.pgText
        case .none: nil
        }
    }
}

/// A value that can be an element of a PostgreSQL array parameter or column (`text[]`, `bigint[]`).
public protocol PGArrayElement: Sendable {
    /// The array type's OID (`text[]` for String).
    static var pgArrayTypeOID: PGTypeOID { get }
    /// The element's text, before array quoting.
    var pgArrayElementText: String { get }
    /// Parses one element's (unquoted) text.
    init?(pgArrayElementText: String)
}

extension String: PGArrayElement {
    public static var pgArrayTypeOID: PGTypeOID { PGType.textArray }
    public var pgArrayElementText: String { self }
    public init?(pgArrayElementText: String) { self = pgArrayElementText }
}

extension Int: PGArrayElement {
    public static var pgArrayTypeOID: PGTypeOID { PGType.int8Array }
    public var pgArrayElementText: String { String(self) }
    public init?(pgArrayElementText: String) { self.init(pgArrayElementText) }
}
