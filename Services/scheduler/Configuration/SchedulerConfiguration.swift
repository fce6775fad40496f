import ServiceKit
import KilnRuntime

/// The scheduler's own settings (the runtime's are in `RuntimeSettings`), with their defaults.
enum SchedulerSettings {
    /// `KILN_LEASE_DURATION`, shared with the worker-gateway (see `RuntimeSettings.leaseDuration`).
    static let leaseDuration = RuntimeSettings.leaseDuration
    /// How often expired leases are looked for.
    static let leaseCheckInterval = Setting(
        "KILN_LEASE_CHECK_INTERVAL", default: "5s", help: "pause between checks for expired leases, 100ms to 10m")
    /// The periodic scheduling round, on top of the rounds events trigger.
    static let tick = Setting(
        "KILN_SCHEDULER_TICK", default: "1s",
        help: "pause between scheduling rounds when no event arrives (also due delay tasks), 10ms to 1m")
    /// Proposals committed per transaction.
    static let batchSize = Setting(
        "KILN_SCHEDULER_BATCH_SIZE", default: "500", help: "assignments committed per transaction, 1 to 10000")
    /// How often a standby tries to take the advisory lock.
    static let standbyRetry = Setting(
        "KILN_SCHEDULER_STANDBY_RETRY", default: "1s",
        help: "pause between a standby's attempts to become the active scheduler, 100ms to 1m")

    /// Every scheduler setting, for the start-up log line and the docs.
    static let all = [leaseDuration, leaseCheckInterval, tick, batchSize, standbyRetry]
}

/// The scheduler's checked settings.
struct SchedulerConfiguration: Sendable {
    /// `KILN_LEASE_DURATION`.
    var leaseDuration: Duration
    /// `KILN_LEASE_CHECK_INTERVAL`.
    var leaseCheckInterval: Duration
    /// `KILN_SCHEDULER_TICK`.
    var tick: Duration
    /// `KILN_SCHEDULER_BATCH_SIZE`.
    var batchSize: Int
    /// `KILN_SCHEDULER_STANDBY_RETRY`.
    var standbyRetry: Duration

    /// Reads and checks every scheduler setting; the error names the first bad variable.
    init(environment: EnvironmentReader) throws {
        leaseDuration = try environment.duration(SchedulerSettings.leaseDuration, in: .seconds(5) ... .seconds(86_400))
        leaseCheckInterval = try environment.duration(
            SchedulerSettings.leaseCheckInterval, in: .milliseconds(100) ... .seconds(600))
        tick = try environment.duration(SchedulerSettings.tick, in: .milliseconds(10) ... .seconds(60))
        batchSize = try environment.int(SchedulerSettings.batchSize, in: 1...10_000)
        standbyRetry = try environment.duration(SchedulerSettings.standbyRetry, in: .milliseconds(100) ... .seconds(60))
    }
}
