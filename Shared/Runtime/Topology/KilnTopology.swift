import AMQP
import KilnCore

/// Kiln's whole AMQP topology in one place, so the services, the deploy definitions and the docs
/// (deploy/docs/runtime.md) cannot disagree about a queue name, an argument or a binding.
///
/// - `kiln.events` (topic): every `wr.*` / `worker.*` event, published by the outbox relays.
/// - `kiln.gateway` (topic): what workers send (`worker.hello`, `worker.heartbeat`, …); only the
///   worker-gateway reads it, through `worker-gateway.workers`.
/// - `kiln.dlx` (direct): the dead-letter exchange. Each service's queues dead-letter with routing key
///   `<service>.dead` into the quorum queue of that name — both the broker's own dead-lettering
///   (delivery limit exceeded, reject without requeue) and the consumer's explicit dead-lettering of
///   undecodable input (which adds `x-kiln-reason`).
/// - `<service>.inbox`, and `<service>.<lane>` for a later stage's events (`lookup-resolver.assigned`,
///   `tag-computer.workers`, `scheduler.capacity`): quorum queues with an explicit `x-delivery-limit`
///   (RabbitMQ 3.10 has no default, so a poison message would loop for ever). Replicas share them.
/// - `lookup-resolver.rpc`: the lookup RPC queue (`kiln lookup`, direct reply-to).
///
/// Every service declares the whole topology at start-up (``all``): declarations are idempotent, and a
/// publisher must not depend on the consumer having started first for its `mandatory` events to route.
public enum KilnTopology {
    /// The topic exchange every event goes through.
    public static let eventsExchange = KilnExchange.events
    /// The dead-letter exchange of every service queue.
    public static let deadLetterExchange = KilnExchange.deadLetter
    /// The exchange workers publish to (their RabbitMQ account may write nowhere else).
    public static let gatewayExchange = KilnExchange.gateway
    /// The worker-gateway's queue of worker messages, bound to ``gatewayExchange``.
    public static let gatewayWorkerQueue = "worker-gateway.workers"
    /// The lookup-resolver's RPC queue (see `LookupRequest`).
    public static let lookupRPCQueue = "lookup-resolver.rpc"
    /// Delivery attempts before a quorum queue dead-letters a message (reason `delivery_limit`): enough
    /// for a database restart or a few serialization failures, few enough that a poison message stops
    /// within a minute.
    public static let defaultDeliveryLimit = 10

    /// The three exchanges, durable.
    public static let exchanges: [ExchangeDeclaration] = [
        ExchangeDeclaration(name: eventsExchange, kind: .topic),
        ExchangeDeclaration(name: deadLetterExchange, kind: .direct),
        ExchangeDeclaration(name: gatewayExchange, kind: .topic),
    ]

    /// One service's inboxes: the main one (`<service>.inbox`, `main` keys) first, then a lane per entry of
    /// `lanes` (`<service>.<lane>`). Derived, so they cannot disagree: every inbox accepts all the service's
    /// keys, and the main inbox retires (unbinds) the keys its lanes took over.
    static func inboxes(
        of service: KilnServiceName, main: [RoutingKey], lanes: KeyValuePairs<String, [RoutingKey]>
    ) -> [ServiceQueues] {
        let laneKeys = lanes.flatMap(\.value)
        let all = main + laneKeys
        return [ServiceQueues(service: service.rawValue, consumes: main, accepts: all, retired: laneKeys)]
            + lanes.map { ServiceQueues(service: service.rawValue, lane: $0.key, consumes: $0.value, accepts: all) }
    }

