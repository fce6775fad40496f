import KilnTestSupport
import Foundation
import KilnCore
import Logging
import Store
import Testing

/// The real servers and the scheduler binary, for tests that run the scheduler as a process.
enum SchedulerTestServers {
    static let postgresURL =
        ProcessInfo.processInfo.environment["KILN_POSTGRES_URL"] ?? "postgresql://kiln:kiln@127.0.0.1:55432/kiln"

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `KILN_RABBITMQ_SCRIPT`, else this repository's `deploy/local/rabbitmq`.
    static var rabbitmqScript: String {
        ProcessInfo.processInfo.environment["KILN_RABBITMQ_SCRIPT"]
            ?? repositoryRoot.appendingPathComponent("deploy/local/rabbitmq").path
    }

    static var logger: Logger {
        var logger = Logger(label: "kiln.scheduler.tests")
        logger.logLevel = .warning
        return logger
    }

    /// `.build/debug/scheduler` (or the first `.build/<triple>/debug/scheduler`).
    static var binary: URL {
        let build = repositoryRoot.appendingPathComponent(".build")
        let candidates =
            [build.appendingPathComponent("debug/scheduler")]
            + ((try? FileManager.default.contentsOfDirectory(atPath: build.path)) ?? []).sorted().map {
                build.appendingPathComponent("\($0)/debug/scheduler")
            }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Runs the RabbitMQ script and returns its standard output, trimmed.
    static func rabbitmq(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: rabbitmqScript)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("\(rabbitmqScript) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One test's world: a fresh migrated PostgreSQL schema, a private RabbitMQ vhost, a workspace, and the
/// scheduler processes started in it. ``with(_:)`` cleans everything up.
struct SchedulerWorld: Sendable {
    let schema: String
    let vhost: String
    let amqpURL: String
    let pool: PGPool
    let workspaceID: Int

    static func with(_ body: (SchedulerWorld) async throws -> Void) async throws {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let schema = "kiln_sched_test_\(suffix)"
        let vhost = "kiln-sched-test-\(suffix)"
        let amqpURL = try SchedulerTestServers.rabbitmq("vhost", vhost)
        let pool = PGPool(
            configuration: PGConfiguration(
                url: SchedulerTestServers.postgresURL, applicationName: "kiln-scheduler-tests", searchPath: [schema]),
            size: 2, logger: SchedulerTestServers.logger)
        do {
            try await Migrator.migrate(pool, logger: SchedulerTestServers.logger)
            let workspaceID = try await pool.withTransaction { conn in
                let scope = try await conn.query("INSERT INTO scopes (name) VALUES ('debian') RETURNING id").first!
                    .decode(Int.self, at: 0)
                return try await conn.query(
                    "INSERT INTO workspaces (scope_id, name) VALUES ($1, 'System') RETURNING id", scope
                ).first!.decode(Int.self, at: 0)
            }
            try await body(SchedulerWorld(schema: schema, vhost: vhost, amqpURL: amqpURL, pool: pool, workspaceID: workspaceID))
        } catch {
            await cleanUp(schema: schema, vhost: vhost, pool: pool)
            throw error
        }
        await cleanUp(schema: schema, vhost: vhost, pool: pool)
    }

    private static func cleanUp(schema: String, vhost: String, pool: PGPool) async {
        _ = try? await pool.query("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        await pool.close()
        _ = try? SchedulerTestServers.rabbitmq("delete-vhost", vhost)
    }

    /// The scheduler's PostgreSQL URL: the shared server, this world's schema through libpq `options`.
    var postgresURL: String { SchedulerTestServers.postgresURL + "?options=-csearch_path%3D\(schema)" }

    /// Starts a scheduler process in this world with fast timers.
    func startScheduler(environment: [String: String] = [:]) throws -> SchedulerProcess {
        var env = ProcessInfo.processInfo.environment
        env["KILN_POSTGRES_URL"] = postgresURL
        env["KILN_AMQP_URL"] = amqpURL
        env["KILN_OPS_HOST"] = "127.0.0.1"
        env["KILN_OPS_PORT"] = String(FreePort.next())
        env["KILN_STARTUP_TIMEOUT"] = "30s"
        env["KILN_SWEEP_INTERVAL"] = "2s"
        env["KILN_SCHEDULER_TICK"] = "200ms"
        env["KILN_LEASE_CHECK_INTERVAL"] = "300ms"
        env["KILN_SCHEDULER_STANDBY_RETRY"] = "300ms"
        for (key, value) in environment { env[key] = value }
        return try SchedulerProcess(environment: env)
    }

    // MARK: Rows

    /// Inserts a worker that is enabled, connected and has its tag sets computed (what `worker.ready` means).
    func insertWorker(
        name: String, provided: [String] = [], required: [String] = [], concurrency: Int = 1,
        staticMetadata: [String: JSONValue] = [:], connectedAt: Date = Date(), connected: Bool = true
    ) async throws -> Int {
        try await pool.query(
            """
            INSERT INTO workers (name, concurrency, enabled, static_metadata, provided_tags, required_tags,
                                 tags_computed_at, connected_at)
            VALUES ($1, $2, true, $3, $4, $5, now(), $6) RETURNING id
            """, name, concurrency, staticMetadata, provided, required, connected ? connectedAt : nil
        ).first!.decode(Int.self, at: 0)
    }

    /// Inserts a work request directly in the given state.
    func insertWorkRequest(
        taskType: String = "Worker", taskName: String = "noop", status: String = "pending",
        priorityBase: Int = 0, priorityAdjustment: Int = 0, createdAt: Date = Date(), required: [String] = [],
        provided: [String] = [], workerID: Int? = nil, result: String = "", epoch: Int = 0,
        workflowData: JSONValue = .object([:]), configuredTaskData: JSONValue? = .object([:]),
        pendingStage: String? = nil
    ) async throws -> Int {
        try await pool.query(
            """
            INSERT INTO work_requests (workspace_id, task_type, task_name, status, priority_base, priority_adjustment,
                                       created_at, scheduler_tags_required, scheduler_tags_provided, worker_id, result,
                                       assignment_epoch, workflow_data, configured_task_data, pending_stage,
                                       started_at, completed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                    CASE WHEN $4 IN ('running', 'completed', 'aborted') THEN now() END,
                    CASE WHEN $4 IN ('completed', 'aborted') THEN now() END)
            RETURNING id
            """, workspaceID, taskType, taskName, status, priorityBase, priorityAdjustment, createdAt, required,
            provided, workerID, result, epoch, workflowData, configuredTaskData, pendingStage
        ).first!.decode(Int.self, at: 0)
    }

    /// Writes an event to the outbox; the scheduler's own relay publishes it to its inbox.
    func publish(_ key: RoutingKey, _ event: KilnEvent) async throws {
        try await pool.withTransaction { conn in _ = try await EventOutbox.enqueue(key, event, on: conn) }
    }

    /// `(status, worker_id, assignment_epoch)` of a work request.
    func state(of id: Int) async throws -> (status: String, workerID: Int?, epoch: Int) {
        let row = try await pool.query("SELECT status, worker_id, assignment_epoch FROM work_requests WHERE id = $1", id).first!
        return (try row.decode(String.self, at: 0), try row.decode(Int?.self, at: 1), try row.decode(Int.self, at: 2))
    }

    /// `pending_stage` of a work request.
    func pendingStage(of id: Int) async throws -> String? {
        try await pool.query("SELECT pending_stage FROM work_requests WHERE id = $1", id).first!.decode(String?.self, at: 0)
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes.
    func waitUntil(
        _ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("timed out waiting until \(what)")
    }
}

/// A scheduler running as a child process, its stdout (JSON log lines) captured in a file.
/// `@unchecked`: `Process` is only read (pid, status) and signalled after start, which Foundation allows from any thread.
final class SchedulerProcess: @unchecked Sendable {
    let process: Process
    let logURL: URL

    init(environment: [String: String]) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-scheduler-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        logURL = directory.appendingPathComponent("out.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: logURL)
        let process = Process()
        process.executableURL = SchedulerTestServers.binary
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Everything logged so far.
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Whether a log line contains `text`.
    func logged(_ text: String) -> Bool { log.contains(text) }

    /// Sends a signal.
    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to exit (up to `timeout`) and returns its status.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw HarnessError("scheduler did not exit:\n\(log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// Stops it with SIGTERM and requires exit status 0.
    func terminate() async throws {
        signal(SIGTERM)
        let status = try await waitForExit()
        #expect(status == 0, "scheduler exit status \(status)\n\(log)")
    }
}
