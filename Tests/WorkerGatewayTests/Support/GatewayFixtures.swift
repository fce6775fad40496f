import KilnTestSupport
import AMQP
import Foundation
import KilnCore
import Store
import Testing

/// Database fixtures and event injection for the gateway tests.
extension GatewayHarness {
    /// A scope, a workspace and a work request already ASSIGNED to `workerID` under `epoch`, with configured
    /// and dynamic data (what the scheduler and the lookup-resolver leave behind), plus its lease. With
    /// `dynamicDataReady` its dynamic
    /// data is recorded for this epoch (ready to dispatch); without, `dynamic_task_data` holds only the
    /// pending stage's values, as before the lookup-resolver computed the assignment's. `untouchedFor` ages
    /// `updated_at` by that many seconds (what the stuck-dispatch sweep looks at).
    func assignedWorkRequest(
        workerID: Int, epoch: Int, status: String = "pending", retryCount: Int = 0,
        dynamicDataReady: Bool = true, untouchedFor seconds: Int = 0
    ) async throws -> Int {
        // Not ready: on a first assignment the row has no dynamic data yet; on a later one it holds the previous
        // assignment's. Either way it has its pending-stage values, and none of it may reach the worker.
        let recordedEpoch: Int? = dynamicDataReady ? epoch : (epoch > 1 ? epoch - 1 : nil)
        return try await pool.withTransaction { conn in
            let workspace = try #require(try conn.query(
                """
                WITH s AS (INSERT INTO scopes (name) VALUES ('debian') ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id)
                INSERT INTO workspaces (scope_id, name) SELECT id, 'ws-' || substr(md5(random()::text), 1, 8) FROM s RETURNING id
                """
            ).first).decode(Int.self, at: 0)
            let id = try #require(try conn.query(
                """
                INSERT INTO work_requests (workspace_id, task_type, task_name, task_data, status, worker_id, assignment_epoch,
                                           configured_task_data, dynamic_task_data, dynamic_data_epoch, pending_at,
                                           started_at, workflow_data, updated_at, pending_stage_data)
                VALUES ($1, 'Worker', 'noop', '{"result": "success"}', $2, $3, $4, '{"result": "success", "configured": 1}',
                        CASE WHEN $6::bigint = $4 THEN '{"task_input_fields": {}}'::jsonb
                             WHEN $6::bigint IS NOT NULL THEN '{"task_input_fields": {"earlier_assignment": 1}}'::jsonb END,
                        $6, now(), CASE WHEN $2 = 'running' THEN now() END,
                        jsonb_build_object('retry_count', $5::int), now() - make_interval(secs => $7),
                        '{"task_input_fields": {"pending_stage_only": 1}}')
                RETURNING id
                """, workspace, status, workerID, epoch, retryCount, recordedEpoch, seconds
            ).first).decode(Int.self, at: 0)
            try conn.execute(
                "INSERT INTO leases (work_request_id, worker_id, epoch, expires_at) VALUES ($1, $2, $3, now() + interval '5 seconds')",
                id, workerID, epoch)
            return id
        }
    }

    /// One row of a query as text columns.
    func row(_ sql: String, _ parameters: any PGEncodable...) async throws -> PGRow? {
        try await pool.withConnection { conn in try await conn.query(sql, parameters: parameters).first }
    }

    /// How many outbox rows have this routing key and `field` = `value` in their body.
    func outboxCount(_ key: RoutingKey, field: String, equals value: Int) async throws -> Int {
        try #require(
            try await row(
                "SELECT count(*) FROM outbox WHERE routing_key = $1 AND (body ->> $2)::bigint = $3", key.rawValue, field,
                value)
        ).decode(Int.self, at: 0)
    }

    /// Publishes an event to `kiln.events` as the outbox relay of another service would.
    func publishEvent(_ key: RoutingKey, _ event: EventBody) async throws {
        let publisher = AMQPPublisher(configuration: try AMQPConnectionConfiguration(url: serviceAMQPURL))
        try await publisher.publish(
            OutgoingMessage(
                exchange: "kiln.events", routingKey: key.rawValue, body: try MessageCodec.encode(event),
                properties: MessageProperties(type: key.rawValue, appID: "test")))
        await publisher.close()
    }

    /// Publishes `copies` of one event at once (each its own message id, as separate producers would), so the
    /// gateway has them in flight together.
    func publishEvent(_ key: RoutingKey, _ event: EventBody, copies: Int) async throws {
        let publisher = AMQPPublisher(configuration: try AMQPConnectionConfiguration(url: serviceAMQPURL))
        let body = try MessageCodec.encode(event)
        let messages = (0..<copies).map { _ in
            OutgoingMessage(
                exchange: "kiln.events", routingKey: key.rawValue, body: body,
                properties: MessageProperties(type: key.rawValue, appID: "test"))
        }
        for outcome in try await publisher.publish(messages, window: copies) { try outcome.get() }
        await publisher.close()
    }

    /// Says hello as a self-registering worker, enables it through the repository (what `kiln worker enable`
    /// does), says hello again and returns its welcome.
    func enabledWorker(_ worker: TestWorker, token: String, fqdn: String, metadata: [String: JSONValue] = [:])
        async throws -> GatewayWelcome
    {
        let queue = try await worker.queue()
        try await worker.send(.hello, WorkerHello(token: token, fqdn: fqdn, workerType: .external, queue: queue, metadata: metadata))
        _ = try await worker.next(.refused, as: GatewayRefusal.self)
        let name = try #require(
            try await row(
                "SELECT w.name FROM workers w JOIN tokens t ON t.worker_id = w.id WHERE t.digest = $1",
                TokenRepository.digest(of: token))
        ).decode(String.self, at: 0)
        try await pool.withTransaction { conn in _ = try await WorkerRepository.enable(nameOrToken: name, on: conn) }
        try await worker.send(.hello, WorkerHello(token: token, fqdn: fqdn, workerType: .external, queue: queue, metadata: metadata))
        return try await worker.next(.welcome, as: GatewayWelcome.self)
    }
}
