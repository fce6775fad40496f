/// The contract between lookup resolution (Debusine `server/collections/lookup.py`) and its callers: input fields, task
/// configuration and the lookup-resolver's RPC all go through it, so the in-memory store used by tests and the
/// PostgreSQL store used by services answer every lookup the same way.
///
/// Lookups are passed as they appear in task data (`JSONValue`): a string or integer is a single lookup, an
/// object or array a multiple lookup (Debusine `tasks/models.py` `LookupSingle`, `LookupMultiple`). Implementations
/// throw `LookupFailure`, keeping "not found" (`KeyError` in Debusine) apart from "invalid" (`LookupError`), because
/// callers treat them differently (a missing default task-configuration collection is ignored: Debusine
/// `db/tasks/inputs.py` `TaskConfigurationCollection.resolve`).
public protocol LookupResolving {
    /// Resolves a single lookup (string or integer) to exactly one result.
    ///
    /// - Parameters:
    ///   - lookup: the lookup as written in task data.
    ///   - expect: the type the result must have.
    ///   - defaultCategory: the category a bare `NAME` first segment gets, if the context supplies one.
    ///   - context: who looks up, from which workspace and workflow.
    /// - Throws: `LookupFailure`.
    func lookupSingle(
        _ lookup: JSONValue,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> LookupResult

    /// Resolves a multiple lookup (object or array) to zero or more results, in order. Any failing element
    /// fails the whole lookup. A bare string or integer is refused (`Lookup of multiple collection items
    /// must be a dictionary or a list`), as Debusine's `LookupMultiple` refuses it; wrap it in a list.
    ///
    /// - Throws: `LookupFailure`.
    func lookupMultiple(
        _ lookup: JSONValue,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> [LookupResult]

    /// Resolves an environment lookup the way executor tasks do (Debusine `db/models/work_requests.py`
    /// `WorkRequest.lookup_environment`): default category `debian:environments`; a `COLL/match:…` lookup is augmented
    /// with `architecture`, `format` (when given), `backend` (when given), and, if no `variant` is given, tried first
    /// with `variant=<taskName>` and then with `variant=` (no variant), unless `taskName` is nil.
    ///
    /// - Parameters:
    ///   - architecture: the task's build architecture (task data or the server fallback, never a worker's).
    ///   - backend: the executor backend (`unshare`, `incus-lxc`, …), or nil to leave it out.
    ///   - format: `tarball` or `image` (from the backend's image category), or nil to leave it out.
    ///   - taskName: the lowercased task name tried as the variant first; nil for a field that tries no variant
    ///     (Debusine's `try_variant=False`, piuparts' `base_tgz`).
    /// - Throws: `LookupFailure`.
    func lookupEnvironment(
        _ lookup: JSONValue,
        architecture: String,
        backend: String?,
        format: String?,
        taskName: String?,
        context: LookupContext
    ) throws -> LookupResult

    /// A single lookup that finds `result` again later (Debusine 0.16 `db/models/lookups.py`
    /// `LookupResult.reconstruct`): a result of a single lookup → that lookup as written (text or integer); an item a
    /// dictionary lookup found → `"<parent collection lookup>/name:<item name>"`, which also finds the item that
    /// replaces it (a promise's real artifact); a bare artifact or collection result → `"<id>@artifacts"`,
    /// `"internal@collections"` for the workflow's internal collection, else `"<id>@collections"`.
    func reconstructLookup(_ result: LookupResult, context: LookupContext) -> JSONValue

    /// The artifacts of `category` that these artifacts have a `type` relation to, ordered by id (Debusine
    /// `tasks/inputs/resolver.py` `FieldResolver.find_related_artifacts`): how an upload finds the binary packages it
    /// `extends`, and signed artifacts the signing inputs and binaries they `relates-to`.
    ///
    /// - Throws: the store's error.
    func relatedArtifacts(of ids: [Int], type: ArtifactRelationType, category: String) throws -> [ArtifactRecord]

    /// The workspace with this id, if it exists (used to fill `scope_name`/`workspace_name` of
    /// `InputCollectionSingle` and to find a suite's `_@debian:archive`).
    func workspace(id: Int) -> WorkspaceRecord?
}

/// Who performs a lookup and from where (Debusine `server/collections/lookup.py` `lookup_single`): a lookup runs as the
/// work request's creator, in the work request's workspace, inside its workflow root (if any).
public struct LookupContext: Hashable, Sendable, Codable {
    /// The workspace whose collections (and inheritance chain) a `NAME@CATEGORY` lookup searches.
    public var workspaceID: Int
    /// The looking-up user's name; `nil` is anonymous (sees public workspaces only).
    public var user: String?
    /// The workflow root's work-request id; `internal@collections` is only valid when set.
    public var workflowRootID: Int?

    /// Defaults describe an anonymous lookup outside any workflow.
    public init(workspaceID: Int, user: String? = nil, workflowRootID: Int? = nil) {
        self.workspaceID = workspaceID
        self.user = user
        self.workflowRootID = workflowRootID
    }
}

/// The type a lookup's result must have (`expect_type`: Debusine `client/models.py` `LookupChildType`).
public enum LookupExpectType: String, CaseIterable, Hashable, Sendable, Codable {
    /// A bare data item.
    case bare
    /// An artifact.
    case artifact
    /// An artifact, or a bare `debusine:promise` item standing for one not produced yet. As an expected
    /// type it admits any bare item (Debusine's `_lookup_result_expected`); as a dictionary's `child_type`
    /// it admits only promises (`ItemChildTypeFilter.artifactOrPromise`).
    case artifactOrPromise = "artifact-or-promise"
    /// A collection.
    case collection
    /// Anything.
    case any

    /// The name Debusine's messages give the type (`expect_type.name.lower()`): the enum member's name,
    /// so `artifact_or_promise` with an underscore where the value has a hyphen.
    public var debusineName: String {
        String(rawValue.map { $0 == "-" ? "_" : $0 })
    }
}

/// One result of a lookup (Debusine `db/models/lookups.py` `LookupResult`). First-segment-only results have no
/// `collectionItem`.
public struct LookupResult: Hashable, Sendable, Codable {
    /// What was found.
    public var resultType: CollectionChildType
    /// The lookup of the collection the item was found in (for `reconstructLookup`), when found through one.
    public var parentCollectionLookup: String?
    /// The collection item, when the result came from a collection.
    public var collectionItem: CollectionItemRecord?
    /// The artifact, for artifact results.
    public var artifact: ArtifactRecord?
    /// The collection, for collection results.
    public var collection: CollectionRecord?
    /// The single lookup this result answers, as written (text or integer), when it came from one; `nil` for the
    /// items a dictionary lookup found. Debusine's `LookupResult.lookup` keeps the lookup too, and
    /// `reconstructLookup` gives a single lookup back as it is.
    public var singleLookup: JSONValue?

    /// Only `resultType` is required: what else is set depends on what was found (as in Debusine's `LookupResult`).
    public init(
        resultType: CollectionChildType,
        parentCollectionLookup: String? = nil,
        collectionItem: CollectionItemRecord? = nil,
        artifact: ArtifactRecord? = nil,
        collection: CollectionRecord? = nil,
        singleLookup: JSONValue? = nil
    ) {
        self.resultType = resultType
        self.parentCollectionLookup = parentCollectionLookup
        self.collectionItem = collectionItem
        self.artifact = artifact
        self.collection = collection
        self.singleLookup = singleLookup
    }

    enum CodingKeys: String, CodingKey {
        case resultType = "result_type"
        case parentCollectionLookup = "parent_collection_lookup"
        case collectionItem = "collection_item"
        case artifact, collection
        case singleLookup = "single_lookup"
    }
}

/// Why a lookup failed (the `KeyError`/`LookupError` of Debusine `server/collections/lookup.py`). The two classes stay
/// distinct because callers treat them differently.
public enum LookupFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// Debusine's `KeyError`: the id or name does not exist, or is hidden from the user.
    /// The message has Debusine's shape, e.g. `'12@artifacts' does not exist or is hidden`.
    case notFound(String)
    /// Debusine's `LookupError`: the lookup is malformed or yields the wrong type.
    case invalid(String)

    /// The human-readable message, exactly as Debusine words it.
    public var message: String {
        switch self {
        case .notFound(let message), .invalid(let message): message
        }
    }

    public var description: String { message }
}
