import Foundation
import KilnCore

extension WorkRequestRepository {
    /// Where a work request's lookups run (Debusine `WorkRequest.lookup_single`): its workspace, as its creator, inside
    /// its workflow root.
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
}
