/// `debusine:task-configuration` (Debusine's `DebusineTaskConfigurationManager`,
/// `server/collections/debusine_task_configuration.py`): bare entries, validated when added and named from
/// their content (`TaskConfigurationEntry.itemName`), so an entry that does not validate is never stored
/// and cannot break the work requests of the workspace later.
public struct TaskConfigurationCollectionManager: CollectionManager {
    public let collection: CollectionRecord

    /// The manager of `collection`.
    public init(collection: CollectionRecord) { self.collection = collection }

    public var validBareCategories: Set<String>? { [KnownCategories.taskConfiguration] }

    public func planBare(category: String, data: [String: JSONValue]?, name: String?, replace: Bool)
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        guard let data else { throw ItemAdditionError("Adding to \(collection.category) requires data") }
        try refuseName(name)
        let entry: TaskConfigurationEntry
        do {
            entry = try TaskConfigurationEntry(data: .object(data))
        } catch {
            throw ItemAdditionError(error.description)
        }
        return CollectionItemPlan(name: entry.itemName, data: data, replacesChildTypes: replace ? [.bare] : [])
    }
}

/// Collections whose items are named by whoever adds them: `debusine:workflow-internal` (Debusine's
/// `WorkflowInternalManager`, `server/collections/workflow_internal.py`), which holds any bare data or
/// artifact a workflow shares between its tasks, and `debusine:test`, which Debusine's own tests use.
///
/// Keys starting with `promise_` are reserved for `debusine:promise` items.
public struct NamedItemsCollectionManager: CollectionManager {
    public let collection: CollectionRecord

    /// The manager of `collection`.
    public init(collection: CollectionRecord) { self.collection = collection }

    public var validBareCategories: Set<String>? { nil }
    public var validArtifactCategories: Set<String>? { nil }

    public func planBare(category: String, data: [String: JSONValue]?, name: String?, replace: Bool)
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        let itemName = try requireName(name)
        if category != "debusine:promise", (data ?? [:]).keys.contains(where: { $0.hasPrefix("promise_") }) {
            throw ItemAdditionError(
                "Fields starting with \"promise_\" are not allowed for category \"\(category)\"")
        }
        return CollectionItemPlan(name: itemName, data: data ?? [:], replacesChildTypes: replace ? [.bare] : [])
    }

    public func planArtifact(_ artifact: ArtifactRecord, variables: [String: JSONValue]?, name: String?, replace: Bool)
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        let itemName = try requireName(name)
        if (variables ?? [:]).keys.contains(where: { $0.hasPrefix("promise_") }) {
            throw ItemAdditionError("Keys starting with \"promise_\" are not allowed in variables")
        }
        // Replacing an artifact also replaces a bare item (a promise) of the same name.
        return CollectionItemPlan(
            name: itemName, data: variables ?? [:], replacesChildTypes: replace ? [.artifact, .bare] : [])
    }
}
