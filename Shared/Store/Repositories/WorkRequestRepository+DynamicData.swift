import Foundation
import KilnCore


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
}
