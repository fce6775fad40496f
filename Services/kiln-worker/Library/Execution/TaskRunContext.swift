import FileStore
import Foundation
import KilnCore
import Logging
import Synchronization

/// An input artifact on the worker's disk: its data, and its complete files by path.
public struct DownloadedArtifact: Sendable {
    /// The artifact id.
    public var id: Int
    /// Its category.
    public var category: String
    /// Its data.
    public var data: [String: JSONValue]
    /// Path in the artifact → local file.
    public var files: [String: URL]

    /// The local files whose artifact path ends with `suffix`, in path order.
    public func files(endingWith suffix: String) -> [URL] {
        files.keys.sorted().filter { $0.hasSuffix(suffix) }.map { files[$0]! }
    }
}

/// An artifact a task wants uploaded once it has run, with its relations.
public struct OutputArtifact: Sendable {
    /// Where a relation points.
    public enum Target: Hashable, Sendable {
        /// An input artifact, by id.
        case artifact(Int)
        /// Another output of the same run, by its index in ``TaskRunReport/outputs``.
        case output(Int)
    }

    /// Category.
    public var category: String
    /// Data.
    public var data: [String: JSONValue]
    /// Path in the artifact → local file.
    public var files: [String: URL]
    /// `(type, target)` relations from this artifact.
    public var relations: [(ArtifactRelationType, Target)]

    /// Memberwise.
    public init(
        category: String, data: [String: JSONValue], files: [String: URL],
        relations: [(ArtifactRelationType, Target)] = []
    ) {
        self.category = category
        self.data = data
        self.files = files
        self.relations = relations
    }
}

/// What a task run decided: its result, a message for failures and errors, and what to upload.
public struct TaskRunReport: Sendable {
    /// The result.
    public var result: TaskOutcome.Result
    /// Why, for anything but success.
    public var message: String?
    /// The artifacts to upload (in order; relations may point at earlier or later ones).
    public var outputs: [OutputArtifact]

    /// Memberwise.
    public init(_ result: TaskOutcome.Result, message: String? = nil, outputs: [OutputArtifact] = []) {
        self.result = result
        self.message = message
        self.outputs = outputs
    }
}

/// Everything a task's execution may use on the worker: its folders, its log, the file store (for its inputs
/// only, by the ids saved in its dynamic data: no lookups), the environment cache and the command runner.
public final class TaskRunContext: Sendable {
    /// The work request.
    public let workRequestID: Int
    /// The work request's own folder (removed after the run).
    public let directory: URL
    /// Where inputs are downloaded (`download/<artifact id>/<path>`).
    public var downloads: URL { directory.appendingPathComponent("download", isDirectory: true) }
    /// Where the task writes what it uploads.
    public var outputs: URL { directory.appendingPathComponent("output", isDirectory: true) }
    /// The task's log: every command line and its standard error (and output unless captured).
    public var log: URL { directory.appendingPathComponent("logs/cmd-output.log") }
    /// The file store.
    public let fileStore: FileStoreClient
    /// Environment tarballs, shared by every run on this worker.
    public let environments: EnvironmentCache
    /// The worker's logger, tagged with the work request.
    public let logger: Logger
    /// Where the run says what it is doing (sent with heartbeats).
    private let board: ProgressBoard
    /// The run's `runtime_statistics`: its phases and what the host used.
    public let statistics: RunStatistics
    /// The inputs downloaded so far (Debusine's `_source_artifacts_ids`): outputs relate to them.
    private let fetched = Mutex<[Int]>([])

    /// Creates the folders.
    public init(
        workRequestID: Int, directory: URL, fileStore: FileStoreClient, environments: EnvironmentCache,
        progress: ProgressBoard = ProgressBoard(), statistics: RunStatistics = RunStatistics(samplesHost: false),
        logger: Logger
    ) throws {
        self.board = progress
        self.statistics = statistics
        self.workRequestID = workRequestID
        self.directory = directory
        self.fileStore = fileStore
        self.environments = environments
        var logger = logger
        logger[metadataKey: "wr.id"] = "\(workRequestID)"
        self.logger = logger
        for folder in [downloads, outputs, log.deletingLastPathComponent()] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    }

    /// Input artifacts fetched so far, in fetch order.
    public var fetchedArtifactIDs: [Int] { fetched.withLock { $0 } }

    /// Downloads artifact `id` (every file, SHA-256 checked) into `download/<id>/`.
    ///
    /// - Throws: `FileStoreClientError` naming the failed file.
    public func download(_ id: Int) async throws -> DownloadedArtifact {
        progress("fetching artifact \(id)")
        let artifact = try await fileStore.artifact(id: id)
        let folder = downloads.appendingPathComponent(String(id), isDirectory: true)
        var files: [String: URL] = [:]
        for file in artifact.files {
            let local = folder.appendingPathComponent(file.path)
            try await fileStore.download(artifactID: id, path: file.path, to: local, expected: file)
            files[file.path] = local
        }
        fetched.withLock { if !$0.contains(id) { $0.append(id) } }
        try? CommandRunner.appendLine("fetched artifact \(id) (\(artifact.category)): \(files.count) file(s)", to: log)
        return DownloadedArtifact(id: id, category: artifact.category, data: artifact.data, files: files)
    }

    /// Runs `command` with the task's log.
    public func run(_ command: Command) async throws -> CommandTermination {
        logger.info("running", metadata: ["command": "\(command)"])
        progress("running " + Self.summary(of: command.arguments))
        return try await CommandRunner.run(command, log: log)
    }

    /// Runs the task's own tool (`sbuild`, `lintian`…): its time is the run's `run` phase, what comes before
    /// it `setup` and what comes after it `teardown` (Debusine's `BaseExternalTask.run` between
    /// `prepare_to_run` and the output checks). The host is also sampled as the tool finishes, so a run shorter
    /// than the sampling interval still reports what it used (Debusine's would report nothing).
    public func runMain(_ command: Command) async throws -> CommandTermination {
        statistics.enter(.run)
        defer {
            statistics.sampleHost()
            statistics.enter(.teardown)
        }
        return try await run(command)
    }

    /// Says what the run is doing now (the heartbeats carry it to `kiln watch`).
    public func progress(_ text: String) {
        board.report(text, for: workRequestID)
    }

    /// `sbuild`, `autopkgtest`, or what runs inside `unshare … -- PROGRAM` / `sh -c 'SCRIPT'`, for progress.
    static func summary(of arguments: [String]) -> String {
        if let separator = arguments.lastIndex(of: "--"), arguments.first == "unshare", separator + 1 < arguments.count {
            return "\(summary(of: Array(arguments[(separator + 1)...]))) in the environment"
        }
        if arguments.count >= 3, arguments[1] == "-c", arguments[0] == "sh" {
            return String(arguments[2].prefix(80))
        }
        return arguments.first.map { ($0 as NSString).lastPathComponent } ?? "(nothing)"
    }

    /// A line in the task's log.
    public func note(_ line: String) {
        try? CommandRunner.appendLine(line, to: log)
    }
}

