/// How many of each process a ``KilnStack`` starts, and the settings they all share.
struct StackOptions: Sendable {
    var lookupResolvers = 1
    var tagComputers = 1
    var schedulers = 1
    var gateways = 1
    /// Added to every service's environment (e.g. `KILN_FALLBACK_ARCHITECTURE` for the lookup-resolver and
    /// the tag-computer, which must agree on it).
    var serviceEnvironment: [String: String] = [:]

    /// Fast timers so a test never waits for a production-sized interval; the worker silence and the lease
    /// are long so a worker stopped on purpose (SIGSTOP) keeps its assignments until the test decides.
    static let fastTimers: [String: String] = [
        "KILN_SWEEP_INTERVAL": "2s", "KILN_SCHEDULER_TICK": "200ms", "KILN_LEASE_CHECK_INTERVAL": "500ms",
        "KILN_SCHEDULER_STANDBY_RETRY": "300ms", "KILN_WORKER_HEARTBEAT": "1s", "KILN_WORKER_SILENCE": "60s",
        "KILN_LEASE_DURATION": "120s", "KILN_STARTUP_TIMEOUT": "30s", "KILN_LOG_LEVEL": "info",
    ]
}
