import Foundation
import KilnCore
import KilnTestSupport
import Synchronization

/// What a `kiln-worker` process of the stack holds: its architectures (`KILN_WORKER_ARCHITECTURES`), extra
/// self-reported tags (`KILN_WORKER_EXTRA_TAGS`), whether an `sbuild` command is on its `PATH`, and the
/// admin's static metadata (`kiln worker edit-metadata`, set before it connects).
struct WorkerSpec: Sendable {
    /// The host name; the worker's name is derived from `<host>.e2e.test` (`worker-a` → `worker-a-e2e-test`).
    var host: String
    var architectures: [String] = ["amd64"]
    var extraTags: [String] = []
    /// Puts a directory holding an executable `sbuild` stand-in first on the worker's `PATH`, so the worker
    /// advertises `worker:cap:sbuild` on any host. The scheduling tests check who gets an sbuild; the run then
    /// fails (their source artifacts hold no files), which they accept.
    var withSbuild = false
    var staticMetadata: JSONValue?
    /// Where the worker caches environment tarballs (default: a folder of the stack, removed with it).
    var cacheDirectory: String?
}

/// One `kiln-worker` of a stack: pre-created with `kiln worker create` (an activation token, as with Debusine's
/// `server/management/commands/worker.py` `Command.handle_create`, so it is enabled at its first hello), then run as a
/// process; ``restart()`` starts it again with the same token file, as a reconnecting worker would.
final class StackWorker: Sendable {
    let spec: WorkerSpec
    let name: String
    let stack: KilnStack
    private let tokenFile: URL
    private let activationToken: String
    private let incarnations = Mutex<[ServiceProcess]>([])

    /// The process running now (the latest incarnation).
    var process: ServiceProcess { incarnations.withLock { $0.last! } }

    /// Every incarnation's log, oldest first (a restarted worker writes a new file).
    var allLogs: [ServiceProcess] { incarnations.withLock { $0 } }

    private init(spec: WorkerSpec, name: String, stack: KilnStack, tokenFile: URL, activationToken: String) {
        self.spec = spec
        self.name = name
        self.stack = stack
        self.tokenFile = tokenFile
        self.activationToken = activationToken
    }

    /// Creates the worker, applies its static metadata, starts it and waits until its tags are computed.
    static func start(_ spec: WorkerSpec, in stack: KilnStack) async throws -> StackWorker {
        let created = try await stack.cli.json(CreatedWorker.self, ["worker", "create", "\(spec.host).e2e.test"], as: "admin")
        if let metadata = spec.staticMetadata {
            try await stack.cli.editMetadata(created.name, metadata, folder: stack.folder)
        }
        let worker = StackWorker(
            spec: spec, name: created.name, stack: stack,
            tokenFile: stack.folder.appending(path: "workers/\(spec.host)/token"), activationToken: created.activationToken)
        try await worker.launch(withActivationToken: true)
        return worker
    }

    /// Starts a new process with the same token file (no activation token: it was used), as after a crash.
    func restart() async throws {
        try await launch(withActivationToken: false)
    }

    private func launch(withActivationToken: Bool) async throws {
        var environment = [
            "KILN_AMQP_URL": stack.broker.workerURL, "KILN_WORKER_TOKEN_FILE": tokenFile.path,
            "KILN_WORKER_FQDN": "\(spec.host).e2e.test", "KILN_WORKER_ARCHITECTURES": spec.architectures.joined(separator: ","),
            "KILN_WORKER_HELLO_RETRY_MAX": "2s", "KILN_OPS_PORT": "0", "KILN_LOG_FORMAT": "json", "KILN_LOG_LEVEL": "info",
            "PATH": try searchPath(), "KILN_FILE_STORE_URL": stack.fileStoreURL,
            "KILN_WORKER_WORK_DIR": stack.folder.appending(path: "workers/\(spec.host)/work").path,
            "KILN_WORKER_CACHE_DIR": spec.cacheDirectory ?? stack.folder.appending(path: "workers/\(spec.host)/cache").path,
        ]
        if !spec.extraTags.isEmpty { environment["KILN_WORKER_EXTRA_TAGS"] = spec.extraTags.joined(separator: ",") }
        if withActivationToken { environment["KILN_WORKER_ACTIVATION_TOKEN"] = activationToken }
        let count = incarnations.withLock { $0.count }
        let process = try ServiceProcess.start(
            "kiln-worker", name: "\(spec.host)-\(count)", environment: environment, inheritEnvironment: false,
            logFolder: stack.folder.appending(path: "logs"))
        incarnations.withLock { $0.append(process) }
        stack.adopt(process)
        try await waitUntil("worker \(name) is welcomed and its tags are computed") {
            guard process.isRunning else { throw ProcessExited("\(name) exited:\n\(process.log.suffix(3000))") }
            guard process.logged("welcomed by the gateway") else { return false }
            let shown = try await stack.cli.worker(name)
            return shown.connectedAt != nil
                && spec.architectures.allSatisfy { shown.providedTags.contains("worker:build-arch:\($0)") }
        }
    }

    /// The test's `PATH`, with (``WorkerSpec/withSbuild``) a directory holding an executable `sbuild`
    /// stand-in in front. A host with a real sbuild makes every worker advertise `worker:cap:sbuild`; no test
    /// relies on a worker lacking it (the workers of the sbuild examples all have it; the others run noop).
    private func searchPath() throws -> String {
        let system = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        guard spec.withSbuild else { return system.joined(separator: ":") }
        let bin = stack.folder.appending(path: "workers/\(spec.host)/bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let sbuild = bin.appending(path: "sbuild")
        try Data("#!/bin/sh\necho 'sbuild stand-in: only the capability probe looks for this file' >&2\nexit 1\n".utf8)
            .write(to: sbuild)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: sbuild.path)
        return ([bin.path] + system).joined(separator: ":")
    }

    /// The work request ids this worker (any incarnation) logged `message` for (`assignment started`,
    /// `assignment finished`, …), in log order.
    func workRequests(logged message: String) -> [Int] {
        allLogs.flatMap { process in
            process.logLines().filter { ($0["msg"] as? String) == message }.compactMap { line in
                (line["wr.id"] as? String).flatMap { Int($0) } ?? line["wr.id"] as? Int
            }
        }
    }

    /// Whether this worker ever started work request `id`.
    func ran(_ id: Int) -> Bool { workRequests(logged: "assignment started").contains(id) }
}
