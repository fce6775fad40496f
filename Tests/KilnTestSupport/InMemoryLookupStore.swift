import KilnCore

/// A lookup store held in memory: the reference implementation the tests hold `PGLookupStore` to (the same
/// scenario tables run against both). Test support only, never in a production target. A value type, so a
/// copy is a snapshot.
public struct InMemoryLookupStore: LookupStore, LookupFixtureSink, Hashable, Sendable {
    /// Workspaces by id.
    public private(set) var workspaces: [Int: WorkspaceRecord] = [:]
    /// Artifacts by id.
    public private(set) var artifacts: [Int: ArtifactRecord] = [:]
    /// Collections by id.
    public private(set) var collections: [Int: CollectionRecord] = [:]
    /// Collection items by id.
    public private(set) var items: [Int: CollectionItemRecord] = [:]
    /// Artifact relations.
    public private(set) var relations: Set<ArtifactRelation> = []
    /// The parent (workflow) of each work request that has one, for `same_workflow`.
    public var workRequestParents: [Int: Int] = [:]

    /// An empty store; fill it through the `LookupFixtureSink` methods, which check references.
    public init() {}

    // MARK: LookupStore

    /// The workspace with this id.
    public func workspace(id: Int) -> WorkspaceRecord? { workspaces[id] }

    /// The workspace named `scope/name`; the fixture methods keep the pair unique.
    public func workspace(scope: String, name: String) -> WorkspaceRecord? {
        workspaces.values.first { $0.scope == scope && $0.name == name }
    }

    /// The artifact with this id.
    public func artifact(id: Int) -> ArtifactRecord? { artifacts[id] }

    /// The collection with this id.
    public func collection(id: Int) -> CollectionRecord? { collections[id] }

    /// The collection `name@category` of a workspace; the fixture methods keep it unique.
    public func collection(name: String, category: String, workspaceID: Int) -> CollectionRecord? {
        collections.values.first { $0.name == name && $0.category == category && $0.workspaceID == workspaceID }
    }

    /// The collections of `category` in a workspace, by id.
    public func collections(category: String, workspaceID: Int) -> [CollectionRecord] {
        collections.values.filter { $0.category == category && $0.workspaceID == workspaceID }.sorted { $0.id < $1.id }
    }

    /// Active items of the collection passing `filter`, sorted by id so results are deterministic.
    public func activeItems(inCollection collectionID: Int, matching filter: ItemFilter) -> [CollectionItemRecord] {
        items.values
            .filter { $0.parentCollectionID == collectionID && $0.isActive && filter.matches($0) }
            .sorted { $0.id < $1.id }
    }

    /// The children of the parents of these work requests, from `workRequestParents`.
    public func workRequests(sharingParentWith ids: Set<Int>) -> Set<Int> {
        let parents = Set(ids.compactMap { workRequestParents[$0] })
        return Set(workRequestParents.filter { parents.contains($0.value) }.keys)
    }

    /// The `built-using` targets of each artifact that has any.

    public func builtUsingTargets(ofArtifacts ids: [Int]) -> [Int: Set<Int>] {
        let wanted = Set(ids)
        var targets: [Int: Set<Int>] = [:]
        for relation in relations where relation.type == .builtUsing && wanted.contains(relation.artifactID) {
            targets[relation.artifactID, default: []].insert(relation.targetID)
        }
        return targets
    }

    /// The `type` targets of these artifacts that have `category`, one per relation, by id.
    public func relatedArtifacts(of ids: [Int], type: ArtifactRelationType, category: String) -> [ArtifactRecord] {
        let wanted = Set(ids)
        return relations.filter { $0.type == type && wanted.contains($0.artifactID) }
            .compactMap { artifacts[$0.targetID] }
            .filter { $0.category == category }
            .sorted { $0.id < $1.id }
    }

    // MARK: LookupFixtureSink

    /// Refuses a relation naming a missing artifact, as the database's foreign keys would.
    public mutating func addRelation(_ relation: ArtifactRelation) throws {
        for id in [relation.artifactID, relation.targetID] where artifacts[id] == nil {
            throw LookupFixtureError.missingReference("artifact \(id) of relation \(relation)")
        }
        relations.insert(relation)
    }

    /// Refuses a duplicate id or `scope/name`, as the database's constraints would.
    public mutating func addWorkspace(_ workspace: WorkspaceRecord) throws {
        guard workspaces[workspace.id] == nil else {
            throw LookupFixtureError.duplicateID(kind: "workspace", id: workspace.id)
        }
        guard self.workspace(scope: workspace.scope, name: workspace.name) == nil else {
            throw LookupFixtureError.notUnique("workspace \(workspace.scope)/\(workspace.name)")
        }
        workspaces[workspace.id] = workspace
    }

    /// Refuses a duplicate id or an unknown workspace, as the database's constraints would.
    public mutating func addArtifact(_ artifact: ArtifactRecord) throws {
        guard artifacts[artifact.id] == nil else {
            throw LookupFixtureError.duplicateID(kind: "artifact", id: artifact.id)
        }
        guard workspaces[artifact.workspaceID] != nil else {
            throw LookupFixtureError.missingReference("workspace \(artifact.workspaceID) of artifact \(artifact.id)")
        }
        artifacts[artifact.id] = artifact
    }

    /// Refuses a duplicate id, an unknown workspace or a second `name@category` in the workspace.
    public mutating func addCollection(_ collection: CollectionRecord) throws {
        guard collections[collection.id] == nil else {
            throw LookupFixtureError.duplicateID(kind: "collection", id: collection.id)
        }
        guard workspaces[collection.workspaceID] != nil else {
            throw LookupFixtureError.missingReference(
                "workspace \(collection.workspaceID) of collection \(collection.id)"
            )
        }
        guard
            self.collection(name: collection.name, category: collection.category, workspaceID: collection.workspaceID)
                == nil
        else {
            throw LookupFixtureError.notUnique(
                "collection \(collection.name)@\(collection.category) in workspace \(collection.workspaceID)"
            )
        }
        collections[collection.id] = collection
    }

    /// Refuses a duplicate id, a dangling reference, or a second active item of the same name in the
    /// collection (item names are unique among active items: Debusine `CollectionItem` constraint
    /// `unique_active_name`).
    public mutating func addItem(_ item: CollectionItemRecord) throws {
        guard items[item.id] == nil else { throw LookupFixtureError.duplicateID(kind: "collection item", id: item.id) }
        guard collections[item.parentCollectionID] != nil else {
            throw LookupFixtureError.missingReference("collection \(item.parentCollectionID) of item \(item.id)")
        }
        if let artifactID = item.artifactID, artifacts[artifactID] == nil {
            throw LookupFixtureError.missingReference("artifact \(artifactID) of item \(item.id)")
        }
        if let collectionID = item.collectionID, collections[collectionID] == nil {
            throw LookupFixtureError.missingReference("collection \(collectionID) of item \(item.id)")
        }
        if item.isActive,
            items.values.contains(where: {
                $0.parentCollectionID == item.parentCollectionID && $0.name == item.name && $0.isActive
            })
        {
            throw LookupFixtureError.notUnique("active item '\(item.name)' in collection \(item.parentCollectionID)")
        }
        items[item.id] = item
    }
}
