extension KilnSchema {
    /// Version 9: `outbox.next_attempt_at`, when a row the broker refused (unroutable, nacked) may be tried
    /// again.
    ///
    /// The relay retried such a row in every round — 186 attempts in 12 s for a routing key no queue was
    /// bound to, 2,200 warnings a second — and a refusal never goes away that fast (a queue is declared, a
    /// binding fixed, an alarm cleared). A refused row now waits, doubling from 1 s to 60 s per attempt;
    /// rows that were simply not answered (the connection failed) are retried at the next round as before.
    static let outboxBackoff = Migration(
        version: 9,
        name: "outbox per-row backoff",
        statements: [
            "ALTER TABLE outbox ADD COLUMN next_attempt_at timestamptz"
        ]
    )
}
