extension KilnSchema {
    /// Version 10: `workers.self_registered` (created by a hello with an unknown token, as Debusine's
    /// `server/views/workers.py` `RegisterView.post` self-registration) and `workers.first_enabled_at` (when an admin
    /// or an activation token first enabled it).
    ///
    /// Self-registration needs bounds (issue 10: 200 hellos with random tokens made 200 disabled workers in
    /// 3 s): the gateway counts the self-registered workers never enabled — in total and in the last minute —
    /// and `kiln worker purge --never-enabled` deletes the old ones. Neither question could be asked before:
    /// a disabled worker did not say whether it was ever enabled, nor who created it. Existing rows: a worker
    /// counts as self-registered when its token says so, and as once enabled when it is enabled now, has had
    /// its tags computed or has been given work.
    static let selfRegistration = Migration(
        version: 10,
        name: "worker self-registration bookkeeping",
        statements: [
            "ALTER TABLE workers ADD COLUMN self_registered boolean NOT NULL DEFAULT false",
            "ALTER TABLE workers ADD COLUMN first_enabled_at timestamptz",
            """
            UPDATE workers w SET self_registered = true
             WHERE EXISTS (SELECT 1 FROM tokens t WHERE t.worker_id = w.id AND t.comment LIKE 'self-registered by %')
            """,
            """
            UPDATE workers w SET first_enabled_at = coalesce(w.connected_at, w.tags_computed_at, w.registered_at)
             WHERE w.enabled OR w.tags_computed_at IS NOT NULL
                OR EXISTS (SELECT 1 FROM work_requests r WHERE r.worker_id = w.id)
            """,
            """
            CREATE INDEX workers_never_enabled_idx ON workers (registered_at)
             WHERE self_registered AND first_enabled_at IS NULL
            """,
        ]
    )
}
