import FileStore
import Foundation
import KilnCore
import KilnTasks

/// The worker side of one task: given the task rebuilt from its assignment (data and inputs restored, no
/// lookups), fetch its inputs, run the real tool and say what to upload and what the result is. The
/// pipeline (``TaskExecutionPipeline``) uploads and reports; runners hold no state between runs.
public protocol WorkerTaskRunner: Sendable {
    /// The task it runs (the registry name).
    static var taskName: String { get }
    /// Commands the worker host needs, for `worker.md` and errors (a missing one makes the run an `error`).
    static var hostCommands: [String] { get }
    /// Runs the task.
    ///
    /// - Throws: `CommandError`, `FileStoreClientError`, `EnvironmentError` (the run is an `error` naming the
    ///   cause); `CancellationError` when aborted.
    func run(_ task: any ExternalTask, context: TaskRunContext) async throws -> TaskRunReport
}

/// Every runner this worker has, by task name: only these tasks are advertised (their `worker:task:` tags),
/// so no work request reaches a worker that cannot really run it.
public enum WorkerTaskRunners {
    /// The runners.
    public static let all: [any WorkerTaskRunner] = [
        LintianRunner(), SbuildRunner(), MmdebstrapRunner(), AutopkgtestRunner(), BlhcRunner(), DebDiffRunner(),
    ]

    /// The runner of `taskName`, if this worker has one.
    public static func runner(for taskName: String) -> (any WorkerTaskRunner)? {
        all.first { type(of: $0).taskName == taskName }
    }

    /// Task names this worker executes for real: `noop` (which needs nothing) and every runner's.
    public static var executable: Set<String> { Set(all.map { type(of: $0).taskName } + [NoopTask.taskName]) }
}

/// Shared steps of the runners.
extension TaskRunContext {
    /// The task's build architecture (its `build_architecture` input, resolved by the server).
    func buildArchitecture(_ task: any ExternalTask) -> String? {
        try? task.inputs.string("build_architecture")
    }

    /// The environment input's artifact id, if the task has one.
    static func environmentID(_ task: any ExternalTask) -> Int? {
        guard task.inputs.field(named: "environment") != nil else { return nil }
        return (try? task.inputs.optionalArtifact("environment"))??.artifactID
    }

    /// The environment tarball of `task` from the cache, with its data.
    func environmentTarball(_ task: any ExternalTask) async throws -> (id: Int, url: URL, data: [String: JSONValue]) {
        guard let id = Self.environmentID(task) else { throw EnvironmentError.required(task: task.taskName) }
        let (url, data) = try await environments.tarball(id, client: fileStore)
        note("environment \(id): \(url.lastPathComponent) (cached by SHA-256)")
        return (id, url, data)
    }

    /// Runs `body` in the task's environment unpacked (``UnshareInstance``), with the download and output
    /// folders visible inside; the instance is removed afterwards, whatever happens.
    func withInstance<Result: Sendable>(
        _ task: any ExternalTask, _ body: (UnshareInstance) async throws -> Result
    ) async throws -> Result {
        let (id, tarball, _) = try await environmentTarball(task)
        let instance = try await UnshareInstance.start(
            tarball: tarball, environmentID: id, in: directory.appendingPathComponent("instance"),
            binds: [downloads, outputs], context: self)
        statistics.setInstanceRoot(instance.root)
        defer { statistics.setInstanceRoot(nil) }
        do {
            let result = try await body(instance)
            await instance.stop(context: self)
            return result
        } catch {
            await instance.stop(context: self)
            throw error
        }
    }

    /// Installs `packages` in a started environment with APT (Debusine's lintian and blhc install their tool
    /// in the instance as root, `apt-get --yes install`).
    ///
    /// - Throws: `CommandError` naming the packages when APT fails (the task log has its output).
    func install(_ packages: [String], in instance: UnshareInstance) async throws {
        let command = "apt-get -q update && apt-get -q -y --no-install-recommends install " + packages.joined(separator: " ")
        let installed = try await run(instance.command(["sh", "-c", command], in: outputs, timeout: .seconds(1800)))
        guard case .exited(0) = installed else {
            throw CommandError.cannotStart(
                packages.joined(separator: ", "), reason: "installing it in the environment failed (see the task log)")
        }
    }

    /// Writes `text` to `output/<name>` and returns its URL.
    func writeOutput(_ name: String, _ text: String) throws -> URL {
        let url = outputs.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Relations `relates-to` every input fetched so far.
    func relatesToInputs() -> [(ArtifactRelationType, OutputArtifact.Target)] {
        fetchedArtifactIDs.map { (.relatesTo, .artifact($0)) }
    }
}

