/// `debian:archive` (Debusine's `DebianArchiveManager`, `server/collections/debian_archive.py`): the
/// archive-level repository indexes, named `index:PATH`; suite-level ones (under `dists/`) belong to suites.
public struct ArchiveCollectionManager: CollectionManager {
    /// The collection items are added to.
    public let collection: CollectionRecord

    /// The manager of `collection`.
    public init(collection: CollectionRecord) { self.collection = collection }

    /// The artifact categories Debusine's manager accepts (`VALID_ARTIFACT_CATEGORIES`).
    public var validArtifactCategories: Set<String>? { [KnownCategories.repositoryIndex] }

    /// This category's naming and data rules for an artifact.
    public func planArtifact(
        _ artifact: ArtifactRecord, variables: [String: JSONValue]?, name: String?, replace: Bool, related: [ArtifactRecord],
        workRequest: CollectionItemWorkRequest?
    )
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        let path = try requiredVariable("path", of: variables, adding: artifact.category)
        if path.comparisonText.hasPrefix("dists/") {
            throw ItemAdditionError("Archive-level repository indexes may not have paths under dists/")
        }
        return CollectionItemPlan(
            name: "index:\(path.comparisonText)", data: ["path": path], replacesChildTypes: replace ? [.artifact] : [])
    }
}
