import AMQP
import Logging
import Metrics
import Prometheus
import ServiceKit
import ServiceLifecycle
import Store
import Synchronization

/// A started service's shared pieces — configuration, database pool, confirming publisher, readiness — and
/// the factories that wire them into consumers, the outbox relay, sweepers and the service group.
public final class ServiceRuntime: Sendable {
    /// The checked settings, for services that size their own work by them.
    public let configuration: RuntimeConfiguration
    /// The environment the settings came from, so a service reads its own extra settings the same way.
    public let environment: EnvironmentReader
    /// What every connection declares.
    public let topology: Topology
    /// The database pool: PostgreSQL is the truth every handler and sweep reads and writes.
    public let pool: PGPool
    /// The confirming publisher shared by the outbox relay and the consumers' dead-lettering.
    public let publisher: AMQPPublisher
    /// The readiness conditions behind `/health/ready`.
    public let readiness: Readiness
    /// The service's logger (`kiln.<service>`), shared so every component logs under the same name.
    public let logger: Logger
    /// Publishes this service's outbox; wake it after a commit that enqueued events (consumers do so
    /// themselves).
    public let relay: OutboxRelay
    private let registry: PrometheusCollectorRegistry
    /// The connection the re-drive sweepers ask for their queues' backlog on (a passive declare), shared by
    /// them and never the relay's, which a resource alarm may block. Idle between sweeps (no heartbeat: a dead
    /// socket shows at the next question), with short timeouts.
    private let backlogInspector: AMQPPublisher

    init(
        configuration: RuntimeConfiguration, environment: EnvironmentReader, topology: Topology, pool: PGPool,
        publisher: AMQPPublisher, readiness: Readiness, registry: PrometheusCollectorRegistry?, logger: Logger
    ) {
        self.configuration = configuration
        self.environment = environment
        self.topology = topology
        self.pool = pool
        self.publisher = publisher
        self.readiness = readiness
        self.registry = registry ?? PrometheusCollectorRegistry()
        self.logger = logger
        var inspection = configuration.amqp
        inspection.heartbeat = .zero
        inspection.connectTimeout = .seconds(3)
        inspection.rpcTimeout = .seconds(3)
        backlogInspector = AMQPPublisher(configuration: inspection, logger: logger)
        relay = OutboxRelay(
            pool: pool,
            publisher: AMQPOutboxPublisher(publisher: publisher, appID: configuration.service, logger: logger),
            logger: logger)
    }

    /// The service name.
    public var service: String { configuration.service }

    /// Reads one of the service's own settings; a bad value exits 78 with a line naming the variable.
    public func setting<Value>(_ read: (EnvironmentReader) throws -> Value) -> Value {
        do {
            return try read(environment)
        } catch {
            ServiceMain.failConfiguration(error, service: service)
        }
    }

    /// A consumer of `queues`' inbox running `handlers`, with the configured concurrency; it wakes the relay
    /// after each commit.
    ///
    /// - Parameter batched: apply waiting events up to `KILN_SERVICE_BATCH` at a time in one transaction.
    ///   Only for a handler whose effects are all in that transaction (a batch that fails is rolled back and
    ///   applied again event by event): not for one that talks to a worker before its commit.
    public func eventConsumer(
        queues: ServiceQueues, batched: Bool, handlers: EventHandlers
    ) -> EventConsumer {
        let relay = self.relay
        return EventConsumer(
            queues: queues, amqp: configuration.amqp, topology: topology, pool: pool, deadLetterPublisher: publisher,
            options: consumerOptions(batched: batched), logger: logger,
            afterCommit: { relay.wake() }, handlers: handlers)
    }

    /// The configured consumer tuning: `KILN_SERVICE_CONCURRENCY` transactions at once, each of up to
    /// `KILN_SERVICE_BATCH` events when `batched`, else one.
    public func consumerOptions(batched: Bool) -> EventConsumer.Options {
        EventConsumer.Options(concurrency: configuration.concurrency, batchSize: batched ? configuration.batchSize : 1)
    }

    /// A sweeper at the configured interval.
    public func sweeper(name: String, jitter: Double = 0.2, sweep: @escaping Sweeper.Sweep) -> Sweeper {
        Sweeper(
            service: service, name: name, interval: configuration.sweepInterval, jitter: jitter, logger: logger,
            sweep: sweep)
    }

