/// The rules of one collection category for adding items (Debusine's `CollectionManagerInterface` in
/// `server/collections/base.py`): which categories of bare data, artifacts and collections it accepts, and
/// how it names an item and derives its data.
///
/// Managers are pure: the store loads what they need (the collection, the artifact) and carries out the
/// plan they return, with the database checks (duplicates, versions) in the same transaction.
public protocol CollectionManager: Sendable {
    /// The collection being added to.
    var collection: CollectionRecord { get }
    /// Bare categories accepted; `nil` accepts any.
    var validBareCategories: Set<String>? { get }
    /// Artifact categories accepted; `nil` accepts any.
    var validArtifactCategories: Set<String>? { get }
    /// Collection categories accepted; `nil` accepts any known one.
    var validCollectionCategories: Set<String>? { get }

    /// The plan for bare data whose category is accepted (`workRequest`: the one `workRequestNeeded` named).
    func planBare(
        category: String, data: [String: JSONValue]?, name: String?, replace: Bool,
        workRequest: CollectionItemWorkRequest?
    )
        throws(ItemAdditionError) -> CollectionItemPlan
    /// The relation whose targets the manager needs to plan `artifact` (the store loads them into
    /// `CollectionItemAddition.relatedArtifacts`), or `nil`.
    func relatedArtifactsNeeded(for artifact: ArtifactRecord) -> ArtifactRelationNeed?
    /// The id of the work request the manager must see to plan `addition` (the store loads it into
    /// `CollectionItemAddition.workRequest`), or `nil`; refuses first what Debusine refuses before it loads one.
    func workRequestNeeded(for addition: CollectionItemAddition) throws(ItemAdditionError) -> Int?
    /// The plan for an artifact whose category is accepted; `related` holds the targets of the relation
    /// `relatedArtifactsNeeded` named, `workRequest` the work request `workRequestNeeded` named.
    func planArtifact(
        _ artifact: ArtifactRecord, variables: [String: JSONValue]?, name: String?, replace: Bool, related: [ArtifactRecord],
        workRequest: CollectionItemWorkRequest?
    )
        throws(ItemAdditionError) -> CollectionItemPlan
    /// The plan for a collection whose category is accepted.
    func planCollection(
        _ child: CollectionRecord, variables: [String: JSONValue]?, name: String?, replace: Bool
    ) throws(ItemAdditionError) -> CollectionItemPlan
}

extension CollectionManager {
    /// None by default, as Debusine's `CollectionManagerInterface`.
    public var validBareCategories: Set<String>? { [] }
    /// None by default.
    public var validArtifactCategories: Set<String>? { [] }
    /// None by default: no Debusine manager accepts collections.
    public var validCollectionCategories: Set<String>? { [] }
    /// No relation by default: most managers plan from the artifact alone.
    public func relatedArtifactsNeeded(for artifact: ArtifactRecord) -> ArtifactRelationNeed? { nil }
    /// No work request by default.
    public func workRequestNeeded(for addition: CollectionItemAddition) throws(ItemAdditionError) -> Int? { nil }

