import KilnRuntime

/// The scheduler: matching, assignment, priorities, leases, dependencies and the scheduler's own work
/// (deploy/docs/services/scheduler.md). One instance is active at a time (``LeaderElection``).
@main
enum SchedulerMain {
    static func main() async {
        let runtime = await ServiceBootstrap.start(service: "scheduler", settings: SchedulerSettings.all)
        let configuration = runtime.setting { try SchedulerConfiguration(environment: $0) }
        await runtime.run([LeaderElection(runtime: runtime, configuration: configuration)])
    }
}
