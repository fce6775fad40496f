/// What the broker said about a published batch.
public struct OutboxPublishResult: Sendable, Hashable {
    /// Rows the broker confirmed: published.
    public var confirmed: Set<Int>
    /// Rows the broker refused, with its reason (`312 NO_ROUTE`, a nack): they wait before the next attempt
    /// (`outbox.next_attempt_at`). Rows in neither set got no answer and are retried at the next round.
    public var refused: [Int: String]

    /// Creates a result.
    public init(confirmed: Set<Int>, refused: [Int: String] = [:]) {
        self.confirmed = confirmed
        self.refused = refused
    }
}

/// Publishes outbox rows to the broker and says which ones the broker confirmed and which it refused.
///
/// The AMQP module implements this with publisher confirms (persistent, `mandatory`); tests use fakes. A
/// row counts as published only when it is confirmed; everything else stays in the outbox, so "maybe
/// published" rows are published again (consumers de-duplicate).
public protocol OutboxPublishing: Sendable {
    /// Publishes `batch` (in id order) and says what the broker did with each row.
    ///
    /// - Throws: when nothing can be said about the batch (connection down); the relay treats the whole
    ///   batch as unanswered.
    func publish(_ batch: [OutboxRecord]) async throws -> OutboxPublishResult
}

/// An `OutboxPublishing` made from a closure.
public struct OutboxPublisher: OutboxPublishing {
    private let body: @Sendable ([OutboxRecord]) async throws -> OutboxPublishResult

    /// Wraps `publish`, which says what the broker did with each row.
    public init(result publish: @escaping @Sendable ([OutboxRecord]) async throws -> OutboxPublishResult) {
        self.body = publish
    }

    /// Wraps `publish`, which returns the confirmed ids (nothing refused).
    public init(_ publish: @escaping @Sendable ([OutboxRecord]) async throws -> Set<Int>) {
        self.body = { OutboxPublishResult(confirmed: try await publish($0)) }
    }

    public func publish(_ batch: [OutboxRecord]) async throws -> OutboxPublishResult {
        try await body(batch)
    }
}
