import Foundation
import KilnCore
import KilnTasks
import KilnTestSupport
import Store

/// The data the tag-computer tests run on: `TaskFixture` written into the test's schema, plus the creator of worked
/// example 1 of deploy/docs/tags.md (alice, member of the scope-level group `Debian`), and work requests brought to
/// `inputs-resolved` the way the lookup-resolver does (pipeline step 1 in-process over the same fixture,
/// then `markInputsResolved`).
enum TagComputerWorld {
    /// sbuild of hello in sid, backend auto (worked example 1 of deploy/docs/tags.md).
    static let helloSbuild: JSONValue = [
        "input": ["source_artifact": .int(TaskFixture.Artifact.helloSource)],
        "environment": "debian/match:codename=sid", "backend": "auto",
    ]

    /// Writes the fixture and alice; returns alice's user id.
    static func populate(_ pool: PGPool) async throws -> Int {
        try await pool.withTransaction { conn in
            try conn.withSynchronousAccess { session in
                var store = PGLookupStore(session)
                try TaskFixture.populate(&store)
            }
            guard
                let alice = try conn.query(
                    """
                    INSERT INTO users (username) VALUES ('alice')
                    ON CONFLICT (username) DO UPDATE SET is_active = users.is_active RETURNING id
                    """
                ).first?.decode(Int.self, at: 0),
                let group = try conn.query(
                    "INSERT INTO groups (scope_id, name) SELECT id, 'Debian' FROM scopes WHERE name = 'debian' RETURNING id"
                ).first?.decode(Int.self, at: 0)
            else { throw HarnessError("could not create alice and the Debian group") }
            try conn.execute("INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)", group, alice)
            return alice
        }
    }

    /// Submits a work request (sbuild unless `taskName` says otherwise), resolves its pending inputs in-process (step 1) and stores them with
    /// `markInputsResolved`, which enqueues `wr.inputs-resolved`; `withEvent: false` deletes that event, as
    /// if it were lost (for the sweep).
    static func atInputsResolved(
        _ pool: PGPool, creator: Int, taskName: String = "sbuild", taskData: JSONValue = helloSbuild,
        withEvent: Bool = true
    ) async throws -> Int {
        let registry = try KilnTasks.registry()
        let validated = try WorkRequestSubmission(
            workspaceID: TaskFixture.Workspace.developers, createdBy: creator, taskName: taskName, taskData: taskData
        ).validated(by: registry)
        let resolved = try PendingTransition.resolvePendingInputs(
            registry: registry, taskType: .worker, taskName: taskName, taskData: taskData,
            lookups: TaskFixture.lookups(), context: TaskFixture.context, settings: try InputResolutionSettings())
        return try await pool.withTransaction { conn in
            let submitted = try await WorkRequestOperations.submit(validated, on: conn)
            let unblocking = try await WorkRequestRepository.require(id: submitted.id, on: conn).workRequest
            guard try await WorkRequestRepository.markInputsResolved(unblocking, resolved: resolved, on: conn)
            else { throw HarnessError("work request \(submitted.id) was not pending-requested after submit") }
            if !withEvent {
                try conn.execute("DELETE FROM outbox WHERE routing_key = 'wr.inputs-resolved'")
            }
            return submitted.id
        }
    }

    /// The stored work request.
    static func load(_ pool: PGPool, _ id: Int) async throws -> StoredWorkRequest {
        try await pool.withConnection { conn in try await WorkRequestRepository.require(id: id, on: conn) }
    }

    /// The audit trail of a work request or worker.
    static func audit(_ pool: PGPool, _ subject: TagAuditSubject) async throws -> [TagAuditRecord] {
        try await pool.withConnection { conn in try await TagAuditRepository.events(for: subject, on: conn) }
    }

    /// Inserts a worker with the given metadata and enqueues `worker.metadata` for it, as the gateway does.
    static func reportingWorker(
        _ pool: PGPool, name: String, enabled: Bool = true, connected: Bool = true,
        staticMetadata: [String: JSONValue] = [:], dynamicMetadata: [String: JSONValue]
    ) async throws -> Int {
        try await pool.withTransaction { conn in
            guard
                let id = try conn.query(
                    """
                    INSERT INTO workers (name, worker_type, enabled, static_metadata, dynamic_metadata,
                                         dynamic_metadata_updated_at, connected_at)
                    VALUES ($1, 'external', $2, $3, $4, now(), CASE WHEN $5 THEN now() END) RETURNING id
                    """, name, enabled, staticMetadata, dynamicMetadata, connected
                ).first?.decode(Int.self, at: 0)
            else { throw HarnessError("could not insert worker \(name)") }
            try await EventOutbox.enqueue(.workerMetadata(WorkerID(id)), on: conn)
            return id
        }
    }

    /// The worker's stored tag sets (nil until computed).
    static func workerTags(_ pool: PGPool, _ id: Int) async throws -> (provided: [String], required: [String])? {
        guard
            let row = try await pool.query(
                "SELECT provided_tags, required_tags FROM workers WHERE id = $1 AND tags_computed_at IS NOT NULL", id
            ).first
        else { return nil }
        return (try row.decode([String].self, at: 0), try row.decode([String].self, at: 1))
    }
}
