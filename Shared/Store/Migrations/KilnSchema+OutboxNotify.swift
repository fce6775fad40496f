extension KilnSchema {
    /// Version 7: every statement that inserts into `outbox` sends `NOTIFY kiln_outbox` with the table's
    /// schema as payload, delivered when its transaction commits.
    ///
    /// The relays (`OutboxRelay`) polled the table every second, so a row written by a process without a
    /// relay of its own — the `kiln` CLI submitting a work request — waited up to a second before any
    /// service noticed it: half of the idle farm's submit → assigned latency. A trigger, rather than a NOTIFY
    /// in `Outbox.enqueue`, so that every writer rings, present or future. Statement level, so a batch insert
    /// rings once; PostgreSQL also folds identical notifications of one transaction into one. The payload
    /// lets a relay ignore other schemas of the same database (the tests run one schema each). Polling
    /// stays as the fallback for a lost notification.
    static let outboxNotify = Migration(
        version: 7,
        name: "outbox insert notification",
        statements: [
            """
            CREATE FUNCTION kiln_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('kiln_outbox', TG_TABLE_SCHEMA);
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
                FOR EACH STATEMENT EXECUTE FUNCTION kiln_outbox_notify()
            """,
        ]
    )
}
