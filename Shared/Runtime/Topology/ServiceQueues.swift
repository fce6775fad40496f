import AMQP
import KilnCore

/// One service's event inbox: its quorum queue, its dead-letter queue and the routing keys it consumes.
///
/// Services use the presets in ``KilnTopology``; tests build their own with a unique service name so that
/// their queues are theirs alone.
public struct ServiceQueues: Sendable, Hashable {
    /// The service (also the inbox consumer name and the `app_id` of what it publishes).
    public var service: String
    /// The routing keys bound from `kiln.events` to the inbox.
    public var routingKeys: [RoutingKey]
    /// Deliveries before the broker dead-letters a message with reason `delivery_limit`.
    public var deliveryLimit: Int
    /// Extra inbox arguments (tests add `x-expires`).
    public var inboxArguments: [String: AMQPFieldValue]
    /// Extra dead-letter queue arguments.
    public var deadArguments: [String: AMQPFieldValue]

    /// Describes a service's inbox.
    public init(
        service: String, consumes routingKeys: [RoutingKey], deliveryLimit: Int = KilnTopology.defaultDeliveryLimit,
        inboxArguments: [String: AMQPFieldValue] = [:], deadArguments: [String: AMQPFieldValue] = [:]
    ) {
        self.service = service
        self.routingKeys = routingKeys
        self.deliveryLimit = deliveryLimit
        self.inboxArguments = inboxArguments
        self.deadArguments = deadArguments
    }

    /// `<service>.inbox`.
    public var inbox: String { "\(service).inbox" }
    /// `<service>.dead`: where undecodable, rejected and poison messages end, with their reason.
    public var dead: String { Self.deadQueueName(service: service) }

    /// `<service>.dead`, also the dead-letter routing key on `kiln.dlx`.
    public static func deadQueueName(service: String) -> String { "\(service).dead" }

    /// The inbox (quorum, delivery limit, `kiln.dlx` → `<service>.dead`), the dead queue (classic,
    /// durable) and their bindings. At-least-once dead-lettering (3.10+) keeps a poison message in the
    /// inbox until the dead queue has confirmed it, instead of the default fire-and-forget transfer.
    public var topology: Topology {
        var arguments = inboxArguments
        arguments["x-dead-letter-strategy"] = "at-least-once"
        arguments["x-overflow"] = "reject-publish"
        let inboxQueue = QueueDeclaration.quorum(
            name: inbox, deliveryLimit: deliveryLimit, deadLetterExchange: KilnTopology.deadLetterExchange,
            deadLetterRoutingKey: dead, arguments: arguments)
        let bindings =
            routingKeys.map {
                QueueBinding(queue: inbox, exchange: KilnTopology.eventsExchange, routingKey: $0.rawValue)
            } + [QueueBinding(queue: dead, exchange: KilnTopology.deadLetterExchange, routingKey: dead)]
        return Topology(queues: [inboxQueue, .classic(name: dead, arguments: deadArguments)], bindings: bindings)
    }
}
