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

    /// The plan for bare data whose category is accepted.
    func planBare(category: String, data: [String: JSONValue]?, name: String?, replace: Bool)
        throws(ItemAdditionError) -> CollectionItemPlan
    /// The relation whose targets the manager needs to plan `artifact` (the store loads them into
    /// `CollectionItemAddition.relatedArtifacts`), or `nil`.
    func relatedArtifactsNeeded(for artifact: ArtifactRecord) -> ArtifactRelationNeed?
    /// The plan for an artifact whose category is accepted; `related` holds the targets of the relation
    /// `relatedArtifactsNeeded` named.
    func planArtifact(
        _ artifact: ArtifactRecord, variables: [String: JSONValue]?, name: String?, replace: Bool, related: [ArtifactRecord]
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

    /// Debusine's default refusal, `Cannot add bare data into "<category>"`.
    public func planBare(category: String, data: [String: JSONValue]?, name: String?, replace: Bool)
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        throw ItemAdditionError("Cannot add bare data into \"\(collection.category)\"")
    }

    /// Debusine's default refusal, `Cannot add artifacts into "<category>"`.
    public func planArtifact(
        _ artifact: ArtifactRecord, variables: [String: JSONValue]?, name: String?, replace: Bool, related: [ArtifactRecord]
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
            return try planBare(category: category, data: data, name: addition.name, replace: addition.replace)
        case .artifact(let artifact, let variables):
            if let valid = validArtifactCategories, !valid.contains(artifact.category) {
                throw ItemAdditionError("Artifact category \"\(artifact.category)\" not supported by the collection")
            }
            return try planArtifact(
                artifact, variables: variables, name: addition.name, replace: addition.replace,
                related: addition.relatedArtifacts)
        case .collection(let child, let variables):
            guard KnownCategories.collections.contains(child.category),
                validCollectionCategories.map({ $0.contains(child.category) }) ?? true
            else {
                throw ItemAdditionError("Collection category \"\(child.category)\" not supported by the collection")
            }
            return try planCollection(child, variables: variables, name: addition.name, replace: addition.replace)
        }
    }

    /// `"Adding to <category> requires an item name"`, or the name.
    func requireName(_ name: String?) throws(ItemAdditionError) -> String {
        guard let name, !name.isEmpty else {
            throw ItemAdditionError("Adding to \(collection.category) requires an item name")
        }
        return name
    }

    /// `"Cannot use an explicit item name when adding to <category>"` when a name was given.
    func refuseName(_ name: String?) throws(ItemAdditionError) {
        if name != nil { throw ItemAdditionError("Cannot use an explicit item name when adding to \(collection.category)") }
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
    /// - Throws: `ItemAdditionError` for a category Kiln has no manager for.
    public static func manager(for collection: CollectionRecord) throws(ItemAdditionError) -> any CollectionManager {
        switch collection.category {
        case KnownCategories.suite: return SuiteCollectionManager(collection: collection)
        case KnownCategories.environments: return EnvironmentsCollectionManager(collection: collection)
        case KnownCategories.archive: return ArchiveCollectionManager(collection: collection)
        case KnownCategories.taskConfiguration: return TaskConfigurationCollectionManager(collection: collection)
        case KnownCategories.taskHistory: return TaskHistoryCollectionManager(collection: collection)
        case KnownCategories.workflowInternal, KnownCategories.test:
            return NamedItemsCollectionManager(collection: collection)
        default:
            throw ItemAdditionError(
                "Kiln cannot add items to \(collection.category) collections yet: Debusine fills them from "
                    + "finished work requests (deploy/docs/fidelity.md, \"Collections\")")
        }
    }
}
