import Foundation
import KilnCore
import KilnTestSupport
import Logging
import Store
import Testing

/// One test's world: a fresh migrated PostgreSQL schema, a private RabbitMQ vhost, a workspace, and the
/// scheduler processes started in it. ``with(_:)`` cleans everything up.
struct SchedulerWorld: Sendable {
    let database: TestSchema
    let broker: TestVirtualHost
    let workspaceID: Int

    var pool: PGPool { database.pool }
    var amqpURL: String { broker.serviceURL }

    static func with(_ body: (SchedulerWorld) async throws -> Void) async throws {
        let database = try await TestSchema.create(prefix: "kiln_sched_test")
        var broker: TestVirtualHost?
        do {
            let vhost = try await TestVirtualHost.create(prefix: "kiln-sched-test")
            broker = vhost
            let workspaceID = try await database.pool.withTransaction { conn in
                let scope = try conn.query("INSERT INTO scopes (name) VALUES ('debian') RETURNING id").first!
                    .decode(Int.self, at: 0)
                return try conn.query(
                    "INSERT INTO workspaces (scope_id, name) VALUES ($1, 'System') RETURNING id",
                    scope
                ).first!.decode(Int.self, at: 0)
            }
            try await body(SchedulerWorld(database: database, broker: vhost, workspaceID: workspaceID))
        } catch {
            await database.drop()
            await broker?.delete()
            throw error
        }
        await database.drop()
        await broker?.delete()
    }

    /// Starts a scheduler process in this world with fast timers.
    func startScheduler(environment: [String: String] = [:]) throws -> ServiceProcess {
        var env = [
            "KILN_POSTGRES_URL": database.serviceURL, "KILN_AMQP_URL": amqpURL, "KILN_OPS_HOST": "127.0.0.1",
            "KILN_OPS_PORT": String(FreePort.next()), "KILN_STARTUP_TIMEOUT": "30s", "KILN_SWEEP_INTERVAL": "2s",
            "KILN_SCHEDULER_TICK": "200ms", "KILN_LEASE_CHECK_INTERVAL": "300ms",
            "KILN_SCHEDULER_STANDBY_RETRY": "300ms",
        ]
        env.merge(environment) { $1 }
        return try ServiceProcess.start("scheduler", environment: env)
    }

    // MARK: Rows

    /// Inserts a worker that is enabled, connected and has its tag sets computed (what `worker.ready` means).
    func insertWorker(
        name: String,
        provided: [String] = [],
        required: [String] = [],
        concurrency: Int = 1,
        staticMetadata: [String: JSONValue] = [:],
        connectedAt: Date = Date(),
        connected: Bool = true
    ) async throws -> Int {
        try await pool.query(
            """
            INSERT INTO workers (name, concurrency, enabled, static_metadata, provided_tags, required_tags,
                                 tags_computed_at, connected_at)
            VALUES ($1, $2, true, $3, $4, $5, now(), $6) RETURNING id
            """,
            name,
            concurrency,
            staticMetadata,
            provided,
            required,
            connected ? connectedAt : nil
        ).first!.decode(Int.self, at: 0)
    }

    /// Inserts a work request directly in the given state.
    func insertWorkRequest(
        taskType: String = "Worker",
        taskName: String = "noop",
        status: String = "pending",
        priorityBase: Int = 0,
        priorityAdjustment: Int = 0,
        createdAt: Date = Date(),
        required: [String] = [],
        provided: [String] = [],
        workerID: Int? = nil,
        result: String = "",
        epoch: Int = 0,
        workflowData: JSONValue = .object([:]),
        configuredTaskData: JSONValue? = .object([:]),
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
            """,
            workspaceID,
            taskType,
            taskName,
            status,
            priorityBase,
            priorityAdjustment,
            createdAt,
            required,
            provided,
            workerID,
            result,
            epoch,
            workflowData,
            configuredTaskData,
            pendingStage
        ).first!.decode(Int.self, at: 0)
    }

    /// Writes an event to the outbox; the scheduler's own relay publishes it to its inbox.
    func publish(_ key: RoutingKey, _ event: EventBody) async throws {
        try await pool.withTransaction { conn in
            _ = try await EventOutbox.enqueue(try KilnEvent(key, body: event), on: conn)
        }
    }

    /// `(status, worker_id, assignment_epoch)` of a work request.
    func state(of id: Int) async throws -> (status: String, workerID: Int?, epoch: Int) {
        let row = try await pool.query(
            "SELECT status, worker_id, assignment_epoch FROM work_requests WHERE id = $1",
            id
        ).first!
        return (try row.decode(String.self, at: 0), try row.decode(Int?.self, at: 1), try row.decode(Int.self, at: 2))
    }

    /// `pending_stage` of a work request.
    func pendingStage(of id: Int) async throws -> String? {
        try await pool.query("SELECT pending_stage FROM work_requests WHERE id = $1", id).first!.decode(
            String?.self,
            at: 0
        )
    }
}
