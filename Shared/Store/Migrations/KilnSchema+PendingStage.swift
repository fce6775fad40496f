extension KilnSchema {
    /// Version 2: the sub-stage of a work request between `mark_pending` and PENDING.
    ///
    /// Unblocking is asynchronous in Kiln: the lookup-resolver resolves the `Stage.pending` inputs, then the
    /// tag-computer configures the work request and freezes its tags, and only then is it PENDING (Debusine 0.16
    /// guarantees `configured_task_data` for every PENDING work request, and the scheduler's queue index
    /// reads `status = 'pending'`). Until then the row stays `blocked`, and `pending_stage` says how far
    /// the unblocking got: `requested` (announced by `wr.unblocked`), `inputs-resolved` (by
    /// `wr.inputs-resolved`). The tag-computer clears it when it sets the status to `pending`; anything
    /// that blocks or terminates the work request clears it too. A partial index lets each service's sweep
    /// find rows stuck in its stage.
    static let pendingStage = Migration(
        version: 2,
        name: "work request pending stage",
        statements: [
            """
            ALTER TABLE work_requests
                ADD COLUMN pending_stage text
                    CONSTRAINT work_requests_pending_stage_check CHECK (pending_stage IN ('requested', 'inputs-resolved')),
                ADD CONSTRAINT work_requests_pending_stage_blocked CHECK (pending_stage IS NULL OR status = 'blocked')
            """,
            """
            CREATE INDEX work_requests_pending_stage_idx ON work_requests (pending_stage, updated_at)
                WHERE pending_stage IS NOT NULL
            """,
        ]
    )
}
