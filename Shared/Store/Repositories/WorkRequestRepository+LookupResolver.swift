import Foundation
import KilnCore

/// An assignment whose dynamic task data is still missing: what the lookup-resolver's sweep re-drives with
/// a fresh `wr.assigned`.
public struct AwaitingDynamicData: Hashable, Sendable {
    /// The work request.
    public var workRequestID: Int
    /// The worker it is assigned to.
    public var workerID: Int
    /// The assignment's fencing number.
    public var epoch: Int

    /// Memberwise.
    public init(workRequestID: Int, workerID: Int, epoch: Int) {
        self.workRequestID = workRequestID
        self.workerID = workerID
        self.epoch = epoch
    }
}

/// The lookup-resolver's reads and compare-and-set writes (§4.9 steps 2 and 5).
///
/// Every write is guarded by the state the handler decided on, so replicas, redeliveries and sweeps racing
/// for the same work request change it at most once; the loser sees `false` and does nothing.
extension WorkRequestRepository {
    /// Where a work request's lookups run (§3.2): its workspace, as its creator, inside its workflow root.
    ///
    /// A creator deleted since (`created_by_id` NULL) looks up anonymously, seeing public workspaces only.
    public static func lookupContext(of workRequest: WorkRequest, on conn: PGConnection) async throws -> LookupContext {
        let user = try await conn.query(
            "SELECT u.username FROM work_requests w JOIN users u ON u.id = w.created_by_id WHERE w.id = $1",
            workRequest.id
        ).first.map { try $0.decode(String.self, at: 0) }
        return LookupContext(
            workspaceID: workRequest.workspaceID, user: user, workflowRootID: workRequest.workflowRootID)
    }

    /// BLOCKED/`requested` → BLOCKED/`inputs-resolved`, storing the resolved `Stage.pending` inputs
    /// (`ResolvedPendingInputs` as JSON) in `dynamic_task_data`, where the tag-computer reads them and which
    /// it replaces when it makes the work request PENDING.
    ///
    /// - Returns: `true` when this call moved the row; `false` when it was no longer BLOCKED/`requested`.
    public static func recordPendingInputsResolved(
        _ id: Int, resolved: JSONValue, on conn: PGConnection
    ) async throws -> Bool {
        try await conn.execute(
            """
            UPDATE work_requests SET pending_stage = 'inputs-resolved', dynamic_task_data = $2, updated_at = now()
             WHERE id = $1 AND status = 'blocked' AND pending_stage = 'requested'
            """, id, resolved) == 1
    }

    /// Stores the dynamic task data computed for one assignment, if the work request is still PENDING on
    /// that worker with that epoch and has no dynamic data for it yet.
    ///
    /// - Returns: `true` when stored; `false` when the assignment changed or was already served.
    public static func recordDynamicData(
        _ id: Int, workerID: Int, epoch: Int, dynamicData: JSONValue, on conn: PGConnection
    ) async throws -> Bool {
        try await conn.execute(
            """
            UPDATE work_requests SET dynamic_task_data = $4, dynamic_data_epoch = $3, updated_at = now()
             WHERE id = $1 AND status = 'pending' AND worker_id = $2 AND assignment_epoch = $3
               AND dynamic_data_epoch IS DISTINCT FROM $3
            """, id, workerID, epoch, dynamicData) == 1
    }

    /// Whether the work request already has dynamic data computed for assignment `epoch`.
    public static func hasDynamicData(_ id: Int, forEpoch epoch: Int, on conn: PGConnection) async throws -> Bool {
        try await conn.query(
            "SELECT 1 FROM work_requests WHERE id = $1 AND dynamic_data_epoch = $2", id, epoch
        ).first != nil
    }

    /// Claims up to `limit` work requests stuck in pending stage `requested` for longer than `grace`, and
    /// touches their `updated_at` so that another replica's sweep (and this one's next) leaves them alone
    /// for another `grace` while the re-driven event is handled.
    ///
    /// Must run inside the transaction that re-enqueues their `wr.unblocked` events.
    public static func claimStuckUnblocking(
        olderThan grace: Duration, limit: Int, on conn: PGConnection
    ) async throws -> [Int] {
        try await conn.query(
            """
            WITH stuck AS (
                SELECT id FROM work_requests
                 WHERE pending_stage = 'requested' AND updated_at < now() - make_interval(secs => $1)
                 ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED
            )
            UPDATE work_requests w SET updated_at = now() FROM stuck WHERE w.id = stuck.id RETURNING w.id
            """, grace.timeInterval, limit
        ).rows.map { try $0.decode(Int.self, at: 0) }
    }

    /// Claims up to `limit` assigned, still PENDING work requests whose dynamic data is missing for their
    /// current epoch after `grace`, touching `updated_at` like ``claimStuckUnblocking(olderThan:limit:on:)``.
    public static func claimAwaitingDynamicData(
        olderThan grace: Duration, limit: Int, on conn: PGConnection
    ) async throws -> [AwaitingDynamicData] {
        try await conn.query(
            """
            WITH stuck AS (
                SELECT id FROM work_requests
                 WHERE status = 'pending' AND worker_id IS NOT NULL
                   AND dynamic_data_epoch IS DISTINCT FROM assignment_epoch
                   AND updated_at < now() - make_interval(secs => $1)
                 ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED
            )
            UPDATE work_requests w SET updated_at = now() FROM stuck WHERE w.id = stuck.id
            RETURNING w.id, w.worker_id, w.assignment_epoch
            """, grace.timeInterval, limit
        ).rows.map { row in
            AwaitingDynamicData(
                workRequestID: try row.decode(Int.self, at: 0), workerID: try row.decode(Int.self, at: 1),
                epoch: try row.decode(Int.self, at: 2))
        }
    }
}
