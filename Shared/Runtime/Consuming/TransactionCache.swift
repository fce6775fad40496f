import Store

/// Reads the handlers of one transaction share, so that a batch of events asking the same questions (the
/// same workspace, suite, environment, task-configuration collection) asks the database once.
///
/// Shared only by events applied in the same transaction (``EventConsumer`` makes one per transaction), so
/// nothing it remembers outlives the view of the data it was read in; a handler that changes what it has
/// cached must forget it (`LookupMemo.forget()`).
public final class TransactionCache: Sendable {
    /// Workspaces, collections, items and artifacts read by lookups (`PGLookupStore(session, memo:)`).
    public let lookups = LookupMemo()

    /// An empty cache.
    public init() {}
}
