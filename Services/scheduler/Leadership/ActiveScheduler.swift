import Foundation
import KilnCore
import KilnRuntime
import Logging
import Metrics
import Store

/// Everything the active instance runs: the engine (index + assignment loop), the `scheduler.inbox`
/// consumer, and two sweeps — expired leases and the scheduler's own internal/wait work (which also
/// completes delay tasks when they fall due).
final class ActiveScheduler: Sendable {
    private let runtime: ServiceRuntime
    private let configuration: SchedulerConfiguration
    private let engine: SchedulerEngine
    /// One per lane of `scheduler.inbox` / `scheduler.capacity`.
    private let consumers: [EventConsumer]
    private let leaseSweeper: Sweeper
    private let internalWorkSweeper: Sweeper
    private let fence: SchedulerFence

    init(runtime: ServiceRuntime, configuration: SchedulerConfiguration, fence: SchedulerFence) {
        self.runtime = runtime
        self.configuration = configuration
        self.fence = fence
        let relay = runtime.relay
        let engine = SchedulerEngine(
            pool: runtime.pool, configuration: configuration, sweepInterval: runtime.configuration.sweepInterval,
            fence: fence, logger: runtime.logger, afterCommit: { relay.wake() })
        self.engine = engine
        // Once per transaction: the check's share lock lasts until the batch commits.
        let handlers = SchedulerEventHandler.handlers(engine: engine).preceded { context, conn in
            if context.cache.isFirst("leadership-fence") { try await fence.check(on: conn) }
        }
        // Two lanes: completions, aborts and worker changes (capacity) never wait behind new pending work.
        consumers = [KilnTopology.scheduler, KilnTopology.schedulerCapacity].map { lane in
            EventConsumer(
                queues: lane, amqp: runtime.configuration.amqp, topology: runtime.topology,
                pool: runtime.pool, deadLetterPublisher: runtime.publisher,
                options: runtime.consumerOptions(batched: true), logger: runtime.logger,
                afterCommit: {
                    relay.wake()
                    engine.wake.signal()
                },
                handlers: handlers)
        }
        let pool = runtime.pool
        let logger = runtime.logger
        leaseSweeper = Sweeper(
            service: runtime.service, name: "expired-leases", interval: configuration.leaseCheckInterval, jitter: 0.1,
            logger: logger
        ) {
            try await Self.expireLeases(pool: pool, engine: engine, fence: fence, logger: logger, relay: relay)
        }
        internalWorkSweeper = Sweeper(
            service: runtime.service, name: "internal-work", interval: configuration.tick, jitter: 0.1, logger: logger
        ) {
            try await Self.runInternalWork(pool: pool, fence: fence, logger: logger, relay: relay)
        }
    }

    /// Stops taking events and ends the engine's loop (graceful shutdown).
    func stop() {
        for consumer in consumers { consumer.stop() }
        engine.stop()
    }

    /// Runs every part until `monitor` returns (the lock is lost, or shutdown stopped it) or a part ends,
    /// then stops the rest and waits for them. Returns why it ended.
    func run(monitor: @escaping @Sendable () async -> String) async -> String {
        let engine = self.engine
        let consumers = self.consumers
        let leaseSweeper = self.leaseSweeper
        let internalWorkSweeper = self.internalWorkSweeper
        let logger = runtime.logger
        return await withTaskGroup(of: String.self) { group in
            group.addTask {
                await engine.run()
                return "engine stopped"
            }
            for consumer in consumers {
                group.addTask {
                    do {
                        try await consumer.run()
                        return "consumer stopped"
                    } catch {
                        logger.error("event consumer failed", metadata: ["error": "\(error)"])
                        return "consumer failed"
                    }
                }
            }
            group.addTask {
                try? await leaseSweeper.run()
                return "lease sweeper stopped"
            }
            group.addTask {
                try? await internalWorkSweeper.run()
                return "internal work sweeper stopped"
            }
            group.addTask { await monitor() }
            group.addTask { [fence] in
                await fence.waitUntilDeposed()
                return "deposed: a newer scheduler generation is active"
            }
            let first = await group.next() ?? "stopped"
            for consumer in consumers { consumer.stop() }
            engine.stop()
            group.cancelAll()
            await group.waitForAll()
            return first
        }
    }

    // MARK: Sweeps

    /// Handles every expired lease, one transaction each (a failing one does not hold back the others).
    static func expireLeases(
        pool: PGPool, engine: SchedulerEngine, fence: SchedulerFence, logger: Logger, relay: OutboxRelay
    ) async throws -> Int {
        let leases = try await pool.withConnection { conn in try await WorkRequestRepository.expiredLeases(limit: 200, on: conn) }
        var handled = 0
        for lease in leases {
            do {
                let outcome = try await pool.withTransaction { conn in
                    try await fence.check(on: conn)
                    return try await LeaseExpiry.handle(lease, at: Date(), on: conn)
                }
                handled += 1
                Counter(label: "kiln_scheduler_leases_expired_total", dimensions: [("outcome", outcome.rawValue)]).increment()
                logger.notice(
                    "lease expired",
                    metadata: [
                        "wr.id": "\(lease.workRequestID)", "worker": "\(lease.workerID)", "epoch": "\(lease.epoch)",
                        "outcome": "\(outcome.rawValue)",
                    ])
                engine.dirty.workRequestChanged(lease.workRequestID)
                engine.dirty.workerChanged(lease.workerID)
            } catch {
                logger.warning(
                    "could not handle an expired lease; retried next sweep",
                    metadata: ["wr.id": "\(lease.workRequestID)", "error": "\(error)"])
            }
        }
        if handled > 0 {
            relay.wake()
            engine.wake.signal()
        }
        return handled
    }

    /// Runs the internal and wait work that is due, one transaction per work request.
    static func runInternalWork(pool: PGPool, fence: SchedulerFence, logger: Logger, relay: OutboxRelay) async throws -> Int {
        let ids = try await pool.withConnection { conn in try await WorkRequestRepository.internalWorkCandidates(limit: 500, on: conn) }
        var handled = 0
        for id in ids {
            do {
                let outcome = try await pool.withTransaction { conn in
                    try await fence.check(on: conn)
                    return try await InternalWork.handle(id, at: Date(), on: conn)
                }
                guard outcome != .nothingToDo && outcome != .missing else { continue }
                handled += 1
                logger.info("internal work request handled", metadata: ["wr.id": "\(id)", "outcome": "\(outcome)"])
            } catch {
                logger.warning(
                    "could not handle an internal work request; retried next sweep",
                    metadata: ["wr.id": "\(id)", "error": "\(error)"])
            }
        }
        if handled > 0 { relay.wake() }
        return handled
    }
}
