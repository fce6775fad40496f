import KilnCore
import Synchronization

/// What ``PGLookupStore``s have read — workspaces with their inheritance, artifacts, collections and the
/// active items of an item query — kept apart from the store so that several stores (one per synchronous
/// session) can share it: the events a consumer applies in one transaction ask each question once.
///
/// A memo answers from the view of the data it was filled in; share it only among readers content with
/// that view (one transaction), and ``forget()`` after writing something it may hold.
public final class LookupMemo: Sendable {
    /// The remembered answers; a `nil` value remembers that nothing was found.
    struct Reads {
        var workspacesByID: [Int: WorkspaceRecord?] = [:]
        var artifactsByID: [Int: ArtifactRecord?] = [:]
        var collectionsByID: [Int: CollectionRecord?] = [:]
        var collectionsByName: [CollectionKey: CollectionRecord?] = [:]
        var collectionsByCategory: [WorkspaceCategory: [CollectionRecord]] = [:]
        var itemsByQuery: [ItemQuery: [CollectionItemRecord]] = [:]
    }

    private let state = Mutex(Reads())

    /// An empty memo.
    public init() {}

    /// Forgets every answer.
    public func forget() {
        state.withLock { $0 = Reads() }
    }

    func reads<Value>(_ body: (borrowing Reads) -> Value) -> Value {
        state.withLock { body($0) }
    }

    @discardableResult
    func update<Value>(_ body: (inout Reads) -> Value) -> Value {
        state.withLock { body(&$0) }
    }
}

/// The collections of one category in one workspace: what `collections(category:workspaceID:)` asks about.
struct WorkspaceCategory: Hashable {
    var category: String
    var workspaceID: Int
}

/// The active items of one collection that one filter selects: what `activeItems(inCollection:matching:)`
/// asks about.
struct ItemQuery: Hashable {
    var collectionID: Int
    var filter: ItemFilter
}
