import KilnCore

/// A `LookupStore` that passes every question to `inner` and remembers the first error `inner` threw.
///
/// The pipelines (task configuration in tag-computer; inputs, dynamic data and the lookup RPC in
/// lookup-resolver) turn whatever a lookup throws into `configure-failed`, `dynamic-data-failed` or
/// "invalid", which is right for bad data but wrong when the database blinked (a lost connection, a
/// serialization failure): that must roll back and be retried, not complete the work request with an error.
/// After a failed pipeline step the handler asks `fault` whether the store was the cause and rethrows it.
///
/// Records every error, not only `PGError`: a `LookupStore` answers plain questions and reports "not found"
/// as `nil`, so any error it throws is a store failure and never a verdict on the lookup. `PGLookupStore`,
/// the one store wrapped in production, throws only `PGError`, so for it the two rules are the same.
///
/// Not `Sendable`: it lives inside one synchronous `withSynchronousAccess` walk over one connection.
public final class FaultRecordingLookupStore<Inner: LookupStore>: LookupStore {
    private let inner: Inner
    /// The first error the wrapped store threw, if any.
    public private(set) var fault: (any Error)?

    /// Wraps `inner`, typically a `PGLookupStore` over the handler's transaction.
    public init(_ inner: Inner) {
        self.inner = inner
    }

    public func workspace(id: Int) throws -> WorkspaceRecord? { try recording { try inner.workspace(id: id) } }

    public func workspace(scope: String, name: String) throws -> WorkspaceRecord? {
        try recording { try inner.workspace(scope: scope, name: name) }
    }

    public func artifact(id: Int) throws -> ArtifactRecord? { try recording { try inner.artifact(id: id) } }

    public func collection(id: Int) throws -> CollectionRecord? { try recording { try inner.collection(id: id) } }

    public func collection(name: String, category: String, workspaceID: Int) throws -> CollectionRecord? {
        try recording { try inner.collection(name: name, category: category, workspaceID: workspaceID) }
    }

    public func collections(category: String, workspaceID: Int) throws -> [CollectionRecord] {
        try recording { try inner.collections(category: category, workspaceID: workspaceID) }
    }

    public func activeItems(
        inCollection collectionID: Int,
        matching filter: ItemFilter
    ) throws
        -> [CollectionItemRecord]
    {
        try recording { try inner.activeItems(inCollection: collectionID, matching: filter) }
    }

    public func workRequests(sharingParentWith ids: Set<Int>) throws -> Set<Int> {
        try recording { try inner.workRequests(sharingParentWith: ids) }
    }

    public func builtUsingTargets(ofArtifacts ids: [Int]) throws -> [Int: Set<Int>] {
        try recording { try inner.builtUsingTargets(ofArtifacts: ids) }
    }

    public func relatedArtifacts(
        of ids: [Int],
        type: ArtifactRelationType,
        category: String
    ) throws -> [ArtifactRecord] {
        try recording { try inner.relatedArtifacts(of: ids, type: type, category: category) }
    }

    private func recording<T>(_ question: () throws -> T) throws -> T {
        do {
            return try question()
        } catch {
            if fault == nil { fault = error }
            throw error
        }
    }
}
