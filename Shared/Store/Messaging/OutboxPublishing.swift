/// Publishes outbox rows to the broker and says which ones the broker confirmed.
///
/// The AMQP module implements this with publisher confirms (persistent, `mandatory`); tests use fakes. A
/// row counts as published only when its id is in the returned set; everything else stays in the outbox
/// for the next round, so "maybe published" rows are published again (consumers de-duplicate).
public protocol OutboxPublishing: Sendable {
    /// Publishes `batch` (in id order) and returns the ids the broker confirmed.
    ///
    /// - Throws: when nothing can be said about the batch (connection down); the relay treats the whole
    ///   batch as unconfirmed.
    func publishConfirmed(_ batch: [OutboxRecord]) async throws -> Set<Int>
}

/// An `OutboxPublishing` made from a closure.
public struct OutboxPublisher: OutboxPublishing {
    private let publish: @Sendable ([OutboxRecord]) async throws -> Set<Int>

    /// Wraps `publish`.
    public init(_ publish: @escaping @Sendable ([OutboxRecord]) async throws -> Set<Int>) {
        self.publish = publish
    }

    public func publishConfirmed(_ batch: [OutboxRecord]) async throws -> Set<Int> {
        try await publish(batch)
    }
}
