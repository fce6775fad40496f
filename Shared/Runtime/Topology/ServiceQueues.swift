import AMQP
import KilnCore

/// One event inbox of a service: its quorum queue, its dead-letter queue and the routing keys it consumes.
///
/// A service may have several inboxes, one per **lane** (``lane``), so that events of a later stage never
/// wait behind a backlog of an earlier one (issue 10: after a burst of 5,000 submissions, dispatch-side
/// events queued behind the new work and idle workers waited minutes). Each lane has its own consumer and
/// prefetch; all lanes of a service share its dead queue and its inbox de-duplication (`consumer` =
/// service), so an event delivered through two lanes still takes effect once.
///
/// Services use the presets in ``KilnTopology``; tests build their own with a unique service name so that
/// their queues are theirs alone.
public struct ServiceQueues: Sendable, Hashable {
    /// The service (also the inbox consumer name and the `app_id` of what it publishes).
    public var service: String
    /// The lane: `nil` for the main inbox `<service>.inbox`, else the queue is `<service>.<lane>`.
    public var lane: String?
    /// The routing keys bound from `kiln.events` to the inbox.
    public var routingKeys: [RoutingKey]
    /// Every routing key the service consumes, in any lane: an event of another lane arriving here (re-driven
    /// by hand into this queue, or through a binding an earlier version made) is applied, not refused.
    public var accepted: Set<RoutingKey>
    /// Routing keys this inbox was bound to by an earlier version and no longer is (moved to another lane):
    /// unbound at start-up.
    public var retiredRoutingKeys: [RoutingKey]
    /// Deliveries before the broker dead-letters a message with reason `delivery_limit`.
    public var deliveryLimit: Int
    /// Extra inbox arguments (tests add `x-expires`).
    public var inboxArguments: [String: AMQPFieldValue]
    /// Extra dead-letter queue arguments.
    public var deadArguments: [String: AMQPFieldValue]

    /// Describes a service's inbox.
    public init(
        service: String, lane: String? = nil, consumes routingKeys: [RoutingKey], accepts others: [RoutingKey] = [],
        retired retiredRoutingKeys: [RoutingKey] = [], deliveryLimit: Int = KilnTopology.defaultDeliveryLimit,
        inboxArguments: [String: AMQPFieldValue] = [:], deadArguments: [String: AMQPFieldValue] = [:]
    ) {
        self.service = service
        self.lane = lane
        self.routingKeys = routingKeys
        self.accepted = Set(routingKeys + others)
        self.retiredRoutingKeys = retiredRoutingKeys
        self.deliveryLimit = deliveryLimit
        self.inboxArguments = inboxArguments
        self.deadArguments = deadArguments
    }

    /// `<service>.inbox`, or `<service>.<lane>`.
    public var inbox: String { "\(service).\(lane ?? "inbox")" }
    /// `<service>.dead`: where undecodable, rejected and poison messages end, with their reason.
    public var dead: String { Self.deadQueueName(service: service) }

    /// `<service>.dead`, also the dead-letter routing key on `kiln.dlx`.
    public static func deadQueueName(service: String) -> String { "\(service).dead" }

    /// The inbox (quorum, delivery limit, `kiln.dlx` → `<service>.dead`), the dead queue (quorum too, so
    /// a cluster keeps it when a node is lost; one declared classic by an earlier version is kept) and their
    /// bindings. At-least-once dead-lettering (3.10+) keeps a poison message in the
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
        let unbindings = retiredRoutingKeys.map {
            QueueBinding(queue: inbox, exchange: KilnTopology.eventsExchange, routingKey: $0.rawValue)
        }
        return Topology(
            queues: [inboxQueue, .replicated(name: dead, arguments: deadArguments)], bindings: bindings,
            unbindings: unbindings)
    }
}
