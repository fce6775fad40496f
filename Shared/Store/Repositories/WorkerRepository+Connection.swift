import Foundation
import KilnCore

/// A worker as the worker-gateway needs it: identity, whether it may work, and where its mailbox is.
public struct GatewayWorker: Hashable, Sendable {
    /// The worker's primary key.
    public var id: Int
    /// Its unique slug (from the FQDN).
    public var name: String
    /// `external` or `signing` (the only types that talk to the gateway).
    public var workerType: WorkerType
    /// Work requests it may run at once (the `markedRunning` guard needs it).
    public var concurrency: Int
    /// Only enabled workers are welcomed, sent work and have their results accepted.
    public var enabled: Bool
    /// Its current private `amq.gen-…` queue, if it ever said hello.
    public var queueName: String?
    /// `nil` while disconnected.
    public var connectedAt: Date?
}

/// The worker-gateway's SQL: self-registration, activation, connection bookkeeping, liveness and leases.
///
/// Kept apart from `WorkerRepository` so the gateway's statements live in one file (the other services add
/// their own extensions); every write that other services must hear about enqueues its event through
/// `EventOutbox` in the caller's transaction.
extension WorkerRepository {
    static let gatewayColumns = "id, name, worker_type, concurrency, enabled, queue_name, connected_at"

    /// The gateway's view of worker `id`, locked `FOR UPDATE` when asked, so that two messages of one worker
    /// handled at once serialise on its row.
    public static func gatewayWorker(id: Int, lock: Bool = false, on conn: PGConnection) async throws -> GatewayWorker? {
        try await conn.query(
            "SELECT \(gatewayColumns) FROM workers WHERE id = $1\(lock ? " FOR UPDATE" : "")", id
        ).first.map(gatewayWorker(from:))
    }

    /// Self-registration (Debusine `server/views/workers.py` `RegisterView.post`): a worker presenting an unknown token
    /// is registered DISABLED, named from its FQDN (`-2`, `-3`, … on a clash, Debusine
    /// `WorkerManager.create_with_fqdn`), with the token stored (digest only) disabled too; an
    /// admin enables it with `kiln worker enable`.
    ///
    /// - Throws: `RepositoryError.invalid` for an FQDN that yields no usable name.
    public static func registerSelf(
        fqdn: String, workerType: WorkerType, tokenSecret: String, on conn: PGConnection
    ) async throws -> GatewayWorker {
        let base = slug(forFQDN: fqdn)
        guard !base.isEmpty, fqdn.count <= 400 else {
            throw RepositoryError.invalid("'\(fqdn)' is not a usable FQDN (letters, digits, dots, hyphens; ≤ 400)")
        }
        var suffix = 1
        var workerID: Int?
        while workerID == nil {
            let name = suffix == 1 ? base : "\(base)-\(suffix)"
            workerID = try await conn.query(
                """
                INSERT INTO workers (name, worker_type, concurrency, enabled, self_registered) VALUES ($1, $2, 1, false, true)
                ON CONFLICT ON CONSTRAINT workers_name_key DO NOTHING RETURNING id
                """, name, workerType.rawValue
            ).first.map { try $0.decode(Int.self, at: 0) }
            suffix += 1
        }
        guard let workerID, let worker = try await gatewayWorker(id: workerID, on: conn) else {
            throw RepositoryError.notFound(kind: "worker", key: base)
        }
        try await TokenRepository.create(
            secret: tokenSecret, kind: .worker, enabled: false, comment: "self-registered by \(fqdn)",
            workerID: workerID, on: conn)
        return worker
    }

    /// Activation (Debusine `RegisterView.post` with an activation token): attaches the worker's new token (enabled) to
    /// the pre-created worker of a usable activation token, enables the worker and deletes the one-shot activation
    /// token.
    public static func activate(
        workerID: Int, activationTokenID: Int, newTokenSecret: String, on conn: PGConnection
    ) async throws {
        try await TokenRepository.create(
            secret: newTokenSecret, kind: .worker, enabled: true, comment: "attached by activation",
            workerID: workerID, on: conn)
        try await conn.execute(
            "UPDATE workers SET enabled = true, first_enabled_at = coalesce(first_enabled_at, now()) WHERE id = $1 AND enabled = false",
            workerID)
        try await conn.execute("DELETE FROM tokens WHERE id = $1 AND kind = 'activation'", activationTokenID)
    }

