import KilnCore

extension WorkerRepository {
    /// Records that a result for the assignment (`workRequestID`, `epoch`) from `workerID` is being applied
    /// (Debusine's completion-in-progress check in `server/views/workers.py`
    /// `GetNextWorkRequestView.select_work_request`), so a reconnect handled meanwhile does not hand the work request
    /// back.
    ///
    /// A compare-and-set under the same fencing as the result itself: only while the work request is
    /// PENDING or RUNNING, assigned to `workerID`, under `epoch`. Run it in its own transaction, committed
    /// before the result's: a reconnect must see it while the result is still being applied. When a
    /// reconnect has already fenced the assignment (new epoch) it changes nothing and the result will be
    /// refused as stale.
    ///
    /// - Returns: whether the report was recorded (`false`: the result is stale, foreign or late).
    public static func recordCompletionReport(
        workRequestID: Int, workerID: Int, epoch: Int, on conn: PGConnection
    ) async throws -> Bool {
        try await conn.execute(
            """
            UPDATE work_requests SET completion_reported_at = now(), completion_reported_epoch = assignment_epoch
            WHERE id = $1 AND worker_id = $2 AND assignment_epoch = $3 AND status IN ('pending', 'running')
            """, workRequestID, workerID, epoch) == 1
    }

    /// Locks the work requests assigned to `workerID` (PENDING or RUNNING, `FOR UPDATE`) and says whether a
    /// result for one of them, under its current epoch, was reported less than `window` ago — Debusine's "the server is
    /// still processing a completion report" check in `select_work_request`.
    ///
    /// The lock makes the answer hold for the caller's transaction: a report committed before it is seen,
    /// and one attempted after it waits for the caller's commit and then finds the new epoch if the caller
    /// handed the work request back. `window` bounds how long a report whose result was never applied (it
    /// was dead-lettered, say) keeps the work request from being recovered; past it the lease machinery and
    /// the next reconnect take over.
    public static func lockAssignedCheckingCompletionReports(
        workerID: Int, window: Duration, on conn: PGConnection
    ) async throws -> Bool {
        let rows = try await conn.query(
            """
            SELECT coalesce(completion_reported_epoch = assignment_epoch
                            AND completion_reported_at > now() - $2::bigint * interval '1 millisecond', false)
            FROM work_requests
            WHERE worker_id = $1 AND status IN ('pending', 'running')
            ORDER BY id
            FOR UPDATE
            """, workerID,
            Int(window.wholeMilliseconds))
        return try rows.rows.contains { try $0.decode(Bool.self, at: 0) }
    }
}
