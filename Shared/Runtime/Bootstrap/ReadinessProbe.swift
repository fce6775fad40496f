import AMQP
import Logging
import ServiceKit
import ServiceLifecycle
import Store

/// Keeps `/health/ready` true to the connections: every few seconds it services the publisher's
/// heartbeats (dropping a dead connection), reconnects it if needed, and runs `SELECT 1`, setting the
/// "broker" and "database" conditions of ``Readiness``. A state change is logged once, not every probe.
public struct ReadinessProbe: Service {
    /// The readiness condition for RabbitMQ.
    public static let broker = "broker"
    /// The readiness condition for PostgreSQL.
    public static let database = "database"

    private let publisher: AMQPPublisher
    private let pool: PGPool
    private let readiness: Readiness
    private let interval: Duration
    private let logger: Logger

    /// Creates a probe; `interval` is also how often the publisher's heartbeats are serviced, so keep it
    /// below a quarter of the AMQP heartbeat.
    public init(publisher: AMQPPublisher, pool: PGPool, readiness: Readiness, interval: Duration = .seconds(5), logger: Logger) {
        self.publisher = publisher
        self.pool = pool
        self.readiness = readiness
        self.interval = interval
        self.logger = logger
    }

    /// Probes every `interval` until shutdown, logging only changes, so a flapping broker shows up once per flip.
    public func run() async throws {
        let this = self
        await cancelWhenGracefulShutdown {
            var last: (broker: Bool?, database: Bool?) = (nil, nil)
            while !Task.isCancelled {
                let state = await this.probeOnce()
                if state.broker != last.broker {
                    this.logger.log(level: state.broker ? .info : .warning, "broker \(state.broker ? "reachable" : "unreachable")")
                }
                if state.database != last.database {
                    this.logger.log(level: state.database ? .info : .warning, "database \(state.database ? "reachable" : "unreachable")")
                }
                last = (state.broker, state.database)
                try? await Task.sleep(for: this.interval)
            }
        }
    }

    /// Probes both and updates the readiness conditions.
    @discardableResult
    public func probeOnce() async -> (broker: Bool, database: Bool) {
        await publisher.serviceHeartbeats()
        let broker: Bool
        do {
            try await publisher.connect()
            broker = true
        } catch {
            broker = false
        }
        let database = (try? await pool.query("SELECT 1")) != nil
        readiness.set(Self.broker, broker)
        readiness.set(Self.database, database)
        return (broker, database)
    }
}