    /// The re-drive sweeper of one pipeline stage: every sweep interval it re-sends the stage's event for
    /// work requests waiting there longer than `KILN_REDRIVE_GRACE`, at most `KILN_SWEEP_BATCH` at a time
    /// (`WorkRequestRepository.redrive`: one SQL shape, `SKIP LOCKED`, so replicas split the rows). A lost
    /// message therefore delays work by a grace period and a sweep interval, and never loses it.
    ///
    /// A sweep is skipped while the queue that takes the stage's event holds ready messages: work requests
    /// waiting longer than the grace behind a backlog are queued, not lost, and re-sending their events
    /// would add load exactly when the service is busiest (issue 10: 362 extra `wr.unblocked` in one
    /// 2,000-request burst). While the backlog shrinks, every round is skipped; a backlog that does not
    /// shrink is skipped at most ``maxSkippedRedrives`` rounds in a row, so a farm that always has a few
    /// events waiting still re-drives what is really lost. The queue is asked on the runtime's backlog
    /// inspector, never on the relay's connection, which a resource alarm may block.
    public func redriveSweeper(_ stage: RedriveStage) -> Sweeper {
        let pool = self.pool
        let relay = self.relay
        let logger = self.logger
        let service = self.service
        let grace = configuration.redriveGrace
        let limit = configuration.sweepBatch
        let queue = KilnTopology.services.first { $0.service == service && $0.routingKeys.contains(stage.event) }?.inbox
        let inspector = backlogInspector
        // Rounds skipped in a row without the backlog shrinking, and the backlog seen last.
        let skipping = Mutex((rounds: 0, lastWaiting: Int.max))
        return sweeper(name: stage.rawValue) {
            if let queue, let waiting = await Self.readyMessages(in: queue, publisher: inspector), waiting > 0,
                skipping.withLock({ state in
                    // A draining backlog is skipped as long as it drains; one that does not shrink, at most
                    // maxSkippedRedrives rounds in a row.
                    state.rounds = waiting < state.lastWaiting ? 0 : state.rounds + 1
                    state.lastWaiting = waiting
                    return state.rounds < Self.maxSkippedRedrives
                })
            {
                Counter(label: "kiln_redrive_skipped_total", dimensions: [("service", service), ("sweep", stage.rawValue)])
                    .increment()
                logger.info(
                    "re-drive skipped: events still wait in the inbox, so the work requests behind them are queued, not lost",
                    metadata: ["sweep": "\(stage.rawValue)", "amqp.queue": "\(queue)", "amqp.ready": "\(waiting)"])
                return 0
            }
            skipping.withLock { $0 = (rounds: 0, lastWaiting: Int.max) }
            let events = try await pool.withTransaction { conn in
                try await WorkRequestRepository.redrive(stage, olderThan: grace, limit: limit, on: conn)
            }
            if !events.isEmpty {
                relay.wake()
                logger.warning(
                    "work requests re-driven: their event was lost or is slow",
                    metadata: [
                        "sweep": "\(stage.rawValue)", "event": "\(stage.event.rawValue)",
                        "work_requests": "\(events.compactMap(\.workRequestID))",
                    ])
            }
            return events.count
        }
    }

    /// Rounds of one re-drive sweep skipped in a row for a backlog that does not shrink, before it runs anyway.
    public static let maxSkippedRedrives = 3

    /// Messages ready in `queue`, or `nil` when the broker cannot say (a sweep then runs as if there were none).
    /// A do/catch on purpose: `try? await publisher.readyMessages(…)` written in the sweep's `if` crashed the
    /// debug build of Swift 6.3 at run time (a jump to a bad address when the task resumed).
    private static func readyMessages(in queue: String, publisher: AMQPPublisher) async -> Int? {
        do {
            return try await publisher.readyMessages(queue: queue)
        } catch {
            return nil
        }
    }

    /// The sweeper that deletes old `outbox` and `inbox` rows (``MessagePruner``) every
    /// ``MessageRetention/interval``, with the configured retentions. ``services(_:)`` includes it, so every
    /// service prunes and no service has to remember to.
    public func messagePruningSweeper() -> Sweeper {
        let pruner = MessagePruner(
            pool: pool, retention: configuration.messageRetention, service: service, logger: logger)
        return Sweeper(
            service: service, name: "message-retention", interval: MessageRetention.interval, logger: logger,
            logsItems: false
        ) {
            let round = try await pruner.pruneOnce()
            return round.outbox + round.inbox
        }
    }

    /// The service group, in start order: ops server, readiness probe, outbox relay, message pruning, then
    /// `domain` (consumers, sweepers). Shutdown runs in reverse: the domain services drain first, the relay publishes
    /// what they committed, and `/metrics` stays up to the end.
    public func services(_ domain: [any Service]) -> [any Service] {
        [
            OpsServer(
                host: configuration.opsHost, port: configuration.opsPort, readiness: readiness, registry: registry,
                logger: logger),
            ReadinessProbe(publisher: publisher, pool: pool, readiness: readiness, logger: logger),
            RelayService(relay: relay, logger: logger),
            messagePruningSweeper(),
        ] + domain
    }

    /// Runs ``services(_:)`` until SIGTERM/SIGINT and exits.
    public func run(_ domain: [any Service]) async -> Never {
        await ServiceMain.run(services: services(domain), logger: logger)
    }
}
