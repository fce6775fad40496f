import AMQP
import Foundation
import ServiceKit
import Store

/// The settings every Kiln service reads, with their defaults (the local runner's servers) and meaning.
/// The README's configuration table is generated from the same list.
public enum RuntimeSettings {
    /// The broker.
    public static let amqpURL = Setting(
        "KILN_AMQP_URL", default: "amqp://kiln:kiln@127.0.0.1:56720/kiln",
        help: "RabbitMQ URL amqp://user:password@host:port/vhost (vhost percent-encoded; / is %2f)", secret: true)
    /// The database.
    public static let postgresURL = Setting(
        "KILN_POSTGRES_URL", default: "postgresql://kiln:kiln@127.0.0.1:55432/kiln",
        help: "PostgreSQL URL postgresql://user:password@host:port/database", secret: true)
    /// Transactions at once.
    public static let concurrency = Setting(
        "KILN_SERVICE_CONCURRENCY", default: "8",
        help: "event transactions run at once by this process, 1 to 1000")
    /// Events per transaction.
    public static let batchSize = Setting(
        "KILN_SERVICE_BATCH", default: "32",
        help: "events one transaction applies at most when they are waiting (lookup-resolver, tag-computer, "
            + "scheduler; the worker-gateway applies one at a time); the AMQP prefetch is this times "
            + "KILN_SERVICE_CONCURRENCY, 1 to 1000")
    /// The sweeper's interval.
    public static let sweepInterval = Setting(
        "KILN_SWEEP_INTERVAL", default: "30s",
        help: "average pause between sweeps for work stuck in this service's stage, 1s to 1h")
    /// Database sessions.
    public static let postgresPoolSize = Setting(
        "KILN_POSTGRES_POOL_SIZE", default: "4", help: "PostgreSQL connections this process opens at most, 1 to 64")
    /// Start-up patience.
    public static let startupTimeout = Setting(
        "KILN_STARTUP_TIMEOUT", default: "120s",
        help: "how long to keep retrying PostgreSQL and RabbitMQ at start before exiting, 1s to 1h")
    /// How long published `outbox` rows are kept (see ``MessageRetention/outbox``).
    public static let outboxRetention = Setting(
        "KILN_OUTBOX_RETENTION", default: "24h",
        help: "how long published outbox rows are kept before they are deleted (unpublished rows never are), 1m to 8760h")
    /// How long `inbox` de-duplication rows are kept (see ``MessageRetention/inbox``).
    public static let inboxRetention = Setting(
        "KILN_INBOX_RETENTION", default: "168h",
        help: "how long inbox rows (message ids already applied) are kept before they are deleted; a duplicate "
            + "redelivered later is applied again, so keep it above the longest outage you want covered, 1h to 8760h")

    /// How long an assignment lasts without word from its worker. One setting for two services on purpose:
    /// the scheduler grants a lease this long at assignment and the worker-gateway pushes it this far on each
    /// heartbeat; if they disagreed, a worker could lose work between two heartbeats it did send.
    public static let leaseDuration = Setting(
        "KILN_LEASE_DURATION", default: "120s",
        help: "lifetime of an assignment's lease: granted by the scheduler, renewed by each worker heartbeat at the "
            + "worker-gateway; a worker silent this long loses the work request; set it alike for both, 5s to 1d")
    /// How long a work request may wait in a stage before a re-drive sweep sends its event again
    /// (`RedriveStage`): one value for every stage and service.
    public static let redriveGrace = Setting(
        "KILN_REDRIVE_GRACE", default: "60s",
        help: "how long a work request may wait in a pipeline stage (inputs, configuration, dynamic data, "
            + "dispatch) before a sweep re-sends its event, 1s to 1h")
    /// Work requests one re-drive sweep takes at most.
    public static let sweepBatch = Setting(
        "KILN_SWEEP_BATCH", default: "500", help: "work requests one re-drive sweep takes at most, 1 to 10000")

    /// Every runtime setting, then the ops and log settings.
    public static let all: [Setting] =
        [amqpURL, postgresURL, concurrency, batchSize, sweepInterval, redriveGrace, sweepBatch, postgresPoolSize,
         startupTimeout, outboxRetention, inboxRetention]
        + OpsServer.settings + LoggingBootstrap.settings
}

