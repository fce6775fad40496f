/// The data lookup resolution reads, and nothing more.
///
/// Synchronous and throwing on purpose: a PostgreSQL store runs these inside one database connection (an
/// actor holding it), so the whole resolution of a lookup is one synchronous walk over one connection, and
/// a database error propagates unchanged (it is neither "not found" nor "invalid"). Visibility and
/// inheritance are the resolver's business; the store only answers plain questions.
public protocol LookupStore {
    /// The workspace with this id, or `nil`.
    func workspace(id: Int) throws -> WorkspaceRecord?
    /// The workspace with this name in this scope, or `nil` (for the `//workspace=W/` prefix).
    func workspace(scope: String, name: String) throws -> WorkspaceRecord?
    /// The artifact with this id, or `nil`.
    func artifact(id: Int) throws -> ArtifactRecord?
    /// The collection with this id, or `nil`.
    func collection(id: Int) throws -> CollectionRecord?
    /// The collection with this name and category held by this very workspace (no inheritance), or `nil`.
    func collection(name: String, category: String, workspaceID: Int) throws -> CollectionRecord?
    /// The active items (`removedAt == nil`) of a collection that pass `filter`, ordered by item id.
    func activeItems(inCollection collectionID: Int, matching filter: ItemFilter) throws -> [CollectionItemRecord]
}

/// Where test fixtures put their data, so one fixture can fill the in-memory store and a PostgreSQL store
/// alike and the same lookup scenarios can be replayed against both.
public protocol LookupFixtureSink {
    /// Adds a workspace.
    mutating func addWorkspace(_ workspace: WorkspaceRecord) throws
    /// Adds an artifact (its workspace must exist).
    mutating func addArtifact(_ artifact: ArtifactRecord) throws
    /// Adds a collection (its workspace must exist; name, category and workspace are unique together).
    mutating func addCollection(_ collection: CollectionRecord) throws
    /// Adds a collection item (its collection and child must exist; one active item per name).
    mutating func addItem(_ item: CollectionItemRecord) throws
}

/// Why a fixture could not be stored.
public enum LookupFixtureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A record with this id already exists.
    case duplicateID(kind: String, id: Int)
    /// A record refers to a missing one.
    case missingReference(String)
    /// A uniqueness rule would be broken.
    case notUnique(String)

    public var description: String {
        switch self {
        case .duplicateID(let kind, let id): "\(kind) \(id) already exists"
        case .missingReference(let what): "missing reference: \(what)"
        case .notUnique(let what): "not unique: \(what)"
        }
    }
}
