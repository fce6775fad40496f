import KilnTestSupport
import AMQP
import Foundation
import KilnCore
import KilnRuntime
import Logging
import Store
import Synchronization

/// One tag-computer test's world: a fresh migrated PostgreSQL schema, a fresh RabbitMQ vhost (from
/// `$KILN_RABBITMQ_SCRIPT vhost NAME`), the REAL `tag-computer` executable started against both, and a
/// publisher/consumer on the vhost for direct inbox messages and the dead queue. Everything is removed by
/// ``with(environment:_:)``, which also checks the service exits 0 on SIGTERM.
struct TagComputerHarness: Sendable {
    let schema: String
    let vhost: String
    let amqpURL: String
    let pool: PGPool
    let service: ServiceProcess
    /// The environment the service was started with (a replica gets the same, with its own ops port).
    let serviceEnvironment: [String: String]

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var postgresURL: String {
        ProcessInfo.processInfo.environment["KILN_POSTGRES_URL"] ?? "postgresql://kiln:kiln@127.0.0.1:55432/kiln"
    }

    static var rabbitMQScript: String {
        ProcessInfo.processInfo.environment["KILN_RABBITMQ_SCRIPT"]
            ?? repositoryRoot.appending(path: "deploy/local/rabbitmq").path
    }

    static var logger: Logger {
        var logger = Logger(label: "kiln.tag-computer.tests")
        logger.logLevel = .warning
        return logger
    }

    /// Runs `body` with a started service; afterwards sends SIGTERM, returns its exit status through
    /// `exitStatus`, and removes the schema and the vhost.
    static func with(
        environment: [String: String] = [:], _ body: (TagComputerHarness) async throws -> Void
    ) async throws -> Int32 {
        let id = UUID().uuidString.prefix(8).lowercased()
        let schema = "kiln_tc_\(id)"
        let vhost = "kiln-tc-\(id)"
        let pool = PGPool(
            configuration: PGConfiguration(url: postgresURL, applicationName: "kiln-tag-computer-tests", searchPath: [schema]),
            size: 2, logger: logger)
        var service: ServiceProcess?
        do {
            try await Migrator.migrate(pool, logger: logger)
            let amqpURL = try runScript(["vhost", vhost])
            let serviceEnvironment = [
                "KILN_AMQP_URL": amqpURL,
                "KILN_POSTGRES_URL": postgresURL + "?options=-csearch_path%3D\(schema)",
                "KILN_OPS_HOST": "127.0.0.1",
                "KILN_STARTUP_TIMEOUT": "30s",
                "KILN_LOG_LEVEL": "info",
            ].merging(environment) { $1 }
            let started = try ServiceProcess.start(
                executable: builtExecutable("tag-computer"),
                environment: serviceEnvironment.merging(["KILN_OPS_PORT": String(FreePort.next())]) { $1 })
            service = started
            let harness = TagComputerHarness(
                schema: schema, vhost: vhost, amqpURL: amqpURL, pool: pool, service: started,
                serviceEnvironment: serviceEnvironment)
            try await harness.waitUntilConsuming()
            try await body(harness)
            let status = started.terminate()
            // The log is kept only when something failed, for the failure message to point at.
            try? FileManager.default.removeItem(at: started.outputURL)
            await cleanUp(schema: schema, vhost: vhost, pool: pool)
            return status
        } catch {
            if let service { _ = service.terminate() }
            await cleanUp(schema: schema, vhost: vhost, pool: pool)
            throw error
        }
    }

