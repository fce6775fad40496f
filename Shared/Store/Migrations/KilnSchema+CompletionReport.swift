extension KilnSchema {
    /// Version 5: a worker's result that the gateway has started to apply (for Debusine's completion-in-progress check
    /// in `server/views/workers.py` `GetNextWorkRequestView.select_work_request`).
    ///
    /// The gateway applies a result in one transaction, but a hello from the same worker can be handled
    /// concurrently (the gateway consumes with several handlers) or while that transaction is being retried.
    /// Without a trace of the result, the reconnect recovery would hand the work request back under a new
    /// epoch and the worker's finished result would then be refused as stale. The gateway therefore records,
    /// in a committed compare-and-set before applying it, which assignment (`completion_reported_epoch`) a
    /// result arrived for and when; the recovery leaves the worker's work requests alone while such a
    /// report for the current epoch is recent.
    static let completionReport = Migration(
        version: 5,
        name: "completion report in progress",
        statements: [
            "ALTER TABLE work_requests ADD COLUMN completion_reported_at timestamptz",
            "ALTER TABLE work_requests ADD COLUMN completion_reported_epoch bigint",
        ]
    )
}
