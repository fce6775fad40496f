import KilnCore
import Logging
import Store

/// What an event handler gets besides the transaction: the decoded event and where it came from.
public struct EventContext: Sendable {
    /// The event, decoded once by the consumer (its kind is the AMQP `type`, falling back to the routing key).
    public var event: KilnEvent
    /// The event's kind.
    public var routingKey: RoutingKey { event.routingKey }
    /// The AMQP `message_id`, claimed in the inbox by the same transaction.
    public var messageID: String
    /// The broker delivered this message before (a consumer died or requeued it).
    public var redelivered: Bool
    /// Earlier deliveries counted by the quorum queue (`x-delivery-count`), if any.
    public var deliveryCount: Int?
    /// A logger already carrying `service`-level metadata plus `msg.id`, `wr.id`, `worker` and `event`, so
    /// whatever the handler logs can be tied to the event.
    public var logger: Logger
    /// What the handlers of one transaction may remember between events (one batch shares it; an event
    /// applied alone gets its own). Valid only inside that transaction.
    public var cache: TransactionCache

    /// Creates a context (the consumer does; tests of handlers may too).
    public init(
        event: KilnEvent, messageID: String, redelivered: Bool = false,
        deliveryCount: Int? = nil, logger: Logger, cache: TransactionCache = TransactionCache()
    ) {
        self.cache = cache
        self.event = event
        self.messageID = messageID
        self.redelivered = redelivered
        self.deliveryCount = deliveryCount
        self.logger = logger
    }
}

/// Applies one event inside the consumer's transaction (which has already claimed the inbox row).
///
/// Do every state change on `conn` (compare-and-set) and enqueue the events it causes with
/// `EventOutbox.enqueue(_:on:messageID:exchange:routingKey:)` (module Store) on the same connection: they
/// commit or vanish together. Throw ``EventRejected`` for input that can never be processed (the
/// transaction is rolled back and the message dead-lettered with the reason); throw anything else for a
/// failure worth retrying (rolled back, requeued, bounded by the queue's delivery limit).
public typealias EventHandler = @Sendable (EventContext, PGConnection) async throws -> Void

/// Thrown by an ``EventHandler`` for an event that is permanently unprocessable (it names a work request
/// that does not exist, say): the message goes to `<service>.dead` with `reason` at once, instead of being
/// retried up to the delivery limit.
public struct EventRejected: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why, for the `x-kiln-reason` header and the log.
    public var reason: String

    /// Rejects an event with a reason.
    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "event rejected: \(reason)" }
}
