import KilnTestSupport
import AMQP
import Foundation
import KilnCore
import Logging
import Store
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One test's private world for a service run as a real process: a fresh migrated PostgreSQL schema, a
/// fresh RabbitMQ vhost (`deploy/local/rabbitmq vhost NAME`), and the service executable started against
/// both with its stdout captured. Generic on purpose (the service name is a parameter) so the lead can merge
/// it with the other services' harnesses.
final class ServiceHarness: Sendable {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var postgresURL: String {
        ProcessInfo.processInfo.environment["KILN_POSTGRES_URL"] ?? "postgresql://kiln:kiln@127.0.0.1:55432/kiln"
    }

    /// `KILN_RABBITMQ_SCRIPT`, else `deploy/local/rabbitmq` of this repository.
    static var rabbitmqScript: String {
        ProcessInfo.processInfo.environment["KILN_RABBITMQ_SCRIPT"]
            ?? repositoryRoot.appending(path: "deploy/local/rabbitmq").path
    }

    static var logger: Logger {
        var logger = Logger(label: "kiln.service.tests")
        logger.logLevel = .warning
        return logger
    }

    let executable: String
    let schema: String
    let vhost: String
    let amqpURL: String
    let pool: PGPool
    let amqp: AMQPConnectionConfiguration
    let directory: URL

    private init(executable: String, schema: String, vhost: String, amqpURL: String, pool: PGPool) throws {
        self.executable = executable
        self.schema = schema
        self.vhost = vhost
        self.amqpURL = amqpURL
        self.pool = pool
        var amqp = try AMQPConnectionConfiguration(url: amqpURL)
        amqp.reconnectBackoff = Backoff(initial: .milliseconds(200), maximum: .seconds(2))
        self.amqp = amqp
        directory = FileManager.default.temporaryDirectory.appending(path: "kiln-\(executable)-\(schema)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Runs `body` in a fresh world and always removes the schema, the vhost and the processes started.
    static func with<T: Sendable>(
        executable: String, _ body: (ServiceHarness) async throws -> T
    ) async throws -> T {
        let id = UUID().uuidString.prefix(8).lowercased()
        let schema = "kiln_\(executable.replacingOccurrences(of: "-", with: "_"))_\(id)"
        let vhost = "test-\(executable)-\(id)"
        let url = try runScript(["vhost", vhost]).trimmingCharacters(in: .whitespacesAndNewlines)
        let pool = PGPool(
            configuration: PGConfiguration(url: postgresURL, applicationName: "kiln-service-tests", searchPath: [schema]),
            size: 3, logger: logger)
        let harness: ServiceHarness
        do {
            try await Migrator.migrate(pool, logger: logger)
            harness = try ServiceHarness(executable: executable, schema: schema, vhost: vhost, amqpURL: url, pool: pool)
        } catch {
            await cleanUp(schema: schema, vhost: vhost, pool: pool)
            throw error
        }
        do {
            let result = try await body(harness)
            await harness.tearDown()
            return result
        } catch {
            await harness.tearDown()
            throw error
        }
    }

    private func tearDown() async {
        for process in processes.withLock({ $0 }) where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
        await Self.cleanUp(schema: schema, vhost: vhost, pool: pool)
    }

    private static func cleanUp(schema: String, vhost: String, pool: PGPool) async {
        _ = try? await pool.query("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        await pool.close()
        _ = try? runScript(["delete-vhost", vhost])
    }

    @discardableResult
    static func runScript(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: rabbitmqScript)
        process.arguments = arguments
        let output = FileManager.default.temporaryDirectory.appending(path: "kiln-rmq-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw HarnessError("\(rabbitmqScript) \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

    // MARK: the service process

    private let processes = Mutex<[Process]>([])

    /// The built executable: `.build/debug/<name>` (or the first `.build/<triple>/debug/<name>`).
    var executableURL: URL {
        let build = Self.repositoryRoot.appending(path: ".build")
        let candidates =
            [build.appending(path: "debug/\(executable)")]
            + ((try? FileManager.default.contentsOfDirectory(atPath: build.path)) ?? []).sorted().map {
                build.appending(path: "\($0)/debug/\(executable)")
            }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// The PostgreSQL URL pointing the service at this test's schema.
    var postgresURLForService: String { Self.postgresURL + "?options=-csearch_path%3D\(schema)" }

    /// Starts one replica with the world's servers and `environment` added; its stdout (the JSON log) goes
    /// to a file read by ``logLines(of:)``.
    func start(environment: [String: String] = [:]) throws -> ServiceProcess {
        let index = processes.withLock { $0.count }
        let logURL = directory.appending(path: "replica-\(index).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        let process = Process()
        process.executableURL = executableURL
        var env = ProcessInfo.processInfo.environment
        env["KILN_AMQP_URL"] = amqpURL
        env["KILN_POSTGRES_URL"] = postgresURLForService
        env["KILN_OPS_HOST"] = "127.0.0.1"
        env["KILN_OPS_PORT"] = String(FreePort.next())
        env["KILN_STARTUP_TIMEOUT"] = "30s"
        env["KILN_LOG_FORMAT"] = "json"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        processes.withLock { $0.append(process) }
        return ServiceProcess(process: process, logURL: logURL)
    }

    // MARK: waiting

    /// Polls `condition` every 100 ms until it holds or `timeout` passes.
    func waitUntil(
        _ what: String, timeout: Duration = .seconds(40), _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("timed out after \(timeout) waiting for \(what)")
    }
}

/// One started replica.
struct ServiceProcess: Sendable {
    let process: Process
    let logURL: URL

    /// The log lines written so far, parsed as JSON objects (non-JSON lines are kept as `{"raw": line}`).
    func logLines() -> [[String: Any]] {
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? ["raw": String(line)]
        }
    }

    /// The whole log, for failure messages.
    var logText: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Whether some log line's message contains `text`.
    func logged(_ text: String, where extra: ([String: Any]) -> Bool = { _ in true }) -> Bool {
        logLines().contains { line in
            ((line["msg"] as? String) ?? (line["raw"] as? String) ?? "").contains(text) && extra(line)
        }
    }

    /// Sends SIGTERM and waits (up to `timeout`) for the exit status; SIGKILL after that.
    func terminate(timeout: Duration = .seconds(30)) async throws -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw HarnessError("did not stop within \(timeout) of SIGTERM")
        }
        return process.terminationStatus
    }
}


struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
