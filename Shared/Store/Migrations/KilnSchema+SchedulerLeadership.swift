extension KilnSchema {
    /// Version 8: `scheduler_leadership`, one row holding the generation of the active scheduler — the fencing
    /// value of every scheduler write.
    ///
    /// The advisory lock elects the active scheduler, but a lock holder can lose its session (terminated,
    /// network) and carry on for a moment believing it is active while another instance takes the lock.
    /// Each new active scheduler increments the generation; each of its write transactions first reads the
    /// row `FOR SHARE` and stops if the generation moved on. The share lock makes the new leader's increment
    /// wait for the old leader's transactions in flight, so nothing the deposed one writes lands after the
    /// new one has read the state (see `SchedulerLeadership`).
    static let schedulerLeadership = Migration(
        version: 8,
        name: "scheduler leadership generation",
        statements: [
            """
            CREATE TABLE scheduler_leadership (
                singleton   boolean PRIMARY KEY DEFAULT true CONSTRAINT scheduler_leadership_singleton CHECK (singleton),
                generation  bigint NOT NULL,
                holder      text NOT NULL,
                acquired_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "INSERT INTO scheduler_leadership (generation, holder) VALUES (0, '')",
        ]
    )
}
