/// A message to publish: where it goes, its body and properties.
public struct OutgoingMessage: Sendable, Hashable {
    /// The exchange; `""` is the default exchange (routing key = queue name).
    public var exchange: String
    public var routingKey: String
    public var body: [UInt8]
    public var properties: MessageProperties
    /// With `mandatory` (the default) a message no queue takes comes back as ``AMQPError/unroutable(code:text:messageID:)``
    /// instead of vanishing; a confirm alone does not prove routing.
    public var mandatory: Bool

    public init(
        exchange: String, routingKey: String, body: [UInt8], properties: MessageProperties = MessageProperties(),
        mandatory: Bool = true
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
        self.mandatory = mandatory
    }

    /// A message with a UTF-8 text body (JSON, usually).
    public init(
        exchange: String, routingKey: String, text: String, properties: MessageProperties = MessageProperties(),
        mandatory: Bool = true
    ) {
        self.init(
            exchange: exchange, routingKey: routingKey, body: Array(text.utf8), properties: properties,
            mandatory: mandatory)
    }
}
