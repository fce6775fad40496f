import Foundation
import KilnTestSupport
import Store
import Synchronization

/// The whole of Kiln for one test, as real processes: a private schema migrated by `kiln migrate`, a private
/// vhost, the four services (as many replicas as ``StackOptions`` says), a file store and the `kiln-worker`s the test
/// adds, all driven through the real `kiln` CLI. ``with(_:_:)`` kills everything and removes the schema,
/// the vhost and the files afterwards, and attaches the logs to a failing test's error.
final class KilnStack: Sendable {
    let database: TestSchema
    let broker: TestVirtualHost
    /// Where logs, token files and data files go.
    let folder: URL
    let options: StackOptions
    /// The file store's API port (its files live in `folder/files`).
    let fileStorePort = FreePort.next()
    private let processes = Mutex<[ServiceProcess]>([])

    /// The file store's base URL, for workers and `kiln`.
    var fileStoreURL: String { "http://127.0.0.1:\(fileStorePort)" }

    /// `kiln`, pointed at this stack's schema and vhost.
    var cli: KilnCLI {
        KilnCLI(
            postgresURL: TestServers.postgresURL,
            schema: database.name,
            amqpURL: broker.serviceURL,
            fileStoreURL: fileStoreURL
        )
    }

    private init(database: TestSchema, broker: TestVirtualHost, folder: URL, options: StackOptions) {
        self.database = database
        self.broker = broker
        self.folder = folder
        self.options = options
    }

    /// Builds the stack, runs `body`, and always tears it down.
    static func with(_ options: StackOptions = StackOptions(), _ body: (KilnStack) async throws -> Void) async throws {
        let database = try await TestSchema.create(prefix: "kiln_e2e", poolSize: 2, migrate: false)
        let broker: TestVirtualHost
        do { broker = try await TestVirtualHost.create(prefix: "kiln-e2e") } catch {
            await database.drop()
            throw error
        }
        let folder = FileManager.default.temporaryDirectory.appending(path: "kiln-e2e-\(database.name)")
        let stack = KilnStack(database: database, broker: broker, folder: folder, options: options)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try await stack.cli.run(["migrate"])
            try await stack.startServices()
            try await body(stack)
        } catch {
            let logs = stack.logTails()
            await stack.tearDown()
            throw HarnessError("\(error)\n\(logs)")
        }
        await stack.tearDown()
    }

    private func tearDown() async {
        for process in processes.withLock({ $0 }) { await process.kill() }
        await database.drop()
        await broker.delete()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The end of every process's log, for a failure message.
    func logTails() -> String {
        processes.withLock { $0 }.map {
            "--- \($0.name) (\($0.isRunning ? "running" : "exited")):\n\($0.log.suffix(2500))"
        }
        .joined(separator: "\n")
    }

    // MARK: Services

    private func startServices() async throws {
        for index in 0..<options.lookupResolvers { _ = try await startService("lookup-resolver", replica: index) }
        for index in 0..<options.tagComputers { _ = try await startService("tag-computer", replica: index) }
        for index in 0..<options.gateways { _ = try await startService("worker-gateway", replica: index) }
        for index in 0..<options.schedulers { _ = try await startService("scheduler", replica: index) }
        try await startFileStore(replica: 0)
    }

    /// Starts the file store on the stack's port and folder (again, after a test stopped it), with `environment`
    /// added to its settings.
    @discardableResult
    func startFileStore(replica: Int, environment: [String: String] = [:]) async throws -> ServiceProcess {
        try await startService(
            "file-store",
            replica: replica,
            environment: [
                "KILN_FILE_STORE_ROOT": folder.appending(path: "files").path, "KILN_FILE_STORE_HOST": "127.0.0.1",
                "KILN_FILE_STORE_PORT": String(fileStorePort),
            ].merging(environment) { $1 }
        )
    }

    /// The lines a service logs once it does its job (a scheduler: active or standing by).
    static func readyLines(_ service: String) -> [[String]] {
        switch service {
        case "lookup-resolver": [["consuming events", "serving lookups"]]
        case "worker-gateway": [["consuming worker messages", "consuming events"]]
        case "scheduler": [["became the active scheduler"], ["standing by"]]
        case "file-store": [["Server started and listening"]]
        default: [["consuming events"]]
        }
    }

    /// Starts one replica of `service` and waits until it is ready.
    @discardableResult
    func startService(
        _ service: String,
        replica: Int,
        environment: [String: String] = [:]
    ) async throws -> ServiceProcess {
        var env = StackOptions.fastTimers
        env.merge([
            "KILN_AMQP_URL": broker.serviceURL, "KILN_POSTGRES_URL": database.serviceURL,
            "KILN_OPS_HOST": "127.0.0.1", "KILN_OPS_PORT": String(FreePort.next()), "KILN_LOG_FORMAT": "json",
        ]) { $1 }
        env.merge(options.serviceEnvironment) { $1 }
        env.merge(environment) { $1 }
        let process = try ServiceProcess.start(
            service,
            name: "\(service)-\(replica)",
            environment: env,
            logFolder: folder.appending(path: "logs")
        )
        processes.withLock { $0.append(process) }
        try await waitUntil("\(service) replica \(replica) is ready") {
            guard process.isRunning else { throw ProcessExited("\(service) exited:\n\(process.log.suffix(3000))") }
            return Self.readyLines(service).contains { lines in lines.allSatisfy { process.logged($0) } }
        }
        return process
    }

    /// Every started process whose name begins with `prefix` (`scheduler`, `worker-a`, …).
    func processes(named prefix: String) -> [ServiceProcess] {
        processes.withLock { $0 }.filter { $0.name.hasPrefix(prefix) }
    }

    /// Registers a process the stack must kill at the end (workers started by ``StackWorker``).
    func adopt(_ process: ServiceProcess) { processes.withLock { $0.append(process) } }
}
