import AMQP
import KilnCore

/// Kiln's whole AMQP topology in one place, so the services, the deploy definitions and the docs
/// (deploy/docs/runtime.md) cannot disagree about a queue name, an argument or a binding.
///
/// - `kiln.events` (topic): every `wr.*` / `worker.*` event, published by the outbox relays.
/// - `kiln.gateway` (topic): what workers send (`worker.hello`, `worker.heartbeat`, …); only the
///   worker-gateway reads it, through `worker-gateway.workers`.
/// - `kiln.dlx` (direct): the dead-letter exchange. Each service's queues dead-letter with routing key
///   `<service>.dead` into the classic durable queue of that name — both the broker's own dead-lettering
///   (delivery limit exceeded, reject without requeue) and the consumer's explicit dead-lettering of
///   undecodable input (which adds `x-kiln-reason`).
/// - `<service>.inbox`: one quorum queue per service, with an explicit `x-delivery-limit` (RabbitMQ 3.10 has
///   no default, so a poison message would loop for ever). Replicas of a service share it.
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

    /// The lookup-resolver resolves `Stage.pending` fields when a work request is unblocked and
    /// `Stage.running` fields plus dynamic data once it is assigned.
    public static let lookupResolver = ServiceQueues(
        service: KilnServiceName.lookupResolver.rawValue,
        consumes: [.workRequestUnblocked, .workRequestAssigned])
    /// The tag-computer configures work requests whose pending inputs are resolved, and recomputes a
    /// worker's tag sets when its metadata changes.
    public static let tagComputer = ServiceQueues(
        service: KilnServiceName.tagComputer.rawValue,
        consumes: [.workRequestInputsResolved, .workerMetadata])
    /// The scheduler assigns pending work, cascades completions and aborts to dependants, and tracks which
    /// workers are usable.
    public static let scheduler = ServiceQueues(
        service: KilnServiceName.scheduler.rawValue,
        consumes: [.workRequestPending, .workRequestCompleted, .workRequestAborted, .workerReady, .workerGone])
    /// The worker-gateway sends dispatched assignments to workers and tells workers to stop aborted work.
    public static let workerGateway = ServiceQueues(
        service: KilnServiceName.workerGateway.rawValue,
        consumes: [.workRequestDispatch, .workRequestAborted])

    /// The event inboxes of the four services.
    public static let services: [ServiceQueues] = [lookupResolver, tagComputer, scheduler, workerGateway]

    /// The inbox layout of a named service.
    public static func queues(for service: KilnServiceName) -> ServiceQueues {
        switch service {
        case .lookupResolver: lookupResolver
        case .tagComputer: tagComputer
        case .scheduler: scheduler
        case .workerGateway: workerGateway
        }
    }

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

    /// The lookup RPC queue: classic (requests are short-lived and answered at once), durable.
    public static var lookupRPC: Topology {
        Topology(queues: [.classic(name: lookupRPCQueue)])
    }

    /// Everything: exchanges, the four inboxes with their dead queues and bindings, the gateway's worker
    /// queue and the lookup RPC queue.
    public static var all: Topology {
        services.reduce(Topology(exchanges: exchanges)) { $0.merging($1.topology) }
            .merging(gatewayWorkerMessages)
            .merging(lookupRPC)
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
