import Foundation
import KilnCore

/// What committing a batch of proposed assignments did to each proposal.
public struct AssignmentBatchOutcome: Hashable, Sendable {
    /// The proposals whose compare-and-set won: the lease and the `wr.assigned` event of each were written
    /// in the same transaction, and `epoch` is the fencing number the worker's result must carry.
    public var committed: [Assignment]
    /// Proposals whose work request stopped being PENDING and unassigned (another writer took it).
    public var workRequestTaken: [ProposedAssignment]
    /// Proposals refused because the worker is no longer usable or has no free slot in PostgreSQL.
    public var workerRefused: [ProposedAssignment]
}

/// A lease whose `expires_at` has passed: its worker stopped renewing it (no heartbeat).
public struct ExpiredLease: Hashable, Sendable {
    /// The leased work request.
    public var workRequestID: Int
    /// The worker that held it.
    public var workerID: Int
    /// The assignment epoch the lease was granted for.
    public var epoch: Int
}

/// The scheduler's queries: the pending queue as the scheduling index needs it, batch assignment with
/// compare-and-set, leases, and the candidates for the scheduler's own (internal and wait) work.
extension WorkRequestRepository {
    /// Task types that run on a worker (Debusine `server/scheduler.py` `get_candidate_work_requests`): only these enter
    /// the scheduling index.
    static let workerTaskTypes = [TaskType.worker, .server, .signing].map(\.rawValue)

    /// PENDING, unassigned work requests that need a worker, as the scheduling index holds them; all of them
    /// (`ids` nil: start-up, takeover) or those among `ids` (an event or a sweep named them).
    public static func pendingForScheduling(ids: [Int]? = nil, on conn: PGConnection) async throws -> [PendingWorkRequest] {
        try await conn.query(
            """
            SELECT w.id, w.task_name, w.priority_base + w.priority_adjustment, w.created_at,
                   w.scheduler_tags_required, w.scheduler_tags_provided
            FROM work_requests w
            WHERE w.status = 'pending' AND w.worker_id IS NULL AND w.task_type = ANY($1::text[])
              AND ($2::bigint[] IS NULL OR w.id = ANY($2::bigint[]))
            """, workerTaskTypes, ids
        ).rows.map { row in
            PendingWorkRequest(
                id: try row.decode(Int.self, at: 0), taskName: try row.decode(String.self, at: 1),
                effectivePriority: try row.decode(Int.self, at: 2), createdAt: try row.decode(Date.self, at: 3),
                requiredTags: try row.decode([String].self, at: 4), providedTags: try row.decode([String].self, at: 5))
        }
    }

    /// The ids of every PENDING, unassigned work request that needs a worker (the drift sweep compares them
    /// with the index).
    public static func pendingForSchedulingIDs(on conn: PGConnection) async throws -> [Int] {
        try await conn.query(
            """
            SELECT id FROM work_requests
            WHERE status = 'pending' AND worker_id IS NULL AND task_type = ANY($1::text[])
            """, workerTaskTypes
        ).rows.map { try $0.decode(Int.self, at: 0) }
    }

