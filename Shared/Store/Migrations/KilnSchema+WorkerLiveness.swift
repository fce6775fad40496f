extension KilnSchema {
    /// Version 4: when the gateway last heard from each worker.
    ///
    /// `connected_at` keeps Debusine's meaning (when the current connection began, NULL = disconnected; the
    /// scheduler orders idle workers by it), so heartbeats must not move it. The worker-gateway stamps
    /// `last_seen_at` on every authenticated message and its liveness sweep disconnects workers whose
    /// `last_seen_at` is older than `KILN_WORKER_SILENCE`; the partial index serves exactly that sweep.
    static let workerLiveness = Migration(
        version: 4,
        name: "worker last seen",
        statements: [
            "ALTER TABLE workers ADD COLUMN last_seen_at timestamptz",
            "CREATE INDEX workers_last_seen_idx ON workers (last_seen_at) WHERE connected_at IS NOT NULL",
        ]
    )
}
