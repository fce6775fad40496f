import KilnRuntime

/// The scheduler: matching, assignment, priorities, leases, dependencies and the scheduler's own work
/// (deploy/docs/services/scheduler.md). One instance is active at a time (``LeaderElection``).
public enum SchedulerMain {
    static let about = """
        Assigns pending work requests to idle workers whose tags fit, by priority and age; owns leases, \
        dependencies and the retry after a worker failure. One instance is active at a time (a PostgreSQL \
        advisory lock); others wait as standbys. See deploy/docs/services/scheduler.md.
        """

    /// The executable's whole life: settings, connections, services, until SIGTERM (its `main.swift` calls this).
    public static func main() async {
        let runtime = await ServiceBootstrap.start(
            service: "scheduler", about: about, settings: SchedulerSettings.all)
        let configuration = runtime.setting { try SchedulerConfiguration(environment: $0) }
        await runtime.run([LeaderElection(runtime: runtime, configuration: configuration)])
    }
}
