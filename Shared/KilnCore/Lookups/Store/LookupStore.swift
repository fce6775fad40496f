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
    /// The collections of this category held by this very workspace (no inheritance), ordered by id: a
    /// `debian:archive` looks packages up in its workspace's suites (Debusine `DebianArchiveManager.do_lookup`).
    func collections(category: String, workspaceID: Int) throws -> [CollectionRecord]
    /// The active items (`removedAt == nil`) of a collection that pass `filter`, ordered by item id.
    func activeItems(inCollection collectionID: Int, matching filter: ItemFilter) throws -> [CollectionItemRecord]
    /// The targets of each of these artifacts' `built-using` relations, by artifact; one without any is absent
    /// (`lookup__binaries` keeps the binaries built from a source: Debusine `DebianSuiteManager.do_lookup_filter`).
    func builtUsingTargets(ofArtifacts ids: [Int]) throws -> [Int: Set<Int>]
    /// The artifacts of `category` that these artifacts have a `type` relation to, ordered by id, one per
    /// relation reaching them (Debusine `db/tasks/resolver.py` `DBFieldResolver.find_related_artifacts`, whose
    /// join lists a target once for each matching relation). Incomplete artifacts are left out, as `artifact(id:)`
    /// leaves them out.
    func relatedArtifacts(of ids: [Int], type: ArtifactRelationType, category: String) throws -> [ArtifactRecord]
    /// The work requests whose parent (a workflow) is the parent of one of these (Debusine's
    /// `WorkRequest.objects.filter(parent__children__in=ids)`, for the `same_workflow` lookup filter); none for
    /// work requests outside workflows.
    func workRequests(sharingParentWith ids: Set<Int>) throws -> Set<Int>
}