    /// The lookup-resolver resolves `Stage.pending` fields when a work request is unblocked (main inbox)
    /// and `Stage.running` fields plus dynamic data once it is assigned (lane `assigned`: assigned work never
    /// waits behind a backlog of new work).
    static let lookupResolverInboxes = inboxes(
        of: .lookupResolver, main: [.workRequestUnblocked], lanes: ["assigned": [.workRequestAssigned]])
    /// The lookup-resolver's main inbox (`wr.unblocked`).
    public static var lookupResolver: ServiceQueues { lookupResolverInboxes[0] }
    /// The lookup-resolver's lane for `wr.assigned`.
    public static var lookupResolverAssigned: ServiceQueues { lookupResolverInboxes[1] }
    /// The tag-computer configures work requests whose pending inputs are resolved (main inbox), and
    /// recomputes a worker's tag sets when its metadata changes (lane `workers`: a connecting worker never
    /// waits behind a backlog of new work).
    static let tagComputerInboxes = inboxes(
        of: .tagComputer, main: [.workRequestInputsResolved], lanes: ["workers": [.workerMetadata]])
    /// The tag-computer's main inbox (`wr.inputs-resolved`).
    public static var tagComputer: ServiceQueues { tagComputerInboxes[0] }
    /// The tag-computer's lane for `worker.metadata`.
    public static var tagComputerWorkers: ServiceQueues { tagComputerInboxes[1] }
    /// The scheduler takes pending work into its index (main inbox); completions, aborts and worker changes,
    /// which free or add capacity, have their own lane (`capacity`), so a backlog of new work never keeps
    /// idle workers idle.
    static let schedulerInboxes = inboxes(
        of: .scheduler, main: [.workRequestPending],
        lanes: ["capacity": [.workRequestCompleted, .workRequestAborted, .workerReady, .workerGone]])
    /// The scheduler's main inbox (`wr.pending`).
    public static var scheduler: ServiceQueues { schedulerInboxes[0] }
    /// The scheduler's lane for what frees or adds capacity.
    public static var schedulerCapacity: ServiceQueues { schedulerInboxes[1] }
    /// The worker-gateway sends dispatched assignments to workers, tells workers to stop aborted work, and
    /// tells a disabled worker at once.
    public static let workerGateway = ServiceQueues(
        service: KilnServiceName.workerGateway.rawValue,
        consumes: [.workRequestDispatch, .workRequestAborted, .workerDisabled])

    /// Every event inbox (lanes included) of the four services.
    public static let services: [ServiceQueues] =
        lookupResolverInboxes + tagComputerInboxes + schedulerInboxes + [workerGateway]

    /// The worker-gateway's queue of worker messages: quorum like the inboxes, dead-lettering into
    /// `worker-gateway.dead`; bound to every routing key on ``gatewayExchange``.
    public static var gatewayWorkerMessages: Topology {
        let dead = ServiceQueues.deadQueueName(service: KilnServiceName.workerGateway.rawValue)
        return Topology(
            queues: [
                .quorum(
                    name: gatewayWorkerQueue, deliveryLimit: defaultDeliveryLimit,
                    deadLetterExchange: deadLetterExchange, deadLetterRoutingKey: dead)
            ],
            bindings: [
                QueueBinding(
                    queue: gatewayWorkerQueue, exchange: gatewayExchange,
                    routingKey: KilnExchange.workerMessagesPattern)
            ])
    }

    /// The lookup RPC queue: replicated like the others, so `kiln lookup` keeps working when a cluster node
    /// is lost (one declared classic by an earlier version is kept).
    public static var lookupRPC: Topology {
        Topology(queues: [.replicated(name: lookupRPCQueue)])
    }

    /// Everything: exchanges, the four inboxes with their dead queues and bindings, the gateway's worker
    /// queue and the lookup RPC queue.
    public static var all: Topology {
        var topology = services.reduce(Topology(exchanges: exchanges)) { $0.merging($1.topology) }
            .merging(gatewayWorkerMessages)
            .merging(lookupRPC)
        // Retired bindings are removed only by their own service (``declared(by:)``).
        topology.unbindings = []
        return topology
    }

    /// ``all``, plus removing the bindings `service`'s own inboxes had in an earlier version: only the owning
    /// service unbinds, so while it is not upgraded yet its older instances keep reading their main inbox,
    /// whatever other services start.
    public static func declared(by service: String) -> Topology {
        var topology = all
        topology.unbindings = services.filter { $0.service == service }.flatMap(\.topology.unbindings)
        return topology
    }

    /// The exchanges plus one service's own queues: what a test (or a service run in isolation) declares.
    public static func only(_ queues: ServiceQueues) -> Topology {
        Topology(exchanges: exchanges).merging(queues.topology)
    }
}

/// The four Kiln services that consume events.
public enum KilnServiceName: String, CaseIterable, Sendable {
    case lookupResolver = "lookup-resolver"
    case tagComputer = "tag-computer"
    case scheduler = "scheduler"
    case workerGateway = "worker-gateway"
}
