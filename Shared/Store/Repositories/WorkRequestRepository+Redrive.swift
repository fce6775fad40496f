import Foundation
import KilnCore

/// A stage of the pipeline where a work request waits for an event; if that event was lost, a re-drive sweep
/// sends it again (deploy/docs/runtime.md, "Sweeps"). The cases are the whole vocabulary: each names its
/// sweep (the `name` is the sweeper's, in logs and metrics), the rows that wait in it, and the event that
/// moves them on.
public enum RedriveStage: String, CaseIterable, Hashable, Sendable {
    /// Unblocking requested, inputs not resolved yet → `wr.unblocked` (lookup-resolver).
    case unblockingRequested = "stuck-unblocking"
    /// Inputs resolved, not configured yet → `wr.inputs-resolved` (tag-computer).
    case inputsResolved = "stuck-inputs-resolved"
    /// Assigned, no dynamic data for the current epoch → `wr.assigned` (lookup-resolver).
    case awaitingDynamicData = "awaiting-dynamic-data"
    /// Assigned with the current epoch's dynamic data to a connected, enabled worker, not sent → `wr.dispatch`
    /// (worker-gateway).
    case awaitingDispatch = "stuck-dispatch"

    /// The event that moves a work request out of this stage.
    public var event: RoutingKey {
        switch self {
        case .unblockingRequested: .workRequestUnblocked
        case .inputsResolved: .workRequestInputsResolved
        case .awaitingDynamicData: .workRequestAssigned
        case .awaitingDispatch: .workRequestDispatch
        }
    }

    /// The rows waiting in this stage (a condition on `work_requests`, no parameters).
    var condition: String {
        switch self {
        case .unblockingRequested:
            "status = 'blocked' AND pending_stage = 'requested'"
        case .inputsResolved:
            "status = 'blocked' AND pending_stage = 'inputs-resolved'"
        case .awaitingDynamicData:
            "status = 'pending' AND worker_id IS NOT NULL AND dynamic_data_epoch IS DISTINCT FROM assignment_epoch"
        case .awaitingDispatch:
            """
            status = 'pending' AND dynamic_data_epoch = assignment_epoch
            AND EXISTS (SELECT 1 FROM workers k WHERE k.id = worker_id AND k.enabled AND k.connected_at IS NOT NULL)
            """
        }
    }
}

extension WorkRequestRepository {
    /// The one re-drive: claims up to `limit` work requests that have waited in `stage` for longer than
    /// `grace` (oldest first, `FOR UPDATE SKIP LOCKED` so replicas split them), touches their `updated_at`
    /// so that no sweep takes them again for another `grace` while the event is handled, and enqueues the
    /// stage's event for each — in the caller's transaction.
    ///
    /// Re-driving is safe because every handler is idempotent per event and per assignment epoch: an event
    /// that was merely slow finds nothing left to do.
    ///
    /// Nothing is re-driven while an event of the stage still waits unpublished in the outbox and the broker
    /// has not refused it (an outage or alarm holds the relays back): the work requests behind it are queued,
    /// not lost, and more events would only lengthen the queue. The caller checks the broker side (the
    /// inbox's backlog).
    ///
    /// - Returns: the events enqueued, oldest first.
    public static func redrive(
        _ stage: RedriveStage, olderThan grace: Duration, limit: Int, on conn: PGConnection
    ) async throws -> [KilnEvent] {
        guard await conn.isInTransaction else { throw PGError.notInTransaction(operation: "redrive \(stage.rawValue)") }
        // Rows the broker refused (the relay set `next_attempt_at` on them) do not hold the sweep back: one the
        // relay cannot get rid of must not turn the stage's re-drive off for good. Rows merely waiting for the
        // broker do, however long the outage.
        let unpublished = try await conn.query(
            """
            SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL AND routing_key = $1
                           AND next_attempt_at IS NULL)
            """, stage.event.rawValue
        ).first?.decode(Bool.self, at: 0) ?? false
        if unpublished { return [] }
        let events = try await conn.query(
            """
            WITH stuck AS (
                SELECT id, updated_at FROM work_requests
                 WHERE \(stage.condition) AND updated_at < now() - make_interval(secs => $1)
                 ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED
            )
            UPDATE work_requests w SET updated_at = now() FROM stuck WHERE w.id = stuck.id
            RETURNING w.id, w.worker_id, w.assignment_epoch, stuck.updated_at
            """, grace.timeInterval, limit
        ).rows.map { row in
            let id = try row.decode(WorkRequestID.self, at: 0)
            let waitingSince = try row.decode(Date.self, at: 3)
            switch stage {
            case .unblockingRequested: return (waitingSince, id, KilnEvent.unblocked(id))
            case .inputsResolved: return (waitingSince, id, .inputsResolved(id))
            case .awaitingDynamicData, .awaitingDispatch:
                // Both conditions require a worker: an assigned row.
                let assignment = Assignment(
                    workRequest: id, worker: try row.decode(WorkerID.self, at: 1), epoch: try row.decode(Epoch.self, at: 2))
                return (waitingSince, id, stage == .awaitingDynamicData ? .assigned(assignment) : .dispatch(assignment))
            }
        }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
        try await EventOutbox.enqueueAll(events, on: conn)
        return events
    }
}
