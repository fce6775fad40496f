import Store
import Synchronization

/// Reads the handlers of one transaction share, so that a batch of events asking the same questions (the
/// same workspace, suite, environment, task-configuration collection) asks the database once.
///
/// Shared only by events applied in the same transaction (``EventConsumer`` makes one per transaction), so
/// nothing it remembers outlives the view of the data it was read in; a handler that changes what it has
/// cached must forget it (`LookupMemo.forget()`).
public final class TransactionCache: Sendable {
    /// Workspaces, collections, items and artifacts read by lookups (`PGLookupStore(session, memo:)`).
    public let lookups = LookupMemo()
    private let done = Mutex(Set<String>())

    /// `true` the first time `step` is asked in this transaction: for work a transaction needs once, however
    /// many events it applies (the scheduler's leadership check holds its row lock until the commit).
    public func isFirst(_ step: String) -> Bool {
        done.withLock { $0.insert(step).inserted }
    }

    /// An empty cache.
    public init() {}
}