/// The effective runtime configuration of one service process.
public struct RuntimeConfiguration: Sendable, Hashable {
    /// The service name (`app_id`, inbox consumer name, log `service`).
    public var service: String
    /// The broker connection, from `KILN_AMQP_URL`.
    public var amqp: AMQPConnectionConfiguration
    /// The database connection, from `KILN_POSTGRES_URL`, tagged with the service as `application_name`.
    public var postgres: PGConfiguration
    /// Event transactions run at once (`KILN_SERVICE_CONCURRENCY`).
    public var concurrency: Int
    /// Events one transaction applies at most, in the services whose handlers batch (`KILN_SERVICE_BATCH`).
    public var batchSize: Int
    /// Average pause between sweeps (`KILN_SWEEP_INTERVAL`): the bound on how long a lost message delays work.
    public var sweepInterval: Duration
    /// How long a work request waits in a stage before a re-drive sweep acts (`KILN_REDRIVE_GRACE`).
    public var redriveGrace: Duration
    /// Work requests one re-drive sweep takes at most (`KILN_SWEEP_BATCH`).
    public var sweepBatch: Int
    /// PostgreSQL connections this process opens at most (`KILN_POSTGRES_POOL_SIZE`).
    public var postgresPoolSize: Int
    /// How long start-up keeps retrying the broker and the database before exiting (`KILN_STARTUP_TIMEOUT`).
    public var startupTimeout: Duration
    /// How long old `outbox` and `inbox` rows are kept (`KILN_OUTBOX_RETENTION`, `KILN_INBOX_RETENTION`).
    public var messageRetention: MessageRetention
    /// The address the ops HTTP server binds (`KILN_OPS_HOST`).
    public var opsHost: String
    /// The port of the health and metrics endpoints (`KILN_OPS_PORT`).
    public var opsPort: Int

    /// Reads and checks every runtime setting.
    ///
    /// - Throws: `ConfigurationError` naming the first bad variable (a bad URL's message says what is wrong
    ///   with it, password masked).
    public init(service: String, environment: EnvironmentReader) throws(ConfigurationError) {
        do {
            self.service = service
            let amqpText = try environment.serverURL(RuntimeSettings.amqpURL)
            do {
                amqp = try AMQPConnectionConfiguration(url: amqpText)
            } catch {
                if case .invalidURL(let masked, let reason) = error {
                    throw ConfigurationError.invalid(
                        variable: RuntimeSettings.amqpURL.name, value: masked,
                        expected: "an amqp://user:password@host:port/vhost URL (\(reason))")
                }
                throw ConfigurationError.invalid(
                    variable: RuntimeSettings.amqpURL.name, value: EnvironmentReader.redact(amqpText),
                    expected: "an amqp:// URL (\(error))")
            }
            let postgresText = try environment.serverURL(RuntimeSettings.postgresURL)
            try Self.checkPostgresURL(postgresText)
            postgresPoolSize = try environment.int(RuntimeSettings.postgresPoolSize, in: 1...64)
            postgres = PGConfiguration(url: postgresText, applicationName: service)
            concurrency = try environment.int(RuntimeSettings.concurrency, in: 1...1000)
            batchSize = try environment.int(RuntimeSettings.batchSize, in: 1...1000)
            sweepInterval = try environment.duration(RuntimeSettings.sweepInterval, in: .seconds(1) ... .seconds(3600))
            startupTimeout = try environment.duration(RuntimeSettings.startupTimeout, in: .seconds(1) ... .seconds(3600))
            redriveGrace = try environment.duration(RuntimeSettings.redriveGrace, in: .seconds(1) ... .seconds(3600))
            sweepBatch = try environment.int(RuntimeSettings.sweepBatch, in: 1...10_000)
            messageRetention = MessageRetention(
                outbox: try environment.duration(RuntimeSettings.outboxRetention, in: MessageRetention.outboxRange),
                inbox: try environment.duration(RuntimeSettings.inboxRetention, in: MessageRetention.inboxRange))
            opsHost = try environment.string(OpsServer.settings[0])
            opsPort = try environment.int(OpsServer.settings[1], in: 1...65535)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError.invalid(variable: "(unknown)", value: "", expected: "\(error)")
        }
    }

    private static func checkPostgresURL(_ text: String) throws(ConfigurationError) {
        let variable = RuntimeSettings.postgresURL.name
        let shown = EnvironmentReader.redact(text)
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw .invalid(variable: variable, value: shown, expected: "a postgresql:// URL (not a URL)")
        }
        guard scheme == "postgresql" || scheme == "postgres" else {
            throw .invalid(
                variable: variable, value: shown,
                expected: "a postgresql:// URL (unsupported scheme '\(scheme)')")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw .invalid(variable: variable, value: shown, expected: "a postgresql:// URL (port \(port) is outside 1…65535)")
        }
    }
}
