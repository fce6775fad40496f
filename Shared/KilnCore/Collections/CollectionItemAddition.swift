/// What is being added to a collection: bare data, an artifact or another collection.
public enum CollectionItemChild: Hashable, Sendable {
    /// A bare item of `category` holding `data` (`nil` when none was given, which some categories refuse).
    case bare(category: String, data: [String: JSONValue]?)
    /// An artifact, with the variables the category's manager derives the item's data from.
    case artifact(ArtifactRecord, variables: [String: JSONValue]?)
    /// A collection, with the variables given for it.
    case collection(CollectionRecord, variables: [String: JSONValue]?)

    /// The item's child type.
    public var childType: CollectionChildType {
        switch self {
        case .bare: .bare
        case .artifact: .artifact
        case .collection: .collection
        }
    }

    /// The item's category: the bare category, or the artifact's or collection's.
    public var category: String {
        switch self {
        case .bare(let category, _): category
        case .artifact(let artifact, _): artifact.category
        case .collection(let collection, _): collection.category
        }
    }
}

/// A request to add one item, as `kiln collection add` or `import` makes it.
public struct CollectionItemAddition: Hashable, Sendable {
    /// What the item holds.
    public var child: CollectionItemChild
    /// The name asked for; most managers compute their own and ignore or refuse it.
    public var name: String?
    /// Remove the active item the new one would clash with first, instead of failing.
    public var replace: Bool
    /// The targets of the relation the manager asked for (`CollectionManager.relatedArtifactsNeeded`), filled
    /// in by the store before it asks for the plan.
    public var relatedArtifacts: [ArtifactRecord]
    /// The work request the manager asked for (`CollectionManager.workRequestNeeded`), filled in by the store.
    public var workRequest: CollectionItemWorkRequest?

    /// A request; `replace` defaults to false, as in Debusine's `add_*` methods.
    public init(
        child: CollectionItemChild, name: String? = nil, replace: Bool = false, relatedArtifacts: [ArtifactRecord] = [],
        workRequest: CollectionItemWorkRequest? = nil
    ) {
        self.child = child
        self.name = name
        self.replace = replace
        self.relatedArtifacts = relatedArtifacts
        self.workRequest = workRequest
    }
}

/// What a manager reads of the work request an item records (`debian:qa-results` takes its task name and
/// result, `debian:package-build-logs` the name of the worker that ran it).
public struct CollectionItemWorkRequest: Hashable, Sendable {
    /// Its id.
    public var id: Int
    /// Its task's name (`lintian`, …).
    public var taskName: String
    /// Its result so far (`""` while it has none).
    public var result: WorkRequestResult
    /// The worker it ran on, if any.
    public var workerName: String?

    /// A work request's facts.
    public init(id: Int, taskName: String, result: WorkRequestResult, workerName: String?) {
        self.id = id
        self.taskName = taskName
        self.result = result
        self.workerName = workerName
    }
}

/// The older items a manager removes once an item is added.
public enum CollectionItemPruning: Hashable, Sendable {
    /// `debusine:task-history`'s rule for the runs of the added run's task.
    case taskHistory(TaskHistoryPruning)
    /// `debian:qa-results`' rule (Debusine's `DebianQAResultsManager._expire`): across the whole collection,
    /// for each task name, package and architecture, the active items ranked by `timestamp`, newest first, with
    /// ties ranked equal, beyond the first `keepsMostRecent` ranks are removed (never the added item).
    case qaResults(keepsMostRecent: Int)
}

/// Artifacts a manager must see to plan an item: the targets of the child artifact's relations of `type`
/// that are of `category` (a `debian:debug-symbols` artifact's binary package, which it `relates-to`).
public struct ArtifactRelationNeed: Hashable, Sendable {
    /// The relation followed from the child artifact.
    public var type: ArtifactRelationType
    /// The category of the targets wanted.
    public var category: String

    /// A need.
    public init(type: ArtifactRelationType, category: String) {
        self.type = type
        self.category = category
    }
}

/// What the store must do to add an item, as the collection's manager decided it.
public struct CollectionItemPlan: Hashable, Sendable {
    /// The item's name.
    public var name: String
    /// The per-item data stored with it (what lookups filter on).
    public var data: [String: JSONValue]
    /// When replacing: the child types of the active items named `name` to remove first (empty otherwise).
    public var replacesChildTypes: [CollectionChildType]
    /// The package version a `debian:suite` item adds: older active versions of the package are superseded
    /// and, when `refusesOlderVersions`, a newer one refuses the item.
    public var versionRule: SuiteVersionRule?
    /// Whether `versionRule` refuses a version older than one already in the suite (false when the suite's
    /// data sets `may_rewind_versions`).
    public var refusesOlderVersions: Bool
    /// The pool files the item's artifact claims in the suite and its archive (`debian:suite` packages).
    public var poolFiles: PoolFileRule?
    /// The older items removed once the item is added (`debusine:task-history`, `debian:qa-results`).
    public var pruning: CollectionItemPruning?
    /// An item with this name, artifact and data already in the collection is returned instead of a new
    /// one (`debian:suite`: re-adding the same artifact is not a new item).
    public var reusesIdenticalItem: Bool

    /// A plan; the optional parts default to none.
    public init(
        name: String,
        data: [String: JSONValue],
        replacesChildTypes: [CollectionChildType] = [],
        versionRule: SuiteVersionRule? = nil,
        refusesOlderVersions: Bool = true,
        poolFiles: PoolFileRule? = nil,
        pruning: CollectionItemPruning? = nil,
        reusesIdenticalItem: Bool = false
    ) {
        self.name = name
        self.data = data
        self.replacesChildTypes = replacesChildTypes
        self.versionRule = versionRule
        self.refusesOlderVersions = refusesOlderVersions
        self.poolFiles = poolFiles
        self.pruning = pruning
        self.reusesIdenticalItem = reusesIdenticalItem
    }
}

/// Why an item cannot be added (Debusine's `ItemAdditionError`), worded as Debusine words it.
public struct ItemAdditionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The message.
    public let message: String

    /// An error with Debusine's text.
    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// The text of PostgreSQL's unique violation that Debusine passes on when an active item already has the
    /// name (Debusine tests match `db_collectionitem_unique_active_name`; Kiln's index has the same name).
    public static func duplicateName(_ name: String, collectionID: Int) -> ItemAdditionError {
        ItemAdditionError(
            """
            duplicate key value violates unique constraint "db_collectionitem_unique_active_name"
            DETAIL:  Key (name, parent_collection_id)=(\(name), \(collectionID)) already exists.
            """
        )
    }
}
