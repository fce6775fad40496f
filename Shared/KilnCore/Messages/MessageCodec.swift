import Foundation

/// Encodes and decodes message bodies, turning every decoding failure into a reason that names the field,
/// because a bad message is dead-lettered with that reason for an operator to read (fault matrix B1/B2).
///
/// Unknown members are ignored (a newer producer may add optional fields within the same schema version);
/// a different `schema_version` is refused.
public enum MessageCodec {
    /// The schema version every body carries; bumped on any incompatible change.
    public static let schemaVersion = 1

    /// The body as compact JSON bytes with sorted keys.
    public static func encode(_ body: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(body))
    }

    /// Decodes a body of a known type.
    ///
    /// - Throws: `MessageError.undecodable` with a reason naming the offending field.
    public static func decode<Body: VersionedMessage>(_ type: Body.Type, from bytes: [UInt8]) throws(MessageError) -> Body {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let body: Body
        do {
            body = try decoder.decode(Body.self, from: Data(bytes))
        } catch let error as DecodingError {
            // Foundation reports some well-formed JSON (an integer too large for its field) at the top level:
            // only call it "not JSON" when it is not.
            let isJSON = (try? JSONValue.parse(bytes: bytes)) != nil
            throw .undecodable(type: String(describing: Body.self), reason: describe(error, bodyIsJSON: isJSON))
        } catch {
            throw .undecodable(type: String(describing: Body.self), reason: "\(error)")
        }
        guard body.schemaVersion == schemaVersion else {
            throw .unsupportedSchemaVersion(body.schemaVersion, supported: schemaVersion)
        }
        try body.validate()
        return body
    }

    static func describe(_ error: DecodingError, bodyIsJSON: Bool = false) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "<body>" : keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing field '\(parent == "<body>" ? key.stringValue : parent + "." + key.stringValue)'"
        case .typeMismatch(let type, let context):
            return "field '\(path(context))' has the wrong type (expected \(type))"
        case .valueNotFound(let type, let context):
            return "field '\(path(context))' is null (expected \(type))"
        case .dataCorrupted(let context):
            if !context.codingPath.isEmpty { return "field '\(path(context))': \(context.debugDescription)" }
            return bodyIsJSON
                ? "a value does not fit its field: \(context.debugDescription)" : "not JSON: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// A message body with a schema version and its own consistency rules.
public protocol VersionedMessage: Codable, Sendable {
    /// The schema version the producer wrote.
    var schemaVersion: Int { get }
    /// Checks rules the types alone cannot express (e.g. a result is not empty).
    func validate() throws(MessageError)
}

extension VersionedMessage {
    /// No extra rules by default: most bodies are fully checked by their types.
    public func validate() throws(MessageError) {}
}

/// Why a message was refused; the text goes into the dead-letter reason and the log.
public enum MessageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The body is not JSON or does not fit the type.
    case undecodable(type: String, reason: String)
    /// The body was written for another schema version.
    case unsupportedSchemaVersion(Int, supported: Int)
    /// The body decodes but breaks a rule.
    case invalid(String)
    /// The body exceeds the size cap.
    case tooLarge(bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .undecodable(let type, let reason): "undecodable \(type): \(reason)"
        case .unsupportedSchemaVersion(let found, let supported):
            "unsupported schema_version \(found) (this build reads \(supported))"
        case .invalid(let reason): "invalid message: \(reason)"
        case .tooLarge(let bytes, let limit): "message of \(bytes) bytes exceeds the \(limit)-byte limit"
        }
    }
}
