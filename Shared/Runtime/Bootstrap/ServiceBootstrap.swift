import AMQP
import Foundation
import KilnCore
import Logging
import Prometheus
import ServiceKit
import Store

/// The common start-up of a Kiln executable:
///
/// 0. answer `--help`, `--help-env` and `--version`, refuse any other argument (``ServiceCommandLine``),
///    before touching the environment or the network;
/// 1. read every setting (``RuntimeSettings/all`` plus the service's own); a bad or missing one prints one
///    line naming the variable and exits 78 (`EX_CONFIG`);
/// 2. bootstrap logging and metrics, and log the effective configuration once, secrets redacted;
/// 3. connect to PostgreSQL and RabbitMQ, retrying with backoff up to `KILN_STARTUP_TIMEOUT` (Podman
///    ignores compose's `depends_on` health conditions, so a service often starts before its servers),
///    declaring the Kiln topology on the broker; exit 1 if they stay unreachable;
/// 4. hand back a ``ServiceRuntime`` that builds the consumers, relay, sweepers and the service group.
///
/// ```swift
/// let runtime = await ServiceBootstrap.start(service: "scheduler", about: "Assigns pending work requests …")
/// let consumer = runtime.eventConsumer(queues: KilnTopology.scheduler, batched: true) { context, conn in … }
/// await runtime.run([consumer, runtime.sweeper(name: "stuck-pending") { try await resweep() }])
/// ```
public enum ServiceBootstrap {
    /// Runs steps 1–3 and returns the runtime, or exits the process.
    ///
    /// - Parameters:
    ///   - service: the service name.
    ///   - about: what the service does, for `--help` (a short paragraph; where its page is).
    ///   - settings: the service's own settings (logged with the others; read them with
    ///     ``ServiceRuntime/setting(_:)``).
    ///   - topology: what to declare (default: all of Kiln's, with this service's retired bindings removed:
    ///     ``KilnTopology/declared(by:)``).
    ///   - environment: the process environment unless a test passes its own.
    public static func start(
        service: String, about: String, settings: [Setting] = [], topology: Topology? = nil,
        environment: EnvironmentReader = EnvironmentReader()
    ) async -> ServiceRuntime {
        ServiceCommandLine.handle(executable: service, about: about, settings: RuntimeSettings.all + settings)
        let configuration: RuntimeConfiguration
        do {
            configuration = try RuntimeConfiguration(service: service, environment: environment)
            try LoggingBootstrap.bootstrap(service: service, environment: environment)
        } catch {
            ServiceMain.failConfiguration(error, service: service)
        }
        let registry = MetricsBootstrap.bootstrap()
        let logger = Logger(label: "kiln.\(service)")
        logger.notice(
            "starting with configuration",
            metadata: environment.describe(RuntimeSettings.all + settings).mapValues { .string($0) })
        do {
            return try await connect(
                configuration: configuration, topology: topology ?? KilnTopology.declared(by: service),
                environment: environment, registry: registry,
                logger: logger)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// Step 3 alone (tests, tools): connects both servers with retries, declares `topology`, marks
    /// readiness, and returns the runtime.
    ///
    /// - Throws: ``StartupError`` when a server stays unreachable for `configuration.startupTimeout` or
    ///   refuses us for good; `CancellationError`.
    public static func connect(
        configuration: RuntimeConfiguration, topology: Topology = KilnTopology.all,
        environment: EnvironmentReader = EnvironmentReader(), registry: PrometheusCollectorRegistry? = nil,
        logger: Logger
    ) async throws -> ServiceRuntime {
        let readiness = Readiness(conditions: [ReadinessProbe.broker, ReadinessProbe.database])
        let pool = PGPool(configuration: configuration.postgres, size: configuration.postgresPoolSize, logger: logger)
        let publisher = AMQPPublisher(configuration: configuration.amqp, topology: topology, logger: logger)
        let deadline = ContinuousClock.now + configuration.startupTimeout
        do {
            try await retry("PostgreSQL at \(configuration.postgres.redactedURL)", until: deadline, configuration: configuration, logger: logger) {
                try await pool.query("SELECT 1")
            } isPermanent: { _ in false }
            readiness.set(ReadinessProbe.database, true)
            try await retry("RabbitMQ at \(configuration.amqp.urls.map(\.description).joined(separator: ", "))", until: deadline, configuration: configuration, logger: logger) {
                try await publisher.connect()
            } isPermanent: { error in
                (error as? AMQPError).map { !$0.isRecoverableByReconnecting } ?? false
            }
            readiness.set(ReadinessProbe.broker, true)
        } catch {
            await pool.close()
            await publisher.close()
            throw error
        }
        logger.info("connected to PostgreSQL and RabbitMQ; topology declared")
        return ServiceRuntime(
            configuration: configuration, environment: environment, topology: topology, pool: pool,
            publisher: publisher, readiness: readiness, registry: registry, logger: logger)
    }

    /// Calls `attempt` until it succeeds, backing off between failures, until `deadline`.
    static func retry(
        _ what: String, until deadline: ContinuousClock.Instant, configuration: RuntimeConfiguration, logger: Logger,
        _ attempt: () async throws -> Void, isPermanent: (any Error) -> Bool
    ) async throws {
        var backoff = Backoff(initial: .milliseconds(250), maximum: .seconds(5))
        while true {
            do {
                try await attempt()
                return
            } catch {
                if error is CancellationError { throw error }
                if isPermanent(error) { throw StartupError.refused(what: what, error: "\(error)") }
                let delay = backoff.next()
                guard ContinuousClock.now + delay < deadline else {
                    throw StartupError.unreachable(what: what, after: configuration.startupTimeout, lastError: "\(error)")
                }
                logger.warning(
                    "waiting for \(what)",
                    metadata: ["error": "\(error)", "retry_in_ms": "\(delay.wholeMilliseconds)", "attempt": "\(backoff.attempt)"])
                try await Task.sleep(for: delay)
            }
        }
    }
}
