/// Running totals of one ``EventConsumer``: the same facts as its metrics, readable in-process (tests,
/// shutdown log line) without a metrics backend.
public struct EventConsumerStatistics: Sendable, Hashable {
    /// Events whose handler committed.
    public var handled = 0
    /// Events whose message id the inbox had already seen: acked without effect.
    public var duplicates = 0
    /// Messages the consumer sent to `<service>.dead` itself.
    public var deadLettered = 0
    /// Deliveries nacked with requeue after a failure (transaction rolled back).
    public var requeued = 0

    /// Serialization failures and deadlocks retried in place.
    public var conflictRetries = 0
    /// Events held (unacked) through a database outage and applied once it answered again.
    public var heldThroughOutage = 0
    /// Batches of several events applied in one transaction.
    public var batches = 0
    /// Batches that failed as a whole and whose events were then applied one by one.
    public var batchesRetriedAlone = 0

    /// All zero.
    public init() {}
}
