import KilnCore

/// Wraps the PostgreSQL lookup store and remembers the first error the store itself threw.
///
/// The pipelines turn every error they meet into `configure-failed` / `dynamic-data-failed`, which would
/// complete a work request with `error` because the database blinked. A store error is neither "not
/// found" nor "invalid" (the store only answers plain questions), so when one was seen the handler
/// rethrows it instead: the transaction rolls back and the event is retried.
final class FaultRecordingLookupStore<Inner: LookupStore>: LookupStore {
    private let inner: Inner
    /// The first error the wrapped store threw, if any.
    private(set) var fault: (any Error)?

    init(_ inner: Inner) {
        self.inner = inner
    }

    func workspace(id: Int) throws -> WorkspaceRecord? { try recording { try inner.workspace(id: id) } }

    func workspace(scope: String, name: String) throws -> WorkspaceRecord? {
        try recording { try inner.workspace(scope: scope, name: name) }
    }

    func artifact(id: Int) throws -> ArtifactRecord? { try recording { try inner.artifact(id: id) } }

    func collection(id: Int) throws -> CollectionRecord? { try recording { try inner.collection(id: id) } }

    func collection(name: String, category: String, workspaceID: Int) throws -> CollectionRecord? {
        try recording { try inner.collection(name: name, category: category, workspaceID: workspaceID) }
    }

    func activeItems(inCollection collectionID: Int, matching filter: ItemFilter) throws -> [CollectionItemRecord] {
        try recording { try inner.activeItems(inCollection: collectionID, matching: filter) }
    }

    private func recording<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            if fault == nil { fault = error }
            throw error
        }
    }
}
