import KilnCore
import Logging
import Metrics
import ServiceLifecycle

/// Runs a sweep — a query for work stuck in this service's stage, re-driving it — at start and then every
/// interval, because a lost message must delay work, never lose it ("PostgreSQL is the truth; AMQP is the
/// doorbell").
///
/// Each pause is the interval scaled by a random factor in `1 ± jitter`, so replicas started together do
/// not sweep in lockstep. A failing sweep is logged and counted, never fatal: the next one tries again.
/// Metrics: `kiln_sweeps_total{service,sweep,outcome}`, `kiln_sweep_items_total{service,sweep}` and
/// `kiln_sweep_duration_seconds{service,sweep}`. Stops on graceful shutdown (an in-progress sweep is
/// cancelled: its transaction rolls back and the next start redoes it).
public struct Sweeper: Service {
    /// The sweep: re-drives what it finds and returns how many items it re-drove.
    public typealias Sweep = @Sendable () async throws -> Int

    private let service: String
    private let name: String
    private let interval: Duration
    private let jitter: Double
    private let logger: Logger
    private let logsItems: Bool
    private let sweep: Sweep

    /// Creates a sweeper.
    ///
    /// - Parameters:
    ///   - service: for metric dimensions.
    ///   - name: what it sweeps (e.g. `stuck-pending`), for logs and metrics.
    ///   - interval: the average pause between sweeps (`KILN_SWEEP_INTERVAL`).
    ///   - jitter: relative spread of the pause, clamped to 0…1.
    ///   - logsItems: whether a sweep that found items logs "sweep re-drove stuck work"; `false` for a sweep
    ///     that logs what it did itself, in its own words (the ``MessagePruner`` does).
    public init(
        service: String, name: String, interval: Duration, jitter: Double = 0.2, logger: Logger,
        logsItems: Bool = true, sweep: @escaping Sweep
    ) {
        self.service = service
        self.name = name
        self.interval = interval
        self.jitter = min(max(jitter, 0), 1)
        var logger = logger
        logger[metadataKey: "sweep"] = "\(name)"
        self.logger = logger
        self.logsItems = logsItems
        self.sweep = sweep
    }

    /// The pause before the next sweep for a random number in 0..<1 (exposed for tests).
    public func pause(random: Double) -> Duration {
        interval * (1 + jitter * (2 * min(max(random, 0), 1) - 1))
    }

    /// Sweeps at jittered intervals until shutdown, so replicas of a service do not all sweep at once.
    public func run() async throws {
        let this = self
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await this.sweepOnce()
                try? await Task.sleep(for: this.pause(random: Double.random(in: 0..<1)))
            }
        }
    }

    /// Runs the sweep once, recording the outcome; never throws.
    @discardableResult
    public func sweepOnce() async -> Int? {
        let dimensions = [("service", service), ("sweep", name)]
        let started = ContinuousClock.now
        do {
            let items = try await sweep()
            Counter(label: "kiln_sweeps_total", dimensions: dimensions + [("outcome", "ok")]).increment()
            Counter(label: "kiln_sweep_items_total", dimensions: dimensions).increment(by: items)
            Timer(label: "kiln_sweep_duration_seconds", dimensions: dimensions)
                .recordNanoseconds((ContinuousClock.now - started).saturatingNanoseconds)
            if items > 0, logsItems {
                logger.notice("sweep re-drove stuck work", metadata: ["items": "\(items)"])
            } else if logsItems {
                logger.debug("sweep found nothing stuck")
            }
            return items
        } catch is CancellationError {
            return nil
        } catch {
            Counter(label: "kiln_sweeps_total", dimensions: dimensions + [("outcome", "failed")]).increment()
            logger.warning("sweep failed; retried at the next interval", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
