import KilnCore
import PGClient
import Store

/// What `--json` prints for a work request a command changed: Debusine's API answers a creation, an abort and a
/// retry with the work request's serializer (`WorkRequestViewSet.post`, `WorkRequestAbortView.post`,
/// `WorkRequestRetryView.post`), so Kiln prints the same fields (`WorkRequestSerialization`), with Kiln's stage.
enum WorkRequestAnswer {
    /// The serializer's fields of work request `id` as stored now, and its `pending_stage`.
    static func fields(
        of id: Int, taskData shown: WorkRequestSerialization.TaskDataShown = .configured, on conn: PGConnection
    ) async throws -> [String: JSONValue] {
        let stored = try await WorkRequestRepository.require(id: id, on: conn)
        let workspace = try await WorkspaceRepository.find(id: stored.workRequest.workspaceID, on: conn)
        return fields(
            of: stored, scope: workspace?.scope ?? "", workspace: workspace?.name ?? String(stored.workRequest.workspaceID),
            artifacts: try await ArtifactFileRepository.created(byWorkRequest: id, on: conn), taskData: shown)
    }

    /// The serializer's fields of `stored` in workspace `scope/workspace`, and its `pending_stage`.
    static func fields(
        of stored: StoredWorkRequest, scope: String, workspace: String, artifacts: [Int] = [],
        taskData shown: WorkRequestSerialization.TaskDataShown = .configured
    ) -> [String: JSONValue] {
        var fields = WorkRequestSerialization.fields(
            of: stored.workRequest,
            in: WorkRequestSerialization.Context(
                scope: scope, workspace: workspace, eventReactions: stored.eventReactions, artifacts: artifacts),
            taskData: shown)
        fields["pending_stage"] = Output.optional(stored.workRequest.pendingStage?.rawValue)
        return fields
    }
}
