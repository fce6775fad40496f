import AMQP
import Logging
import Metrics
import Store
import Synchronization

/// What a consumer does with a delivery whose transaction failed because PostgreSQL went away: it keeps
/// the delivery (unacked, so not counted toward the queue's delivery limit, which is for poison messages),
/// probes the database with backoff until it answers, and then applies the delivery again. Shared by the
/// services' ``EventConsumer`` and the worker-gateway's worker-message consumer, so a one-second database
/// restart dead-letters neither events nor workers' results (deploy/docs/runtime.md, "Database outages").
public final class DatabaseOutageHold: Sendable {
    private let service: String
    private let probe: @Sendable () async throws -> Void
    private let backoff: Backoff
    private let logger: Logger
    /// Processors waiting out the outage: one log line and one gauge change per outage, not per delivery.
    private let holding = Mutex(0)

    /// - Parameters:
    ///   - service: the `service` label of `kiln_consumer_database_unreachable`.
    ///   - pool: probed with `SELECT 1` unless `probe` is given (tests inject outages).
    ///   - backoff: pauses between probes.
    public init(
        service: String, pool: PGPool, backoff: Backoff, probe: (@Sendable () async throws -> Void)? = nil,
        logger: Logger
    ) {
        self.service = service
        self.probe = probe ?? { [pool] in _ = try await pool.query("SELECT 1") }
        self.backoff = backoff
        self.logger = logger
    }

    /// Pauses between probes unless a consumer says otherwise: 250 ms doubling to 5 s.
    public static let defaultBackoff = Backoff(initial: .milliseconds(250), maximum: .seconds(5))

    /// Whether some delivery is being held now.
    public var isHolding: Bool { holding.withLock { $0 > 0 } }

    /// Failures expected to go away by themselves: a lost or refused connection, a conflict, a shutdown.
    /// Everything else is the message's problem or a bug, and is requeued (the delivery limit bounds it).
    public static func isTransient(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        if let error = error as? PGError {
            switch error {
            case .connectionLost, .connectionFailed, .poolClosed: return true
            default:
                if error.isRetryable { return true }
                switch error.code {
                case .adminShutdown?, .lockNotAvailable?, .queryCanceled?: return true
                default: return false
                }
            }
        }
        return false
    }

    /// After a failure: when it is transient and the database does not answer, waits (backing off) until it
    /// does and returns `true` — apply the delivery again, the failure was not its fault. Returns `false` at
    /// once for any other failure, when the database answers (the failure may be the message's: requeue
    /// it), or when `isStopping` says the consumer is stopping.
    public func waitedOut(after error: any Error, isStopping: () -> Bool, logger: Logger) async -> Bool {
        guard Self.isTransient(error), !(error is CancellationError) else { return false }
        if (try? await probe()) != nil { return false }
        let first = holding.withLock { count -> Bool in
            count += 1
            return count == 1
        }
        Gauge(label: "kiln_consumer_database_unreachable", dimensions: [("service", service)]).record(1)
        if first {
            self.logger.warning(
                "database unreachable: holding deliveries (unacked, not counted toward the delivery limit) until it answers",
                metadata: ["error": "\(error)"])
        }
        defer {
            let last = holding.withLock { count -> Bool in
                count -= 1
                return count == 0
            }
            if last {
                Gauge(label: "kiln_consumer_database_unreachable", dimensions: [("service", service)]).record(0)
                self.logger.notice("database answers again: applying the held deliveries")
            }
        }
        var backoff = self.backoff
        while !Task.isCancelled && !isStopping() {
            try? await Task.sleep(for: backoff.next(random: Double.random(in: 0..<1)))
            if (try? await probe()) != nil {
                logger.info("delivery held through a database outage; applying it again")
                return true
            }
        }
        return false
    }
}
