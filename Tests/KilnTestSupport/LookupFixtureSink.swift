import KilnCore

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
    /// Adds an artifact relation (both artifacts must exist).
    mutating func addRelation(_ relation: ArtifactRelation) throws
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
