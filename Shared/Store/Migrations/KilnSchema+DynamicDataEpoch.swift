extension KilnSchema {
    /// Version 3: which assignment the stored dynamic task data was computed for.
    ///
    /// The lookup-resolver computes `dynamic_task_data` after each assignment (`wr.assigned`; Debusine
    /// `WorkRequest.assign_worker`) and only then announces `wr.dispatch`. Replicas, redeliveries and its sweep must be
    /// able to tell "already computed for this assignment" from "computed for an earlier one" (a retried or de-assigned
    /// work request keeps its old dynamic data until the new computation replaces it), so the data carries
    /// the `assignment_epoch` it belongs to. The partial index serves the sweep for assigned work requests
    /// still waiting for their dynamic data.
    static let dynamicDataEpoch = Migration(
        version: 3,
        name: "work request dynamic data epoch",
        statements: [
            "ALTER TABLE work_requests ADD COLUMN dynamic_data_epoch bigint",
            """
            CREATE INDEX work_requests_awaiting_dynamic_data_idx ON work_requests (updated_at)
                WHERE status = 'pending' AND worker_id IS NOT NULL
            """,
        ]
    )
}
