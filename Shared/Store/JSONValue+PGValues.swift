import KilnCore
import PGClient

// Kiln's JSON values as PostgreSQL `jsonb` parameters and columns: the bridge between the generic libpq
// client (PGClient, which knows nothing of Kiln) and the core's JSONValue.

extension JSONValue: PGEncodable {
    public var pgTypeOID: PGTypeOID { PGType.jsonb }
    public var pgText: String? { compactJSON }
}

extension Dictionary: PGEncodable where Key == String, Value == JSONValue {
    /// A JSON object (task data, artifact data, metadata) binds as `jsonb`.
    public var pgTypeOID: PGTypeOID { PGType.jsonb }
    public var pgText: String? { JSONValue.object(self).compactJSON }
}

extension JSONValue: PGDecodable {
    public static func decode(pgText text: String?, column: PGColumn) throws -> JSONValue {
        let text = try requireText(text, column: column)
        do {
            return try JSONValue.parse(text)
        } catch {
            throw failure(text, column: column, "not JSON: \(error)")
        }
    }
}

extension Dictionary: PGDecodable where Key == String, Value == JSONValue {
    public static func decode(pgText text: String?, column: PGColumn) throws -> [String: JSONValue] {
        let value = try JSONValue.decode(pgText: text, column: column)
        guard let object = value.objectValue else {
            throw failure(text ?? "", column: column, "expected a JSON object, got \(value.typeName)")
        }
        return object
    }
}
