import Foundation
import KilnCore
import KilnTasks
import KilnTestSupport
import Store

/// The records and work requests the lookup-resolver tests start from: `TaskFixture` (workspaces
/// `debian/developers` inheriting `debian/base`, a suite, environments, configuration collections) written
/// into the test's schema through `PGLookupStore`'s fixture sink, the creator `alice`, and work requests
/// submitted through `WorkRequestOperations.submit` — as `kiln submit` does.
struct ResolverFixture: Sendable {
    let pool: PGPool
    let registry: TaskRegistry
    let aliceID: Int

    /// sbuild of hello's source in sid (artifact 1, the `debian/match:codename=sid` environment).
    static let sbuildData: JSONValue = [
        "input": ["source_artifact": 1], "environment": "debian/match:codename=sid", "backend": "auto",
    ]

    /// Writes the fixture.
    static func populate(_ pool: PGPool) async throws -> ResolverFixture {
        try await pool.withSynchronousAccess { session in
            var store = PGLookupStore(session)
            try TaskFixture.populate(&store)
        }
        let alice = try await pool.withTransaction { conn in
            try await WorkspaceRepository.findOrCreateUser("alice", on: conn)
        }
        return ResolverFixture(pool: pool, registry: try KilnTasks.registry(), aliceID: alice.id)
    }

    /// Submits a work request as alice in `debian/developers` (validated, inserted, unblocked when it can
    /// be: pending stage `requested` and a `wr.unblocked` outbox row).
    func submit(_ taskName: String, _ data: JSONValue, dependsOn: [Int] = []) async throws -> Int {
        let validated = try WorkRequestSubmission(
            workspaceID: TaskFixture.Workspace.developers, createdBy: aliceID, taskName: taskName, taskData: data,
            dependencyIDs: dependsOn
        ).validated(by: registry)
        return try await pool.withTransaction { conn in try await WorkRequestOperations.submit(validated, on: conn).id }
    }

    /// The work request as stored.
    func load(_ id: Int) async throws -> StoredWorkRequest {
        try await pool.withConnection { conn in try await WorkRequestRepository.require(id: id, on: conn) }
    }

    /// The epoch the stored dynamic data was computed for.
    func dynamicDataEpoch(_ id: Int) async throws -> Int? {
        try await pool.query("SELECT dynamic_data_epoch FROM work_requests WHERE id = $1", id).first?
            .decode(Int?.self, at: 0)
    }

    /// The bodies of the outbox rows with this routing key, in order.
    func outbox(_ key: RoutingKey) async throws -> [JSONValue] {
        try await pool.query("SELECT body FROM outbox WHERE routing_key = $1 ORDER BY id", key.rawValue).rows.map {
            try $0.decode(JSONValue.self, at: 0)
        }
    }

    /// Whether the lookup-resolver's inbox has claimed this message id (its handler's effects committed).
    func inboxHas(_ messageID: String) async throws -> Bool {
        try await pool.query(
            "SELECT 1 FROM inbox WHERE consumer = 'lookup-resolver' AND message_id = $1", messageID
        ).first != nil
    }

    /// A registered worker, as the gateway would have created it.
    func worker() async throws -> Int {
        try await pool.withTransaction { conn in
            try await WorkerRepository.create(fqdn: "builder-\(UUID().uuidString.prefix(6)).example.org", on: conn)
                .worker.id
        }
    }

    /// What the tag-computer and the scheduler would have done: PENDING with configured task data (the
    /// submitted data: the fixture's default configuration does not change sbuild's inputs), assigned to
    /// `worker` with the next epoch; with the `wr.assigned` event unless `announce` is false (a lost message).
    @discardableResult
    func assign(_ id: Int, to worker: Int, announce: Bool = true) async throws -> Int {
        try await pool.withTransaction { conn in
            let epoch = try conn.query(
                """
                UPDATE work_requests SET status = 'pending', pending_stage = NULL, pending_at = now(),
                       configured_task_data = task_data, worker_id = $2, assignment_epoch = assignment_epoch + 1,
                       updated_at = now()
                 WHERE id = $1 RETURNING assignment_epoch
                """, id, worker
            ).first?.decode(Int.self, at: 0)
            guard let epoch else { throw HarnessError("work request \(id) vanished") }
            if announce {
                try await EventOutbox.enqueue(
                    .assigned(Assignment(workRequest: WorkRequestID(id), worker: WorkerID(worker), epoch: Epoch(epoch))),
                    on: conn)
            }
            return epoch
        }
    }

    /// The in-memory resolver over the same fixture, for the answers the service must match.
    func expectedPendingInputs(_ taskName: String, _ data: JSONValue) throws -> ResolvedPendingInputs {
        try PendingTransition.resolvePendingInputs(
            registry: registry, taskType: .worker, taskName: taskName, taskData: data, lookups: TaskFixture.lookups(),
            context: TaskFixture.context, settings: try InputResolutionSettings())
    }

    /// The dynamic data the in-memory pipeline computes for the same configured data.
    func expectedDynamicData(_ taskName: String, _ configured: JSONValue) throws -> JSONValue {
        try WorkRequestAssignment.computeDynamicData(
            registry: registry, taskType: .worker, taskName: taskName, configuredTaskData: configured,
            lookups: TaskFixture.lookups(), context: TaskFixture.context, settings: try InputResolutionSettings()
        ).json
    }
}
