import Foundation
import KilnCore

/// What the tag-computer reads and re-drives around the `inputs-resolved` stage, next to the shared
/// compare-and-set steps of `WorkRequestRepository+PendingStage.swift`.
extension WorkRequestRepository {
    /// The facts behind a work request's system task-provided tags (Debusine `db/tasks/base.py`
    /// `DBTask.compute_scheduler_tags`): the scope and workspace it runs in, and every group its creator belongs to
    /// (scope-level and workspace-level, as `created_by.debusine_groups` there), ordered so the derived tags and audit
    /// trail are reproducible.
    ///
    /// - Throws: `RepositoryError.notFound` when the work request does not exist.
    public static func tagContext(id: Int, on conn: PGConnection) async throws -> WorkRequestTagContext {
        guard
            let row = try await conn.query(
                """
                SELECT s.name, ws.name, w.created_by_id FROM work_requests w
                  JOIN workspaces ws ON ws.id = w.workspace_id JOIN scopes s ON s.id = ws.scope_id
                 WHERE w.id = $1
                """, id
            ).first
        else { throw RepositoryError.notFound(kind: "work request", key: String(id)) }
        let scope = try row.decode(String.self, at: 0)
        let workspace = try row.decode(String.self, at: 1)
        guard let creator = try row.decode(Int?.self, at: 2) else {
            // A creator deleted since (ON DELETE SET NULL) belongs to no group.
            return WorkRequestTagContext(scope: scope, workspace: workspace)
        }
        let groups = try await conn.query(
            """
            SELECT gs.name, gw.name, g.name FROM group_members m
              JOIN groups g ON g.id = m.group_id JOIN scopes gs ON gs.id = g.scope_id
              LEFT JOIN workspaces gw ON gw.id = g.workspace_id
             WHERE m.user_id = $1
             ORDER BY gs.name, gw.name NULLS FIRST, g.name
            """, creator
        ).rows.map { row in
            WorkRequestTagContext.CreatorGroup(
                scope: try row.decode(String.self, at: 0), workspace: try row.decode(String?.self, at: 1),
                name: try row.decode(String.self, at: 2))
        }
        return WorkRequestTagContext(scope: scope, workspace: workspace, creatorGroups: groups)
    }
}
