import KilnCore

/// Typed ids go into and come out of SQL as the `bigint` they wrap, so repositories take and return
/// `WorkRequestID`, `WorkerID` and `Epoch` without unwrapping them by hand.
extension Identifier: PGEncodable {
    public var pgTypeOID: PGTypeOID { rawValue.pgTypeOID }
    public var pgText: String? { rawValue.pgText }
}

extension Identifier: PGDecodable {
    public static func decode(pgText text: String?, column: PGColumn) throws -> Self {
        Self(rawValue: try Int.decode(pgText: text, column: column))
    }
}

extension Identifier: PGArrayElement {
    public static var pgArrayTypeOID: PGTypeOID { Int.pgArrayTypeOID }
    public var pgArrayElementText: String { rawValue.pgArrayElementText }
    public init?(pgArrayElementText: String) {
        guard let value = Int(pgArrayElementText: pgArrayElementText) else { return nil }
        self.init(rawValue: value)
    }
}
