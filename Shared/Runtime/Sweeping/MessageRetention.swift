/// How long the rows of the `outbox` and `inbox` tables are kept before ``MessagePruner`` deletes them.
///
/// Both tables gain a row per event, so without pruning they grow for ever. Each service prunes both tables
/// as a whole (not only its own rows): the outbox is shared by every relay and the pruning is idempotent,
/// so one running service is enough to keep them small, and more do no harm.
public struct MessageRetention: Sendable, Hashable {
    /// How long a **published** outbox row is kept (`KILN_OUTBOX_RETENTION`, default 24 hours).
    ///
    /// Nothing reads a row once the broker confirmed it: consumers de-duplicate by message id in their
    /// inbox, not in the outbox. The day kept is for people, to look up what was published recently while
    /// investigating an incident. Unpublished rows are never deleted, however old.
    public var outbox: Duration
    /// How long an inbox row — "consumer X already applied message Y" — is kept (`KILN_INBOX_RETENTION`,
    /// default 7 days).
    ///
    /// It must outlive every redelivery of a message whose effect was committed, or that duplicate is applied
    /// a second time. Such a redelivery happens when the ack is lost (the consumer crashed or lost its
    /// connection between commit and ack): the quorum queue keeps the message — it has no TTL — and delivers
    /// it again as soon as a consumer of that service is back, however long it was down; the delivery limit
    /// only counts failed deliveries, which committed nothing. The relay's republishing after a crash between
    /// confirm and commit happens on the next relay round of any service. So the window is the longest
    /// outage of a consuming service (or of the broker holding the message): 7 days covers a service left
    /// down for up to a week — a long holiday weekend unnoticed, with margin. Past it a late duplicate is applied again, which
    /// for most handlers is still harmless (their state changes are compare-and-set).
    public var inbox: Duration
    /// Rows deleted per statement (default 10,000): a huge backlog is deleted in many short statements,
    /// so no statement holds locks, or fills the WAL, for long.
    public var batchSize: Int

    /// The accepted `KILN_OUTBOX_RETENTION` values, 1 minute to 365 days.
    public static let outboxRange: ClosedRange<Duration> = .seconds(60) ... .seconds(365 * 86_400)
    /// The accepted `KILN_INBOX_RETENTION` values, 1 hour to 365 days: shorter would forget messages that a
    /// merely restarted consumer is still being redelivered.
    public static let inboxRange: ClosedRange<Duration> = .seconds(3600) ... .seconds(365 * 86_400)
    /// The default batch size.
    public static let defaultBatchSize = 10_000
    /// How often each service prunes (± 20 % jitter), after a first round at start: rows become prunable
    /// only after hours or days, so a few minutes' delay costs nothing, and a round that finds nothing is
    /// two index probes.
    public static let interval: Duration = .seconds(600)

    /// Creates a retention policy.
    public init(outbox: Duration, inbox: Duration, batchSize: Int = Self.defaultBatchSize) {
        self.outbox = outbox
        self.inbox = inbox
        self.batchSize = max(batchSize, 1)
    }
}
