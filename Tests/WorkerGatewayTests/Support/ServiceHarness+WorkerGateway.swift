import KilnTestSupport
import AMQP
import Foundation
import Logging
import Store
import Testing

/// One test's private world for the real `worker-gateway` process: a fresh PostgreSQL schema (migrated), a
/// fresh RabbitMQ vhost (created by `deploy/local/rabbitmq vhost`), the executable started against both
/// with its log captured, stopped with SIGTERM at the end (its exit status is checked), and everything
/// removed afterwards.
final class GatewayHarness {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var postgresBaseURL: String {
        ProcessInfo.processInfo.environment["KILN_POSTGRES_URL"] ?? "postgresql://kiln:kiln@127.0.0.1:55432/kiln"
    }

    static var rabbitMQScript: String {
        ProcessInfo.processInfo.environment["KILN_RABBITMQ_SCRIPT"]
            ?? repositoryRoot.appendingPathComponent("deploy/local/rabbitmq").path
    }

    static var binary: URL {
        let build = repositoryRoot.appendingPathComponent(".build")
        let candidates =
            [build.appendingPathComponent("debug/worker-gateway")]
            + ((try? FileManager.default.contentsOfDirectory(atPath: build.path)) ?? []).sorted().map {
                build.appendingPathComponent("\($0)/debug/worker-gateway")
            }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    let schema: String
    let vhost: String
    let serviceAMQPURL: String
    let pool: PGPool
    let process: Process
    let logURL: URL
    let directory: URL

    /// The restricted worker account on this test's vhost.
    var workerAMQPURL: String {
        serviceAMQPURL.replacingOccurrences(of: "//kiln:kiln@", with: "//kiln-worker:kiln-worker@")
    }

    private init(
        schema: String, vhost: String, serviceAMQPURL: String, pool: PGPool, process: Process, logURL: URL, directory: URL
    ) {
        self.schema = schema
        self.vhost = vhost
        self.serviceAMQPURL = serviceAMQPURL
        self.pool = pool
        self.process = process
        self.logURL = logURL
        self.directory = directory
    }

    /// Runs `body` with a started gateway; always tears down, and expects the gateway to exit 0 on SIGTERM.
    static func run(
        environment extra: [String: String] = [:], _ body: (GatewayHarness) async throws -> Void
    ) async throws {
        let harness = try await start(environment: extra)
        do {
            try await body(harness)
        } catch {
            Issue.record("gateway log:\n\(harness.log.suffix(6000))")
            await harness.tearDown()
            throw error
        }
        let status = await harness.tearDown()
        #expect(status == 0, "worker-gateway exited \(status ?? -1) on SIGTERM; log:\n\(harness.log.suffix(4000))")
    }

    static func start(environment extra: [String: String]) async throws -> GatewayHarness {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let schema = "kiln_gw_test_\(suffix)"
        let vhost = "kiln-gw-test-\(suffix)"
        var logger = Logger(label: "kiln.gateway.tests")
        logger.logLevel = .warning
        let pool = PGPool(
            configuration: PGConfiguration(url: postgresBaseURL, applicationName: "kiln-gateway-tests", searchPath: [schema]),
            size: 2, logger: logger)
        try await Migrator.migrate(pool, logger: logger)
        let serviceURL = try runScript(["vhost", vhost]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard serviceURL.hasPrefix("amqp://") else { throw HarnessError("vhost script printed '\(serviceURL)'") }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-gw-\(suffix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let logURL = directory.appendingPathComponent("stdout.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        var env = ProcessInfo.processInfo.environment
        env["KILN_AMQP_URL"] = serviceURL
        env["KILN_POSTGRES_URL"] = postgresBaseURL + "?options=-csearch_path%3D\(schema)"
        env["KILN_OPS_HOST"] = "127.0.0.1"
        env["KILN_OPS_PORT"] = String(FreePort.next())
        env["KILN_SWEEP_INTERVAL"] = "1s"
        env["KILN_WORKER_HEARTBEAT"] = "1s"
        env["KILN_LEASE_DURATION"] = "60s"
        env["KILN_WORKER_SILENCE"] = "10m"
        env["KILN_STARTUP_TIMEOUT"] = "30s"
        env["KILN_SERVICE_CONCURRENCY"] = "4"
        for (key, value) in extra { env[key] = value }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: logURL)
        process.standardError = try FileHandle(forWritingTo: logURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let harness = GatewayHarness(
            schema: schema, vhost: vhost, serviceAMQPURL: serviceURL, pool: pool, process: process, logURL: logURL,
            directory: directory)
        let ready = await eventually(timeout: .seconds(40)) {
            let log = harness.log
            return log.contains("consuming worker messages") && log.contains("consuming events") || !process.isRunning
        }
        guard ready, process.isRunning else {
            let log = harness.log
            await harness.tearDown()
            throw HarnessError("worker-gateway did not start; log:\n\(log.suffix(4000))")
        }
        return harness
    }

    /// Everything the gateway printed so far.
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// The gateway's log lines, parsed (JSON lines; anything else is skipped).
    var logLines: [[String: Any]] {
        log.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// Sends SIGTERM, waits for the exit, and removes the schema, the vhost and the files.
    @discardableResult
    func tearDown() async -> Int32? {
        var status: Int32?
        if process.isRunning {
            process.terminate()
            _ = await Self.eventually(timeout: .seconds(30)) { !self.process.isRunning }
        }
        if !process.isRunning { status = process.terminationStatus } else { kill(process.processIdentifier, SIGKILL) }
        _ = try? await pool.query("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        await pool.close()
        _ = try? Self.runScript(["delete-vhost", vhost])
        try? FileManager.default.removeItem(at: directory)
        return status
    }

    static func runScript(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: rabbitMQScript)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("\(rabbitMQScript) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes.
    static func eventually(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return (try? await condition()) == true
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