    /// Commits proposed assignments in the caller's transaction: per work request a compare-and-set
    /// (`status = 'pending' AND worker_id IS NULL`, epoch + 1) guarded by the worker still being enabled,
    /// connected and below its concurrency (counting the earlier proposals of the batch), then a lease
    /// expiring after `leaseDuration` and a `wr.assigned` event per won row — all in three statements.
    ///
    /// - Returns: which proposals won and why the others lost.
    public static func commitAssignments(
        _ proposals: [ProposedAssignment], leaseDuration: Duration, on conn: PGConnection
    ) async throws -> AssignmentBatchOutcome {
        guard await conn.isInTransaction else { throw PGError.notInTransaction(operation: "commitAssignments") }
        guard !proposals.isEmpty else { return AssignmentBatchOutcome(committed: [], workRequestTaken: [], workerRefused: []) }
        let workRequestIDs = proposals.map(\.workRequestID)
        let workerIDs = proposals.map(\.workerID)
        let committed = try await conn.query(
            """
            WITH proposal AS (
                SELECT p.wr, p.worker, row_number() OVER (PARTITION BY p.worker ORDER BY p.ord) AS rank
                FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS p(wr, worker, ord)
            ), capacity AS (
                SELECT k.id, k.concurrency - (SELECT count(*) FROM work_requests a
                                              WHERE a.worker_id = k.id AND a.status IN ('pending', 'running')) AS free
                FROM workers k
                WHERE k.id IN (SELECT worker FROM proposal) AND k.enabled AND k.connected_at IS NOT NULL
                FOR UPDATE OF k
            ), allowed AS (
                SELECT proposal.wr, proposal.worker FROM proposal JOIN capacity ON capacity.id = proposal.worker
                WHERE proposal.rank <= capacity.free
            )
            UPDATE work_requests w
            SET worker_id = allowed.worker, assignment_epoch = w.assignment_epoch + 1, updated_at = now()
            FROM allowed
            WHERE w.id = allowed.wr AND w.status = 'pending' AND w.worker_id IS NULL
            RETURNING w.id, w.worker_id, w.assignment_epoch
            """, workRequestIDs, workerIDs
        ).rows.map { row in
            Assignment(
                workRequest: try row.decode(WorkRequestID.self, at: 0), worker: try row.decode(WorkerID.self, at: 1),
                epoch: try row.decode(Epoch.self, at: 2))
        }
        let won = Set(committed.map(\.workRequest.rawValue))
        var taken: [ProposedAssignment] = []
        var refused: [ProposedAssignment] = []
        let lost = proposals.filter { !won.contains($0.workRequestID) }
        if !lost.isEmpty {
            let stillPending = Set(
                try await conn.query(
                    "SELECT id FROM work_requests WHERE id = ANY($1::bigint[]) AND status = 'pending' AND worker_id IS NULL",
                    lost.map(\.workRequestID)
                ).rows.map { try $0.decode(Int.self, at: 0) })
            for proposal in lost {
                if stillPending.contains(proposal.workRequestID) { refused.append(proposal) } else { taken.append(proposal) }
            }
        }
        if !committed.isEmpty {
            _ = try await conn.execute(
                """
                INSERT INTO leases (work_request_id, worker_id, epoch, granted_at, renewed_at, expires_at)
                SELECT wr, worker, epoch, now(), now(), now() + make_interval(secs => $4)
                FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS t(wr, worker, epoch)
                ON CONFLICT (work_request_id) DO UPDATE
                SET worker_id = EXCLUDED.worker_id, epoch = EXCLUDED.epoch, granted_at = EXCLUDED.granted_at,
                    renewed_at = EXCLUDED.renewed_at, expires_at = EXCLUDED.expires_at
                """, committed.map(\.workRequest), committed.map(\.worker), committed.map(\.epoch),
                leaseDuration.timeInterval)
            try await EventOutbox.enqueueAll(committed.map { .assigned($0) }, on: conn)
        }
        return AssignmentBatchOutcome(committed: committed, workRequestTaken: taken, workerRefused: refused)
    }

    /// Leases past their `expires_at`, oldest first.
    public static func expiredLeases(limit: Int, on conn: PGConnection) async throws -> [ExpiredLease] {
        try await conn.query(
            """
            SELECT work_request_id, worker_id, epoch FROM leases WHERE expires_at < now()
            ORDER BY expires_at, work_request_id LIMIT $1
            """, limit
        ).rows.map { row in
            ExpiredLease(
                workRequestID: try row.decode(Int.self, at: 0), workerID: try row.decode(Int.self, at: 1),
                epoch: try row.decode(Int.self, at: 2))
        }
    }

    /// Deletes a lease if it still is the one read (same epoch): a stale lease whose work request moved on.
    public static func deleteLease(_ lease: ExpiredLease, on conn: PGConnection) async throws {
        _ = try await conn.execute(
            "DELETE FROM leases WHERE work_request_id = $1 AND epoch = $2", lease.workRequestID, lease.epoch)
    }

    /// Whether the work request has created at least one artifact (Debusine 0.16 "reassignable" means it has not).
    public static func hasProducedArtifact(_ id: Int, on conn: PGConnection) async throws -> Bool {
        try await conn.query(
            "SELECT EXISTS (SELECT 1 FROM artifacts WHERE created_by_work_request_id = $1)", id
        ).first?.decode(Bool.self, at: 0) ?? false
    }

    /// Ids of work requests the scheduler handles itself (Debusine `server/scheduler.py` `schedule_internal`,
    /// `complete_wait_tasks`): PENDING Internal and Wait work requests, and RUNNING Wait/delay ones (which complete
    /// when due), in id order.
    public static func internalWorkCandidates(limit: Int, on conn: PGConnection) async throws -> [Int] {
        try await conn.query(
            """
            SELECT id FROM work_requests
            WHERE (status = 'pending' AND task_type IN ('Internal', 'Wait'))
               OR (status = 'running' AND task_type = 'Wait' AND lower(task_name) = 'delay')
            ORDER BY id LIMIT $1
            """, limit
        ).rows.map { try $0.decode(Int.self, at: 0) }
    }

    /// The worker a work request is (or was last) assigned to, reading that one column: `nil` when there is no
    /// such work request, `.some(nil)` when it has no worker. For the scheduler freeing a slot, which must
    /// not depend on the rest of the row being readable.
    public static func assignedWorker(id: Int, on conn: PGConnection) async throws -> Int?? {
        guard let row = try await conn.query("SELECT worker_id FROM work_requests WHERE id = $1", id).first else {
            return nil
        }
        return .some(try row.decode(Int?.self, at: 0))
    }
}
