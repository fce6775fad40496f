/// A message received from a queue.
///
/// Settle it with ``ack()``, ``nack(requeue:)`` or ``reject(requeue:)`` — from any task, without `await`: the
/// settlement is queued and sent by the consumer's connection at its next poll (right after the handler
/// returns, or within one poll interval if settled later). A settlement for a channel that has since been
/// replaced (reconnect) is dropped: the broker redelivers the message with ``redelivered`` set, which is the
/// at-least-once contract consumers must handle anyway (deduplicate on ``MessageProperties/messageID``).
public struct Delivery: Sendable {
    public var body: [UInt8]
    public var properties: MessageProperties
    public var exchange: String
    public var routingKey: String
    /// The broker may have delivered this message before (a consumer died or nacked it with requeue).
    public var redelivered: Bool
    public var deliveryTag: UInt64
    /// The queue the consumer was attached to (empty for request/reply answers).
    public var queue: String
    let settler: DeliverySettler?
    let channel: UInt16
    let channelGeneration: UInt64

    init(
        body: [UInt8], properties: MessageProperties, exchange: String, routingKey: String, redelivered: Bool,
        deliveryTag: UInt64, queue: String, settler: DeliverySettler?, channel: UInt16, channelGeneration: UInt64
    ) {
        self.body = body
        self.properties = properties
        self.exchange = exchange
        self.routingKey = routingKey
        self.redelivered = redelivered
        self.deliveryTag = deliveryTag
        self.queue = queue
        self.settler = settler
        self.channel = channel
        self.channelGeneration = channelGeneration
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// How many times a quorum queue has delivered this message before (`x-delivery-count`), if it says.
    public var deliveryCount: Int? {
        properties.headers["x-delivery-count"]?.intValue.map { Int($0) }
    }

    /// The `x-death` entries a dead-lettered message carries (one table per queue and reason).
    public var deaths: [[String: AMQPFieldValue]] {
        properties.headers["x-death"]?.arrayValue?.compactMap(\.tableValue) ?? []
    }

    /// Done: the broker forgets the message.
    public func ack() { settle(.ack) }

    /// Not done: with `requeue` the broker delivers it again (counting against a quorum queue's delivery
    /// limit); without, it is dead-lettered (or dropped when the queue has no dead-letter exchange).
    public func nack(requeue: Bool) { settle(.nack(requeue: requeue)) }

    /// Like ``nack(requeue:)`` for a single message; use `requeue: false` for permanently bad input.
    public func reject(requeue: Bool) { settle(.reject(requeue: requeue)) }

    private func settle(_ kind: Settlement.Kind) {
        settler?.enqueue(
            Settlement(channel: channel, channelGeneration: channelGeneration, deliveryTag: deliveryTag, kind: kind))
    }
}