    private static func cleanUp(schema: String, vhost: String, pool: PGPool) async {
        _ = try? await pool.query("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        await pool.close()
        _ = try? runScript(["delete-vhost", vhost])
    }

    /// Runs the RabbitMQ helper script and returns its last output line.
    static func runScript(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: rabbitMQScript)
        process.arguments = arguments
        let output = FileManager.default.temporaryDirectory.appending(path: "kiln-tc-script-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? handle.close()
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0,
            let line = text.split(separator: "\n").last.map(String.init)
        else {
            throw HarnessError("\(rabbitMQScript) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
        }
        return line
    }

    /// `.build/<triple>/debug/<name>` or `.build/debug/<name>` of this package.
    static func builtExecutable(_ name: String) -> URL {
        let build = repositoryRoot.appending(path: ".build")
        let candidates =
            [build.appending(path: "debug/\(name)")]
            + ((try? FileManager.default.contentsOfDirectory(atPath: build.path)) ?? []).sorted().map {
                build.appending(path: "\($0)/debug/\(name)")
            }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Waits for the service's "consuming events" log line.
    func waitUntilConsuming() async throws {
        try await Self.waitUntilConsuming(service)
    }

    static func waitUntilConsuming(_ service: ServiceProcess) async throws {
        let consuming = await eventually(timeout: .seconds(60)) {
            service.logLines().contains { $0["msg"] as? String == "consuming events" }
        }
        guard consuming else { throw HarnessError("tag-computer did not start consuming: \(service.output())") }
    }

    /// Starts another replica of the service on the same schema and vhost and waits until it consumes;
    /// the caller terminates it.
    func startReplica() async throws -> ServiceProcess {
        let replica = try ServiceProcess.start(
            executable: Self.builtExecutable("tag-computer"),
            environment: serviceEnvironment.merging(["KILN_OPS_PORT": String(FreePort.next())]) { $1 })
        do {
            try await Self.waitUntilConsuming(replica)
        } catch {
            _ = replica.terminate()
            throw error
        }
        return replica
    }

    /// A publisher on the test's vhost.
    func withPublisher<T: Sendable>(_ body: (AMQPPublisher) async throws -> T) async throws -> T {
        let publisher = AMQPPublisher(
            configuration: try AMQPConnectionConfiguration(url: amqpURL), topology: KilnTopology.all,
            logger: Self.logger)
        try await publisher.connect()
        do {
            let result = try await body(publisher)
            await publisher.close()
            return result
        } catch {
            await publisher.close()
            throw error
        }
    }

    /// Publishes `body` straight into `tag-computer.inbox` with `type` and `messageID`.
    func publishToInbox(type: String, body: [UInt8], messageID: String = UUID().uuidString.lowercased()) async throws {
        try await withPublisher { publisher in
            try await publisher.publish(
                OutgoingMessage(
                    exchange: "", routingKey: KilnTopology.tagComputer.inbox, body: body,
                    properties: MessageProperties(messageID: messageID, type: type)))
        }
    }

    /// Reads (and acks) `tag-computer.dead` until `count` messages arrived or `timeout` passed.
    func deadLetters(count: Int, timeout: Duration = .seconds(30)) async throws -> [Delivery] {
        let collected = Mutex<[Delivery]>([])
        let consumer = AMQPConsumer(configuration: try AMQPConnectionConfiguration(url: amqpURL), logger: Self.logger)
        try await consumer.addConsumer(queue: KilnTopology.tagComputer.dead, prefetch: 50) { delivery in
            collected.withLock { $0.append(delivery) }
            delivery.ack()
        }
        let running = Task { try await consumer.run() }
        _ = await eventually(timeout: timeout) { collected.withLock { $0.count >= count } }
        running.cancel()
        _ = await running.result
        return collected.withLock { $0 }
    }

    /// Routing keys of the outbox rows, oldest first.
    func outboxKeys() async throws -> [String] {
        try await pool.query("SELECT routing_key FROM outbox ORDER BY id").rows.map { try $0.decode(String.self, at: 0) }
    }

    /// Whether every outbox row was published (the service's relay ran after its commits).
    func outboxPublished() async throws -> Bool {
        try await pool.query("SELECT count(*) FROM outbox WHERE published_at IS NULL").rows[0].decode(Int.self, at: 0) == 0
    }
}

/// A failure of the test plumbing itself.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The service as a child process whose stdout (one JSON log line per event) goes to a file.
final class ServiceProcess: Sendable {
    private let process: Mutex<Process>
    let outputURL: URL

    private init(process: Process, outputURL: URL) {
        self.process = Mutex(process)
        self.outputURL = outputURL
    }

    static func start(executable: URL, environment: [String: String]) throws -> ServiceProcess {
        let outputURL = FileManager.default.temporaryDirectory.appending(path: "kiln-tc-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputURL)
        let process = Process()
        process.executableURL = executable
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()
        return ServiceProcess(process: process, outputURL: outputURL)
    }

    /// Whether the process still runs.
    var isRunning: Bool { process.withLock { $0.isRunning } }

    /// Everything the service printed so far.
    func output() -> String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }

    /// The JSON log lines so far.
    func logLines() -> [[String: Any]] {
        output().split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// SIGTERM, then waits for the exit and returns the status (SIGKILL after 30 s, returning -9).
    func terminate() -> Int32 {
        process.withLock { process in
            guard process.isRunning else { return process.terminationStatus }
            process.terminate()
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return -9
            }
            process.waitUntilExit()
            return process.terminationStatus
        }
    }
}

/// Waits until `condition` holds, polling; returns whether it did within `timeout`.
func eventually(timeout: Duration = .seconds(30), _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
