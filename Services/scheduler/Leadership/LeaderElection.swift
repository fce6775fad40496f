import KilnCore
import Foundation
import KilnRuntime
import Logging
import Metrics
import ServiceLifecycle
import Store
import Synchronization

/// Keeps exactly one scheduler active: the instance holding a session-level PostgreSQL advisory lock (on a
/// connection of its own) runs the ``ActiveScheduler``; the others stand by, trying again every
/// `KILN_SCHEDULER_STANDBY_RETRY`. When the active instance dies its session ends, PostgreSQL frees the lock,
/// and a standby takes over (rebuilding the index from PostgreSQL).
///
/// A standby does not consume `scheduler.inbox` at all (no AMQP consumer exists until the lock is held), so
/// only the active instance acts on events. While active, the instance waits on the lock session's socket:
/// the moment the server ends that session (terminated, restarted) the lock is gone and this instance steps
/// down at once, closes everything of the active role and competes again. Leadership is also fenced: the new
/// active instance starts a new generation (`SchedulerLeadership.claim`), and every write transaction of the
/// active role checks it first (`SchedulerFence`), so an instance that has not noticed yet cannot write.
///
/// Both roles report ready on `/health/ready` (a standby is healthy); `kiln_scheduler_active` is 1 or 0.
final class LeaderElection: Service, Sendable {
    private let runtime: ServiceRuntime
    private let configuration: SchedulerConfiguration
    private let logger: Logger
    private let shuttingDown = Mutex(false)
    private let current = Mutex<ActiveScheduler?>(nil)
    private let pause = WakeSignal()

    init(runtime: ServiceRuntime, configuration: SchedulerConfiguration) {
        self.runtime = runtime
        self.configuration = configuration
        self.logger = runtime.logger
    }

    /// The advisory lock key: per schema, so schedulers of separate Kiln installations (or test schemas)
    /// sharing one database do not exclude each other.
    /// When the URL's `search_path` names no existing schema, `current_schema()` is NULL: the query then
    /// returns NULL instead of taking a lock on a NULL key, and the loop says what is wrong.
    static let tryLockSQL = """
        SELECT CASE WHEN current_schema() IS NULL THEN NULL
                    ELSE pg_try_advisory_lock(hashtext('kiln.scheduler:' || current_schema())) END
        """

    func run() async throws {
        Gauge(label: "kiln_scheduler_active").record(0)
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            self.shuttingDown.withLock { $0 = true }
            self.current.withLock { $0 }?.stop()
            self.pause.signal()
        }
    }

    private var isShuttingDown: Bool { shuttingDown.withLock { $0 } }

    private func loop() async {
        var announcedStandby = false
        while !isShuttingDown && !Task.isCancelled {
            let connection = PGConnection(configuration: runtime.configuration.postgres, logger: logger)
            do {
                try await connection.connect()
                let row = try await connection.query(Self.tryLockSQL).first
                if let row, row.values.first.flatMap({ $0 }) != nil {
                    if try row.decode(Bool.self, at: 0) {
                        announcedStandby = false
                        await runActive(holding: connection)
                    } else if !announcedStandby {
                        logger.notice("standing by: another scheduler instance is active")
                        announcedStandby = true
                    }
                } else {
                    logger.warning(
                        "no schema: the search_path of KILN_POSTGRES_URL names no existing schema; run `kiln migrate` against it; retrying")
                }
            } catch {
                logger.warning("could not try the scheduler lock", metadata: ["error": "\(error)"])
            }
            // Closing the session releases the lock if this instance held it.
            await connection.close()
            if isShuttingDown { break }
            await pause.wait(timeout: configuration.standbyRetry)
        }
    }

    /// Runs the active role until shutdown, until the lock's session ends, until a write finds a newer
    /// generation, or until a component of the role stops for good.
    private func runActive(holding lock: PGConnection) async {
        let generation: Int
        do {
            let lockPID = await lock.backendPID.map(String.init) ?? "?"
            let holder = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier) (lock session \(lockPID))"
            generation = try await runtime.pool.withTransaction { conn in
                try await SchedulerLeadership.claim(holder: holder, on: conn)
            }
        } catch {
            logger.warning("could not start a leadership generation; giving the lock back", metadata: ["error": "\(error)"])
            return
        }
        let fence = SchedulerFence(generation: generation)
        let active = ActiveScheduler(runtime: runtime, configuration: configuration, fence: fence)
        current.withLock { $0 = active }
        defer { current.withLock { $0 = nil } }
        if isShuttingDown { return }
        logger.notice(
            "became the active scheduler (holds the advisory lock); rebuilding the index",
            metadata: ["generation": "\(generation)"])
        Gauge(label: "kiln_scheduler_active").record(1)
        Gauge(label: "kiln_scheduler_generation").record(generation)
        let logger = self.logger
        let reason = await active.run {
            await Self.watch(lock, logger: logger)
        }
        Gauge(label: "kiln_scheduler_active").record(0)
        Counter(label: "kiln_scheduler_step_downs_total").increment()
        logger.notice("no longer the active scheduler", metadata: ["reason": "\(reason)", "generation": "\(generation)"])
    }

    /// Returns as soon as the lock's session ends (the server closed it: terminated, restarted, network), or
    /// when cancelled. It waits on the session's socket, which never reconnects (`waitForNotifications`): a
    /// statement would open a new session silently, and the new session would not hold the lock.
    static func watch(_ lock: PGConnection, logger: Logger) async -> String {
        while !Task.isCancelled {
            do {
                _ = try await lock.waitForNotifications(timeout: .seconds(1))
            } catch {
                logger.error("lost the scheduler lock's session; stepping down", metadata: ["error": "\(error)"])
                return "lock session lost"
            }
        }
        return "stopped"
    }
}