    /// Records a (re)connection: the worker's new queue, `connected_at`, `last_seen_at` and its dynamic
    /// metadata (with `dynamic_metadata_updated_at`), and enqueues `worker.metadata` so the tag-computer
    /// recomputes its tag sets and announces it ready. Compare-and-set on `enabled`.
    ///
    /// - Returns: `false` when the worker is not (or no longer) enabled: nothing was written.
    public static func recordConnection(
        workerID: Int, queue: String, metadata: [String: JSONValue], on conn: PGConnection
    ) async throws -> Bool {
        let changed = try await conn.execute(
            """
            UPDATE workers SET queue_name = $2, connected_at = now(), last_seen_at = now(), dynamic_metadata = $3,
                   dynamic_metadata_updated_at = now()
            WHERE id = $1 AND enabled
            """, workerID, queue, metadata)
        guard changed == 1 else { return false }
        try await EventOutbox.enqueue(.workerMetadata(WorkerID(workerID)), on: conn)
        return true
    }

    /// The connected worker whose current reply queue is `queue`, other than `exceptWorkerID`, if any: a hello
    /// naming it comes from someone else (server-named queues are per connection), and must not be answered
    /// on that queue nor take it over.
    public static func connectedWorker(
        usingQueue queue: String, except exceptWorkerID: Int?, on conn: PGConnection
    ) async throws -> (id: Int, name: String)? {
        try await conn.query(
            """
            SELECT id, name FROM workers
             WHERE queue_name = $1 AND connected_at IS NOT NULL AND id IS DISTINCT FROM $2
             LIMIT 1
            """, queue, exceptWorkerID
        ).first.map { (try $0.decode(Int.self, at: 0), try $0.decode(String.self, at: 1)) }
    }

    /// Replaces a worker's dynamic metadata (`worker.metadata-update`) and enqueues `worker.metadata`.
    public static func recordDynamicMetadata(
        workerID: Int, metadata: [String: JSONValue], on conn: PGConnection
    ) async throws {
        try await conn.execute(
            """
            UPDATE workers SET dynamic_metadata = $2, dynamic_metadata_updated_at = now(), last_seen_at = now()
            WHERE id = $1
            """, workerID, metadata)
        try await EventOutbox.enqueue(.workerMetadata(WorkerID(workerID)), on: conn)
    }

    /// Stamps `last_seen_at`. A worker that the liveness sweep had marked disconnected but is heard from
    /// again is connected again and re-announced (`worker.metadata`, so the tag-computer emits
    /// `worker.ready` and the scheduler takes it back).
    ///
    /// - Returns: `true` when the worker was reconnected by this call.
    @discardableResult
    public static func recordSeen(workerID: Int, on conn: PGConnection) async throws -> Bool {
        let reconnected = try await conn.query(
            """
            UPDATE workers SET last_seen_at = now(), connected_at = coalesce(connected_at, now())
            WHERE id = $1 AND enabled
            RETURNING (SELECT connected_at IS NULL FROM workers WHERE id = $1)
            """, workerID
        ).first.map { try $0.decode(Bool.self, at: 0) } ?? false
        if reconnected {
            try await EventOutbox.enqueue(.workerMetadata(WorkerID(workerID)), on: conn)
        }
        return reconnected
    }

    /// Marks a worker disconnected and enqueues `worker.gone`, but only while its queue is still
    /// `queue` — a return from a queue the worker has since replaced (it reconnected) says nothing about
    /// the worker. Its work requests stay assigned (Debusine `server/consumers.py` `WorkerConsumer.disconnect` does not
    /// de-assign).
    ///
    /// - Returns: `true` when this call disconnected it.
    @discardableResult
    public static func markDisconnected(workerID: Int, queue: String, on conn: PGConnection) async throws -> Bool {
        let changed = try await conn.execute(
            "UPDATE workers SET connected_at = NULL WHERE id = $1 AND connected_at IS NOT NULL AND queue_name = $2",
            workerID, queue)
        guard changed == 1 else { return false }
        try await EventOutbox.enqueue(.workerGone(WorkerID(workerID)), on: conn)
        return true
    }

    /// The liveness sweep: every connected worker not heard from for `silence` is marked disconnected,
    /// with one `worker.gone` each. The scheduler owns what happens to their work requests (lease expiry).
    ///
    /// - Returns: the ids of the workers disconnected.
    public static func disconnectSilentWorkers(silence: Duration, on conn: PGConnection) async throws -> [Int] {
        let ids = try await conn.query(
            """
            UPDATE workers SET connected_at = NULL
            WHERE connected_at IS NOT NULL AND coalesce(last_seen_at, connected_at) < now() - $1::bigint * interval '1 millisecond'
            RETURNING id
            """, Int(silence.wholeMilliseconds)
        ).rows.map { try $0.decode(Int.self, at: 0) }
        for id in ids.sorted() {
            try await EventOutbox.enqueue(.workerGone(WorkerID(id)), on: conn)
        }
        return ids.sorted()
    }