    /// Debusine's default refusal, `Cannot add bare data into "<category>"`.
    public func planBare(
        category: String, data: [String: JSONValue]?, name: String?, replace: Bool,
        workRequest: CollectionItemWorkRequest?
    )
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        throw ItemAdditionError("Cannot add bare data into \"\(collection.category)\"")
    }

    /// Debusine's default refusal, `Cannot add artifacts into "<category>"`.
    public func planArtifact(
        _ artifact: ArtifactRecord, variables: [String: JSONValue]?, name: String?, replace: Bool, related: [ArtifactRecord],
        workRequest: CollectionItemWorkRequest?
    )
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        throw ItemAdditionError("Cannot add artifacts into \"\(collection.category)\"")
    }

    /// Debusine's default refusal, `Cannot add collections into "<category>"`.
    public func planCollection(
        _ child: CollectionRecord, variables: [String: JSONValue]?, name: String?, replace: Bool
    ) throws(ItemAdditionError) -> CollectionItemPlan {
        throw ItemAdditionError("Cannot add collections into \"\(collection.category)\"")
    }

    /// Checks the child's category against the manager's lists, then asks for the category's plan (Debusine's
    /// `add_bare_data`/`add_artifact`/`add_collection`).
    public func plan(_ addition: CollectionItemAddition) throws(ItemAdditionError) -> CollectionItemPlan {
        switch addition.child {
        case .bare(let category, let data):
            if let valid = validBareCategories, !valid.contains(category) {
                throw ItemAdditionError("Bare data category \"\(category)\" not supported by the collection")
            }
            return try planBare(
                category: category, data: data, name: addition.name, replace: addition.replace,
                workRequest: addition.workRequest)
        case .artifact(let artifact, let variables):
            if let valid = validArtifactCategories, !valid.contains(artifact.category) {
                throw ItemAdditionError("Artifact category \"\(artifact.category)\" not supported by the collection")
            }
            return try planArtifact(
                artifact, variables: variables, name: addition.name, replace: addition.replace,
                related: addition.relatedArtifacts, workRequest: addition.workRequest)
        case .collection(let child, let variables):
            guard KnownCategories.collections.contains(child.category),
                validCollectionCategories.map({ $0.contains(child.category) }) ?? true
            else {
                throw ItemAdditionError("Collection category \"\(child.category)\" not supported by the collection")
            }
            return try planCollection(child, variables: variables, name: addition.name, replace: addition.replace)
        }
    }

    /// `"Adding to <category> requires an item name"`, or the name; an empty name is a name (Debusine's
    /// `WorkflowInternalManager` refuses only `name is None`).
    func requireName(_ name: String?) throws(ItemAdditionError) -> String {
        guard let name else {
            throw ItemAdditionError("Adding to \(collection.category) requires an item name")
        }
        return name
    }

    /// `"Cannot use an explicit item name when adding to <category>"` when a name was given.
    func refuseName(_ name: String?) throws(ItemAdditionError) {
        if name != nil { throw ItemAdditionError("Cannot use an explicit item name when adding to \(collection.category)") }
    }

    /// The collection's `old_items_to_keep` (default 5), read as Django reads the number it compares a rank with
    /// (`IntegerField.get_prep_value`: Python's `int(value)`), as Debusine's `TaskHistoryManager` and
    /// `DebianQAResultsManager` filter `rank__lte=data.get("old_items_to_keep", 5)`: an integer; a boolean (1 or 0);
    /// a float, truncated (`2.5` is 2); a text of digits, with an optional sign, surrounding spaces and single
    /// underscores between digits (`" 2 "`, `"1_0"`). A value `int()` refuses keeps the default (Debusine fails the
    /// addition with a `ValueError`).
    var oldItemsToKeep: Int {
        switch collection.data["old_items_to_keep"] {
        case .int(let number)?: return number
        case .bool(let flag)?: return flag ? 1 : 0
        case .double(let number)? where number.isFinite: return Int(exactly: number.rounded(.towardZero)) ?? 5
        case .string(let text)?: return PythonInt.parse(text) ?? 5
        default: return 5
        }
    }

    /// The value of a required variable, or Debusine's `Adding <artifact category> to <category> requires "<key>"`.
    func requiredVariable(_ key: String, of variables: [String: JSONValue]?, adding category: String)
        throws(ItemAdditionError) -> JSONValue
    {
        guard let value = variables?[key] else {
            throw ItemAdditionError("Adding \(category) to \(collection.category) requires \"\(key)\"")
        }
        return value
    }

    /// `dictionary[key]`, or Kiln's refusal where Debusine's manager fails with a `KeyError`: `Adding to
    /// <category>: the data has no '<key>'` (`whose` is `data` or `variables`).
    func requiredKey(_ key: String, of dictionary: [String: JSONValue], whose: String) throws(ItemAdditionError)
        -> JSONValue
    {
        guard let value = dictionary[key] else {
            let verb = whose == "variables" ? "have" : "has"
            throw ItemAdditionError("Adding to \(collection.category): the \(whose) \(verb) no '\(key)'")
        }
        return value
    }

    /// A text a manager joins into an item name (Python's `"_".join` takes only strings; Debusine then fails
    /// with a `TypeError`), or Kiln's refusal naming the key and the value.
    func nameText(_ value: JSONValue, key: String) throws(ItemAdditionError) -> String {
        guard let text = value.stringValue else {
            throw ItemAdditionError(
                "Adding to \(collection.category): '\(key)' must be a string, not \(value.pythonRepr)")
        }
        return text
    }

    /// The id of the work request a `work_request_id` names (read as Django reads an id, an integer or the text
    /// of one), or Kiln's refusal where Debusine fails with a `ValueError`.
    func workRequestID(_ value: JSONValue) throws(ItemAdditionError) -> Int {
        guard case .success(let id) = PydanticLaxInt.parse(value) else {
            throw ItemAdditionError(
                "Adding to \(collection.category): 'work_request_id' must be an integer, not \(value.pythonRepr)")
        }
        return id
    }

    /// A value the artifact's data must hold, or an error naming the artifact and the missing key (Debusine's
    /// artifact data models guarantee these keys; Kiln's artifacts are not validated at creation).
    func artifactValue(_ path: String, of artifact: ArtifactRecord) throws(ItemAdditionError) -> JSONValue {
        guard let value = JSONValue.object(artifact.data).value(atPath: path), !value.isNull else {
            throw ItemAdditionError("Artifact \(artifact.id) (\(artifact.category)) has no '\(path)' in its data")
        }
        return value
    }
}

/// The manager of each collection category (Debusine's `CollectionManagerInterface.MANAGERS`).
public enum CollectionManagers {
    /// The manager for `collection`.
    ///
    /// - Throws: `ItemAdditionError` for a category outside `KnownCategories.collections`.
    public static func manager(for collection: CollectionRecord) throws(ItemAdditionError) -> any CollectionManager {
        switch collection.category {
        case KnownCategories.suite: return SuiteCollectionManager(collection: collection)
        case KnownCategories.environments: return EnvironmentsCollectionManager(collection: collection)
        case KnownCategories.archive: return ArchiveCollectionManager(collection: collection)
        case KnownCategories.taskConfiguration: return TaskConfigurationCollectionManager(collection: collection)
        case KnownCategories.taskHistory: return TaskHistoryCollectionManager(collection: collection)
        case KnownCategories.packageBuildLogs: return PackageBuildLogsCollectionManager(collection: collection)
        case KnownCategories.qaResults: return QAResultsCollectionManager(collection: collection)
        case KnownCategories.workflowInternal, KnownCategories.test:
            return NamedItemsCollectionManager(collection: collection)
        default:
            // Every category of `KnownCategories.collections` has a manager; a collection of another category
            // cannot be created.
            throw ItemAdditionError("Kiln has no collection manager for \(collection.category)")
        }
    }
}
