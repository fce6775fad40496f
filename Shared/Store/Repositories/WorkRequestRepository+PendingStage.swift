import Foundation
import KilnCore

/// The compare-and-set steps of the asynchronous unblocking pipeline (`pending_stage`, migration 2), so the
/// lookup-resolver and the tag-computer write these rows exactly one way:
///
/// ```
/// blocked/requested ─markInputsResolved─► blocked/inputs-resolved ─markPendingConfigured─► pending
///          └─── WorkRequestOperations.completeWithPipelineError / terminate (configure-failed) ───► completed/error
/// ```
extension WorkRequestRepository {
    /// Lookup-resolver: the `Stage.pending` inputs are resolved. Stores `resolved` (the serialised
    /// `ResolvedPendingInputs`) in `dynamic_task_data` for the tag-computer, moves the row from `requested`
    /// to `inputs-resolved` and enqueues `wr.inputs-resolved`.
    ///
    /// - Returns: `false` when the row is no longer `blocked`/`requested` (aborted meanwhile, or a duplicate
    ///   event already did it): nothing written.
    public static func markInputsResolved(
        id: Int,
        resolved: ResolvedPendingInputs,
        on conn: PGConnection
    ) async throws -> Bool {
        guard await conn.isInTransaction else { throw PGError.notInTransaction(operation: "markInputsResolved") }
        let changed = try await conn.execute(
            """
            UPDATE work_requests SET pending_stage = 'inputs-resolved', dynamic_task_data = $2, updated_at = now()
            WHERE id = $1 AND status = 'blocked' AND pending_stage = 'requested'
            """,
            id,
            try JSONValue.from(resolved)
        )
        guard changed == 1 else { return false }
        try await EventOutbox.enqueue(.inputsResolved(WorkRequestID(id)), on: conn)
        return true
    }

    /// The `ResolvedPendingInputs` stored by `markInputsResolved`, for a row at `inputs-resolved`.
    public static func resolvedPendingInputs(id: Int, on conn: PGConnection) async throws -> ResolvedPendingInputs? {
        guard
            let row = try await conn.query(
                """
                SELECT dynamic_task_data FROM work_requests
                WHERE id = $1 AND status = 'blocked' AND pending_stage = 'inputs-resolved'
                """,
                id
            ).first, let json = try row.decode(JSONValue?.self, at: 0)
        else { return nil }
        return try json.decode(ResolvedPendingInputs.self)
    }

    /// Tag-computer: configuration and the final tag sets are computed. Stores the configured task data,
    /// the dynamic data, the frozen tag arrays and their audit trail, sets the row PENDING (`pending_at`,
    /// stage cleared) and enqueues `wr.pending`.
    ///
    /// - Returns: `false` when the row is no longer `blocked`/`inputs-resolved`: nothing written.
    public static func markPendingConfigured(
        id: Int,
        result: PendingTransitionResult,
        at now: Date = Date(),
        on conn: PGConnection
    ) async throws -> Bool {
        guard await conn.isInTransaction else { throw PGError.notInTransaction(operation: "markPendingConfigured") }
        let changed = try await conn.execute(
            """
            UPDATE work_requests SET status = 'pending', pending_stage = NULL, pending_at = $2, result = '',
                   completed_at = NULL, configured_task_data = $3, dynamic_task_data = $4,
                   scheduler_tags_provided = $5, scheduler_tags_required = $6, updated_at = now()
            WHERE id = $1 AND status = 'blocked' AND pending_stage = 'inputs-resolved'
            """,
            id,
            now,
            result.configuredTaskData,
            result.dynamicTaskData,
            result.tags.provided.tags.sorted(),
            result.tags.required.tags.sorted()
        )
        guard changed == 1 else { return false }
        try await TagAuditRepository.record(result.tags, subject: .workRequest(id), on: conn)
        try await EventOutbox.enqueue(.pending(WorkRequestID(id)), on: conn)
        return true
    }
}
