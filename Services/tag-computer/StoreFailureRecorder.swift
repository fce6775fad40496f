import KilnCore
import Store

/// A `LookupStore` that passes every question to `inner` and remembers a database error.
///
/// The pipeline turns whatever a lookup throws into `configure-failed` (for a lookup, "invalid"), which is
/// right for bad data but wrong for a lost connection or a serialization failure: those must roll back
/// and retry, not complete the work request with an error. After a failed `configure`, the handler asks
/// this recorder whether the database was the cause.
final class StoreFailureRecorder<Inner: LookupStore>: LookupStore {
    private let inner: Inner
    /// The first database error a question met, if any.
    private(set) var databaseError: (any Error)?

    init(_ inner: Inner) {
        self.inner = inner
    }

    private func recording<T>(_ question: () throws -> T) throws -> T {
        do {
            return try question()
        } catch let error as PGError {
            if databaseError == nil { databaseError = error }
            throw error
        }
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
}
