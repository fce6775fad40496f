/// The exchanges, queues and bindings a connection needs, declared (again) every time it connects, so a
/// restarted broker or a deleted queue heals itself. Declarations are idempotent as long as the arguments
/// do not change; a change is refused by the broker (406 PRECONDITION_FAILED) and reported, never retried.
///
/// Conventions (docs: deploy/docs/amqp.md): `kiln.events` topic exchange; one quorum inbox per service with an
/// explicit delivery limit and the `kiln.dlx` dead-letter exchange; one `<service>.dead` queue each.
public struct Topology: Sendable, Hashable {
    public var exchanges: [ExchangeDeclaration]
    public var queues: [QueueDeclaration]
    public var bindings: [QueueBinding]
    /// Bindings to remove, after the declarations: ones an earlier version of the topology made and this one
    /// retired (removing a binding that does not exist is not an error).
    public var unbindings: [QueueBinding]

    public init(
        exchanges: [ExchangeDeclaration] = [], queues: [QueueDeclaration] = [], bindings: [QueueBinding] = [],
        unbindings: [QueueBinding] = []
    ) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
        self.unbindings = unbindings
    }

    /// Nothing to declare.
    public static let empty = Topology()

    /// Both topologies, this one's declarations first.
    /// Both topologies; a declaration or binding both contain appears once.
    public func merging(_ other: Topology) -> Topology {
        func union<Element: Hashable>(_ first: [Element], _ second: [Element]) -> [Element] {
            var seen = Set(first)
            return first + second.filter { seen.insert($0).inserted }
        }
        return Topology(
            exchanges: union(exchanges, other.exchanges), queues: union(queues, other.queues),
            bindings: union(bindings, other.bindings), unbindings: union(unbindings, other.unbindings))
    }
}

/// An exchange to declare.
public struct ExchangeDeclaration: Sendable, Hashable {
    /// The AMQP exchange types RabbitMQ ships.
    public enum Kind: String, Sendable, Hashable {
        case direct, fanout, topic, headers
    }

    public var name: String
    public var kind: Kind
    public var durable: Bool
    public var autoDelete: Bool
    public var arguments: [String: AMQPFieldValue]

    public init(
        name: String, kind: Kind, durable: Bool = true, autoDelete: Bool = false,
        arguments: [String: AMQPFieldValue] = [:]
    ) {
        self.name = name
        self.kind = kind
        self.durable = durable
        self.autoDelete = autoDelete
        self.arguments = arguments
    }
}

/// A queue to declare.
public struct QueueDeclaration: Sendable, Hashable {
    public var name: String
    public var durable: Bool
    public var exclusive: Bool
    public var autoDelete: Bool
    public var arguments: [String: AMQPFieldValue]
    /// Whether a queue of that name declared earlier with other arguments (another `x-queue-type`, say) is
    /// accepted as it is, with a warning, instead of failing the declaration (406 PRECONDITION_FAILED): for
    /// queues whose declaration changed between versions while the broker keeps the old one.
    public var acceptsExistingArguments = false

    public init(
        name: String, durable: Bool = true, exclusive: Bool = false, autoDelete: Bool = false,
        arguments: [String: AMQPFieldValue] = [:]
    ) {
        self.name = name
        self.durable = durable
        self.exclusive = exclusive
        self.autoDelete = autoDelete
        self.arguments = arguments
    }

    /// A quorum queue (replicated, always durable, counts deliveries) with an explicit delivery limit — RabbitMQ
    /// 3.10 has no default, so a poison message would loop forever — and, usually, a dead-letter exchange that
    /// receives messages past the limit (`x-death` reason `delivery_limit`) or rejected without requeue.
    public static func quorum(
        name: String, deliveryLimit: Int, deadLetterExchange: String?, deadLetterRoutingKey: String? = nil,
        arguments: [String: AMQPFieldValue] = [:]
    ) -> QueueDeclaration {
        var all = arguments
        all["x-queue-type"] = "quorum"
        all["x-delivery-limit"] = .int(Int64(deliveryLimit))
        if let deadLetterExchange { all["x-dead-letter-exchange"] = .string(deadLetterExchange) }
        if let deadLetterRoutingKey { all["x-dead-letter-routing-key"] = .string(deadLetterRoutingKey) }
        return QueueDeclaration(name: name, durable: true, arguments: all)
    }

    /// A replicated queue that only holds messages for people to read (a dead-letter queue) or to answer at
    /// once (requests): quorum, so it survives the loss of a cluster node, without a delivery limit of its
    /// own. One declared classic by an earlier version is kept as it is (``acceptsExistingArguments``).
    public static func replicated(name: String, arguments: [String: AMQPFieldValue] = [:]) -> QueueDeclaration {
        var all = arguments
        all["x-queue-type"] = "quorum"
        var declaration = QueueDeclaration(name: name, durable: true, arguments: all)
        declaration.acceptsExistingArguments = true
        return declaration
    }

    /// A durable classic queue (per-worker queues and anything created and deleted often: quorum queue names
    /// become Erlang atoms).
    public static func classic(name: String, arguments: [String: AMQPFieldValue] = [:]) -> QueueDeclaration {
        QueueDeclaration(name: name, durable: true, arguments: arguments)
    }
}

/// A binding of a queue to an exchange.
public struct QueueBinding: Sendable, Hashable {
    public var queue: String
    public var exchange: String
    public var routingKey: String
    public var arguments: [String: AMQPFieldValue]

    public init(queue: String, exchange: String, routingKey: String, arguments: [String: AMQPFieldValue] = [:]) {
        self.queue = queue
        self.exchange = exchange
        self.routingKey = routingKey
        self.arguments = arguments
    }
}
