import Foundation
import KilnCore

extension WorkRequestRepository {
    /// Inserts validated submissions BLOCKED, as ``insert(_:on:)`` does one by one, with one statement for
    /// the ids, one for the rows and one for all dependencies (plus one to check that the named existing
    /// work requests exist).
    ///
    /// - Parameters:
    ///   - batchDependencies: per submission, positions of other submissions in `submissions` it depends
    ///     on (already checked by the caller to be earlier ones); each becomes a dependency on that entry's
    ///     new id, beside the submission's own `dependencyIDs` on existing work requests.
    /// - Returns: the new ids, in the order of `submissions` (ascending, so id order is submission order).
    /// - Throws: `RepositoryError.notFound` naming the first missing dependency and the entry naming it.
    public static func insertAll(
        _ submissions: [ValidatedWorkRequestSubmission],
        batchDependencies: [[Int]],
        on conn: PGConnection
    ) async throws -> [Int] {
        precondition(batchDependencies.count == submissions.count, "one dependency list per submission")
        guard !submissions.isEmpty else { return [] }
        let ids = try await allocateIDs(submissions.count, on: conn)
        let existing = Set(submissions.flatMap(\.submission.dependencyIDs)).sorted()
        if !existing.isEmpty {
            let found = Set(
                // FOR SHARE, as `insert` does: a concurrent termination of a dependency cannot miss the batch.
                try await conn.query("SELECT id FROM work_requests WHERE id = ANY($1) ORDER BY id FOR SHARE", existing).rows.map {
                    try $0.decode(Int.self, at: 0)
                })
            for (position, validated) in submissions.enumerated() {
                if let missing = validated.submission.dependencyIDs.first(where: { !found.contains($0) }) {
                    throw RepositoryError.notFound(
                        kind: "work request", key: "\(missing) (a dependency of batch entry \(position))")
                }
            }
        }
        let rows = submissions.map(\.submission)
        try await conn.execute(
            """
            INSERT INTO work_requests (id, workspace_id, created_by_id, task_type, task_name, task_data, priority_base,
                                       priority_adjustment, workflow_data, unblock_strategy)
            OVERRIDING SYSTEM VALUE
            SELECT i, w, c, tt, tn, td::jsonb, pb, pa, wd::jsonb, us
            FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[],
                        $8::bigint[], $9::text[], $10::text[]) AS t(i, w, c, tt, tn, td, pb, pa, wd, us)
            """,
            ids, rows.map(\.workspaceID), rows.map(\.createdBy), rows.map(\.taskType.rawValue), rows.map(\.taskName),
            rows.map(\.taskData.compactJSON), rows.map(\.priorityBase), rows.map(\.priorityAdjustment),
            try rows.map { try JSONValue.from($0.workflowData).compactJSON }, rows.map(\.unblockStrategy.rawValue))
        var dependants: [Int] = []
        var dependencies: [Int] = []
        for (position, submission) in rows.enumerated() {
            let all = Set(submission.dependencyIDs).union(batchDependencies[position].map { ids[$0] })
            for dependency in all.sorted() {
                dependants.append(ids[position])
                dependencies.append(dependency)
            }
        }
        if !dependants.isEmpty {
            try await conn.execute(
                """
                INSERT INTO work_request_dependencies (work_request_id, depends_on_id)
                SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING
                """, dependants, dependencies)
        }
        return ids
    }

    /// Requests the unblocking of fresh BLOCKED work requests — the set-based form of the core's
    /// `markedPending` from BLOCKED (PENDING, stage `requested`, stored as `blocked`), as one
    /// compare-and-set over all of them. The caller enqueues their `wr.unblocked`.
    ///
    /// - Throws: `RepositoryError.concurrentUpdate` naming the ids when any of them was no longer BLOCKED
    ///   without a stage and unassigned.
    public static func requestUnblocking(_ ids: [Int], on conn: PGConnection) async throws {
        guard !ids.isEmpty else { return }
        let changed = try await conn.execute(
            """
            UPDATE work_requests SET pending_stage = 'requested', updated_at = now()
            WHERE id = ANY($1) AND status = 'blocked' AND pending_stage IS NULL AND worker_id IS NULL
            """, ids)
        guard changed == ids.count else {
            throw RepositoryError.concurrentUpdate(
                kind: "work request", key: "one of \(ids.count) (\(changed) still blocked without a stage)")
        }
    }

    /// The status and pending stage of each of `ids`, with one query; ids that do not exist are absent.
    public static func statuses(ids: [Int], on conn: PGConnection) async throws -> [Int: WorkRequestStatusLine] {
        guard !ids.isEmpty else { return [:] }
        var statuses: [Int: WorkRequestStatusLine] = [:]
        for row in try await conn.query(
            "SELECT id, status, pending_stage FROM work_requests WHERE id = ANY($1)", ids
        ).rows {
            statuses[try row.decode(Int.self, at: 0)] = WorkRequestStatusLine(
                stored: try decodeEnum(WorkRequestStatus.self, row, at: 1),
                pendingStage: try row.decode(String?.self, at: 2).flatMap(PendingStage.init(rawValue:)))
        }
        return statuses
    }

    /// `count` new work-request ids from the table's identity sequence, ascending, in one statement.
    static func allocateIDs(_ count: Int, on conn: PGConnection) async throws -> [Int] {
        let ids = try await conn.query(
            "SELECT nextval(pg_get_serial_sequence('work_requests', 'id')) FROM generate_series(1, $1)", count
        ).rows.map { try $0.decode(Int.self, at: 0) }.sorted()
        guard ids.count == count else {
            throw PGError.unexpectedResult(status: "\(ids.count) ids", message: "nextval for \(count) work requests")
        }
        return ids
    }
}

/// A work request's status as stored, with its pending stage: what listings show (`displayStatus`) and what
/// `--json` outputs report (`coreStatus`, Debusine's).
public struct WorkRequestStatusLine: Hashable, Sendable {
    /// The `status` column (`blocked` while being unblocked).
    public var stored: WorkRequestStatus
    /// The pending stage, while being unblocked.
    public var pendingStage: PendingStage?

    /// `pending-requested`, `blocked`, …, as people read it (`PendingStage.displayStatus`).
    public var displayStatus: String { PendingStage.displayStatus(stored.rawValue, at: pendingStage) }
    /// Debusine's status: `pending` while being unblocked (`PendingStage.coreStatus`).
    public var coreStatus: WorkRequestStatus { PendingStage.coreStatus(stored: stored, at: pendingStage) }
}
