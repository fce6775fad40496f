/// What the worker host can really do, so `getProvidedWorkerTags` advertises only capabilities that exist
/// (a `worker:cap:sbuild` tag on a host without sbuild would attract builds that then fail).
public struct WorkerHostCapabilities: Hashable, Sendable, Codable {
    /// Commands found on the host's `PATH` (`sbuild`, `autopkgtest`, `mmdebstrap`, `debsign`, …).
    public var installedCommands: Set<String>
    /// Executor backends whose availability check succeeded (never `auto`).
    public var availableExecutors: Set<ExecutorBackend>

    /// Drops `auto` from the executors: it is a choice, not a backend a host can have.
    public init(installedCommands: Set<String> = [], availableExecutors: Set<ExecutorBackend> = []) {
        self.installedCommands = installedCommands
        self.availableExecutors = availableExecutors.subtracting([.auto])
    }

    /// Whether `command` is installed.
    public func has(_ command: String) -> Bool { installedCommands.contains(command) }

    /// The `worker:executor:` tags of the available backends (Debusine `tasks/executors/base.py`
    /// `executor_provided_tags`; the worker reports them once, not per task).
    public var executorTags: Set<String> { Set(availableExecutors.map { TagOntology.executor($0.rawValue) }) }
}
