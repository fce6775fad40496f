import KilnCore

/// Why the consumer dead-lettered a message itself (rather than the broker after the delivery limit).
///
/// ``category`` is the low-cardinality `reason` label of `kiln_messages_dead_lettered_total`; ``detail``
/// is the full text that goes into the `x-kiln-reason` header for an operator to read.
public enum DeadLetterReason: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body exceeds the consumer's size cap.
    case tooLarge(bytes: Int, limit: Int)
    /// No usable `message_id` (required to de-duplicate; 1–255 characters).
    case missingMessageID
    /// Neither the `type` property nor the routing key names a known event.
    case unknownEventType(String)
    /// A known event this service does not consume (it is not bound to its inbox).
    case unexpectedEventType(String)
    /// The body is not JSON, or not an `EventBody`, or written for another schema version, or lacks an
    /// identifier its event type needs.
    case badBody(MessageError)
    /// The handler threw ``EventRejected``.
    case rejectedByHandler(String)
    /// The handler failed on every delivery up to the queue's delivery limit (a poison message): the
    /// consumer dead-letters it itself at the last one, with the error, instead of letting the broker do it
    /// with nothing but `delivery_limit` (and uncounted).
    case failedEveryDelivery(deliveries: Int, error: String)

    /// The metric label.
    public var category: String {
        switch self {
        case .tooLarge: "too_large"
        case .missingMessageID: "missing_message_id"
        case .unknownEventType: "unknown_event_type"
        case .unexpectedEventType: "unexpected_event_type"
        case .badBody(.undecodable): "undecodable"
        case .badBody(.unsupportedSchemaVersion): "unsupported_schema_version"
        case .badBody(.invalid): "invalid"
        case .badBody(.tooLarge): "too_large"
        case .rejectedByHandler: "rejected_by_handler"
        case .failedEveryDelivery: "handler_failed"
        }
    }

    /// The header text.
    public var detail: String {
        switch self {
        case .tooLarge(let bytes, let limit): "message of \(bytes) bytes exceeds the \(limit)-byte event limit"
        case .missingMessageID: "missing or unusable message_id (1 to 255 characters needed to de-duplicate)"
        case .unknownEventType(let type): "unknown event type '\(type)'"
        case .unexpectedEventType(let type): "event type '\(type)' is not consumed by this service"
        case .badBody(let error): error.description
        case .rejectedByHandler(let reason): "rejected by handler: \(reason)"
        case .failedEveryDelivery(let deliveries, let error): "handler failed on all \(deliveries) deliveries: \(error)"
        }
    }

    public var description: String { "\(category): \(detail)" }
}
