/// Collections whose items are named by whoever adds them: `debusine:workflow-internal` (Debusine's
/// `WorkflowInternalManager`, `server/collections/workflow_internal.py`), which holds any bare data or
/// artifact a workflow shares between its tasks, and `debusine:test`, which Debusine's own tests use.
///
/// Keys starting with `promise_` are reserved for `debusine:promise` items.
public struct NamedItemsCollectionManager: CollectionManager {
    /// The collection items are added to.
    public let collection: CollectionRecord

    /// The manager of `collection`.
    public init(collection: CollectionRecord) { self.collection = collection }

    /// The bare-data categories Debusine's manager accepts (`VALID_BARE_DATA_CATEGORIES`; nil: any).
    public var validBareCategories: Set<String>? { nil }
    /// The artifact categories Debusine's manager accepts (`VALID_ARTIFACT_CATEGORIES`).
    public var validArtifactCategories: Set<String>? { nil }

    /// This category's naming and data rules for bare data.
    public func planBare(
        category: String, data: [String: JSONValue]?, name: String?, replace: Bool,
        workRequest: CollectionItemWorkRequest?
    )
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        let itemName = try requireName(name)
        if category != "debusine:promise", (data ?? [:]).keys.contains(where: { $0.hasPrefix("promise_") }) {
            throw ItemAdditionError(
                "Fields starting with \"promise_\" are not allowed for category \"\(category)\"")
        }
        return CollectionItemPlan(name: itemName, data: data ?? [:], replacesChildTypes: replace ? [.bare] : [])
    }

    /// This category's naming and data rules for an artifact.
    public func planArtifact(
        _ artifact: ArtifactRecord, variables: [String: JSONValue]?, name: String?, replace: Bool, related: [ArtifactRecord],
        workRequest: CollectionItemWorkRequest?
    )
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
