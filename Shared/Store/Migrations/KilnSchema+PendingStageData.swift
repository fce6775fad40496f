extension KilnSchema {
    /// Version 11: the unblocking pipeline's values get their own column, so `dynamic_task_data` only ever
    /// holds an assignment's dynamic data (issue 9).
    ///
    /// `dynamic_task_data` used to hold three things over a work request's life: the lookup-resolver's
    /// resolved pending inputs (at `inputs-resolved`), then the `Stage.pending` fields' values (PENDING,
    /// before assignment), then the dynamic data of an assignment. Now the first two live in
    /// `pending_stage_data`, and a CHECK states that dynamic data always names the assignment it belongs to,
    /// so "ready to dispatch" is `dynamic_data_epoch = assignment_epoch`, nothing else.
    ///
    /// Existing rows: values without a `dynamic_data_epoch` on a row still being unblocked or PENDING, or on a
    /// finished row that never started (ended by a pipeline failure or aborted before it ran), are the
    /// pipeline's and move to `pending_stage_data`; on a finished row that did start (written before
    /// migration 3) they are taken to be its last assignment's.
    static let pendingStageData = Migration(
        version: 11,
        name: "work request pending-stage data",
        statements: [
            "ALTER TABLE work_requests ADD COLUMN pending_stage_data jsonb",
            """
            UPDATE work_requests SET pending_stage_data = dynamic_task_data, dynamic_task_data = NULL
             WHERE dynamic_task_data IS NOT NULL AND dynamic_data_epoch IS NULL
               AND (status IN ('blocked', 'pending') OR started_at IS NULL)
            """,
            """
            UPDATE work_requests SET dynamic_data_epoch = assignment_epoch
             WHERE dynamic_task_data IS NOT NULL AND dynamic_data_epoch IS NULL
            """,
            """
            ALTER TABLE work_requests ADD CONSTRAINT work_requests_dynamic_data_has_epoch
                CHECK (dynamic_task_data IS NULL OR dynamic_data_epoch IS NOT NULL)
            """,
        ]
    )
}
