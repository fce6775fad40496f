import KilnCore
import Store

/// What `kiln collection add` and `import` say one item holds, before the database resolves it.
enum CollectionItemInput {
    /// An existing artifact, by id.
    case artifact(id: Int)
    /// A collection of the same workspace, by `NAME@CATEGORY`.
    case collection(CollectionName)
    /// Bare data of a category.
    case bare(category: String)

    /// The addition the collection's manager plans: `data` is the bare item's data, or the variables an
    /// artifact's or collection's item data is derived from (`component`, `section`, `codename`, …).
    func addition(
        name: String?,
        data: [String: JSONValue]?,
        replace: Bool,
        workspace: WorkspaceRecord,
        path: WorkspacePath,
        on conn: PGConnection
    ) async throws -> CollectionItemAddition {
        let child: CollectionItemChild
        switch self {
        case .artifact(let id):
            guard let artifact = try await ArtifactRepository.find(id: id, on: conn) else {
                throw RepositoryError.notFound(kind: "artifact", key: String(id))
            }
            child = .artifact(artifact, variables: data)
        case .collection(let collectionName):
            let record = try await collectionName.require(workspaceID: workspace.id, workspace: path, on: conn)
            child = .collection(record, variables: data)
        case .bare(let category):
            child = .bare(category: category, data: data)
        }
        return CollectionItemAddition(child: child, name: name, replace: replace)
    }

    /// The line `kiln collection add` prints for an added item.
    static func report(
        _ result: (item: CollectionItemRecord, replacedItemIDs: [Int], reused: Bool),
        in collection: CollectionName
    ) -> String {
        let item = result.item
        if result.reused {
            return "item \(item.id) '\(item.name)' of \(collection) already holds artifact "
                + "\(item.artifactID.map(String.init) ?? "-") with this data: nothing added"
        }
        let replaced = result.replacedItemIDs.isEmpty
            ? "" : ", replacing item \(result.replacedItemIDs.map(String.init).joined(separator: ", "))"
        return "added item \(item.id) '\(item.name)' (\(item.childType.rawValue) \(item.category)) to \(collection)\(replaced)"
    }
}
