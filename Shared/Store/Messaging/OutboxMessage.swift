import Foundation
import KilnCore

/// An event to publish to AMQP once the transaction that caused it commits.
///
/// The `messageID` is chosen by the producer and travels as the AMQP `message_id`; consumers de-duplicate
/// on it (`Inbox.claim`), which is what makes the relay's at-least-once publishing safe.
public struct OutboxMessage: Sendable, Hashable {
    /// The AMQP `message_id`; unique in the outbox.
    public var messageID: UUID
    /// The exchange to publish to (e.g. `kiln.events`).
    public var exchange: String
    /// The routing key (e.g. `wr.pending`).
    public var routingKey: String
    /// The AMQP `type` property (e.g. `wr.pending`).
    public var type: String
    /// The JSON body.
    public var body: JSONValue
    /// Extra AMQP headers.
    public var headers: [String: String]

    /// Creates a message; a fresh random `messageID` unless one is given.
    public init(
        messageID: UUID = UUID(),
        exchange: String,
        routingKey: String,
        type: String,
        body: JSONValue,
        headers: [String: String] = [:]
    ) {
        self.messageID = messageID
        self.exchange = exchange
        self.routingKey = routingKey
        self.type = type
        self.body = body
        self.headers = headers
    }
}

/// An outbox row as the relay sees it.
public struct OutboxRecord: Sendable, Hashable {
    /// The row id: the relay's order and the key publishers confirm by.
    public var id: Int
    /// The message to publish.
    public var message: OutboxMessage
    /// When the row was written.
    public var createdAt: Date
    /// How many publish rounds already tried this row.
    public var attempts: Int

    /// Creates a record.
    public init(id: Int, message: OutboxMessage, createdAt: Date, attempts: Int) {
        self.id = id
        self.message = message
        self.createdAt = createdAt
        self.attempts = attempts
    }

    init(row: PGRow) throws {
        let headersValue = try row.decode(JSONValue.self, named: "headers")
        var headers: [String: String] = [:]
        for (key, value) in headersValue.objectValue ?? [:] {
            headers[key] = value.stringValue ?? value.compactJSON
        }
        self.init(
            id: try row.decode(Int.self, named: "id"),
            message: OutboxMessage(
                messageID: try row.decode(UUID.self, named: "message_id"),
                exchange: try row.decode(String.self, named: "exchange"),
                routingKey: try row.decode(String.self, named: "routing_key"),
                type: try row.decode(String.self, named: "type"),
                body: try row.decode(JSONValue.self, named: "body"),
                headers: headers
            ),
            createdAt: try row.decode(Date.self, named: "created_at"),
            attempts: try row.decode(Int.self, named: "attempts")
        )
    }
}
