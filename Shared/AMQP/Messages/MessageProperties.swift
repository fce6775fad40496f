import KilnBase
import Foundation

/// The AMQP basic properties Kiln uses. Defaults follow the architecture's message conventions: JSON,
/// persistent (delivery mode 2), a fresh UUID as `message_id` (consumers deduplicate on it).
public struct MessageProperties: Sendable, Hashable {
    public var contentType: String?
    /// Delivery mode 2: written to disk on durable queues, so a confirm means "on disk".
    public var persistent: Bool
    public var messageID: String?
    /// The message kind, e.g. `wr.pending`.
    public var type: String?
    /// Seconds since the epoch.
    public var timestamp: UInt64?
    /// The sending service.
    public var appID: String?
    public var correlationID: String?
    public var replyTo: String?
    public var expiration: String?
    public var headers: [String: AMQPFieldValue]

    public init(
        contentType: String? = "application/json", persistent: Bool = true,
        messageID: String? = UUID().uuidString.lowercased(), type: String? = nil,
        timestamp: UInt64? = UInt64(Date().timeIntervalSince1970), appID: String? = nil,
        correlationID: String? = nil, replyTo: String? = nil, expiration: String? = nil,
        headers: [String: AMQPFieldValue] = [:]
    ) {
        self.contentType = contentType
        self.persistent = persistent
        self.messageID = messageID
        self.type = type
        self.timestamp = timestamp
        self.appID = appID
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.expiration = expiration
        self.headers = headers
    }

    /// No property set at all (what a received message without properties decodes to).
    public static let none = MessageProperties(
        contentType: nil, persistent: false, messageID: nil, timestamp: nil)
}