    /// Renews the lease of `workRequestID` for `lease` if it is still assigned to `workerID` under `epoch`
    /// (PENDING or RUNNING); the lease row is created or moved to that epoch if needed.
    ///
    /// - Returns: `false` when the pair is stale (another worker, another epoch, or finished): nothing
    ///   written, and the worker should be told to stop.
    public static func renewLease(
        workRequestID: Int, workerID: Int, epoch: Int, lease: Duration, on conn: PGConnection
    ) async throws -> Bool {
        let current = try await conn.query(
            """
            SELECT 1 FROM work_requests WHERE id = $1 AND worker_id = $2 AND assignment_epoch = $3
              AND status IN ('pending', 'running')
            """, workRequestID, workerID, epoch
        ).first
        guard current != nil else { return false }
        try await upsertLease(workRequestID: workRequestID, workerID: workerID, epoch: epoch, lease: lease, on: conn)
        return true
    }

    /// Records what the task of a current assignment (same worker, same epoch, not finished) says it is doing,
    /// at most 500 characters; a stale assignment's report changes nothing.
    public static func recordProgress(
        workRequestID: Int, workerID: Int, epoch: Int, progress: String, on conn: PGConnection
    ) async throws {
        try await conn.execute(
            """
            UPDATE work_requests SET progress = $4
             WHERE id = $1 AND worker_id = $2 AND assignment_epoch = $3 AND status IN ('pending', 'running')
               AND progress IS DISTINCT FROM $4
            """, workRequestID, workerID, epoch, String(progress.prefix(500)))
    }

    /// What the tasks of `ids` last reported doing, for those that reported anything.
    public static func progress(ofWorkRequests ids: [Int], on conn: PGConnection) async throws -> [Int: String] {
        guard !ids.isEmpty else { return [:] }
        var found: [Int: String] = [:]
        for row in try await conn.query(
            "SELECT id, progress FROM work_requests WHERE id = ANY($1) AND progress IS NOT NULL", ids
        ).rows {
            found[try row.decode(Int.self, at: 0)] = try row.decode(String.self, at: 1)
        }
        return found
    }

    /// Writes the lease of an assignment: created, or renewed and moved to `epoch` (a hand-back after a
    /// reconnect fences the old run with a new epoch).
    public static func upsertLease(
        workRequestID: Int, workerID: Int, epoch: Int, lease: Duration, on conn: PGConnection
    ) async throws {
        try await conn.execute(
            """
            INSERT INTO leases (work_request_id, worker_id, epoch, expires_at)
            VALUES ($1, $2, $3, now() + $4::bigint * interval '1 millisecond')
            ON CONFLICT (work_request_id) DO UPDATE SET worker_id = EXCLUDED.worker_id, epoch = EXCLUDED.epoch,
                renewed_at = now(), expires_at = EXCLUDED.expires_at
            """, workRequestID, workerID, epoch,
            Int(lease.wholeMilliseconds))
    }

    /// How many work requests worker `id` runs now (the `markedRunning` capacity guard).
    public static func runningCount(workerID: Int, on conn: PGConnection) async throws -> Int {
        try await conn.query(
            "SELECT count(*) FROM work_requests WHERE worker_id = $1 AND status = 'running'", workerID
        ).first.map { try $0.decode(Int.self, at: 0) } ?? 0
    }

    /// Which of `workRequestIDs` have created at least one artifact (Debusine's `WorkRequestQuerySet.reassignable`
    /// test).
    public static func workRequestsWithOutput(_ workRequestIDs: [Int], on conn: PGConnection) async throws -> Set<Int> {
        guard !workRequestIDs.isEmpty else { return [] }
        return Set(
            try await conn.query(
                """
                SELECT DISTINCT created_by_work_request_id FROM artifacts WHERE created_by_work_request_id = ANY($1)
                """, workRequestIDs
            ).rows.map { try $0.decode(Int.self, at: 0) })
    }

    /// `scope` and `workspace` names of a workspace, for the assignment sent to the worker.
    public static func workspaceNames(workspaceID: Int, on conn: PGConnection) async throws -> (scope: String, workspace: String) {
        guard
            let row = try await conn.query(
                "SELECT s.name, w.name FROM workspaces w JOIN scopes s ON s.id = w.scope_id WHERE w.id = $1",
                workspaceID
            ).first
        else { throw RepositoryError.notFound(kind: "workspace", key: String(workspaceID)) }
        return (try row.decode(String.self, at: 0), try row.decode(String.self, at: 1))
    }

    static func gatewayWorker(from row: PGRow) throws -> GatewayWorker {
        let typeText = try row.decode(String.self, named: "worker_type")
        guard let type = WorkerType(rawValue: typeText) else {
            throw RepositoryError.invalid("worker has unknown worker_type '\(typeText)'")
        }
        return GatewayWorker(
            id: try row.decode(Int.self, named: "id"), name: try row.decode(String.self, named: "name"),
            workerType: type, concurrency: try row.decode(Int.self, named: "concurrency"),
            enabled: try row.decode(Bool.self, named: "enabled"),
            queueName: try row.decode(String?.self, named: "queue_name"),
            connectedAt: try row.decode(Date?.self, named: "connected_at"))
    }
}
