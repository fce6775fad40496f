/// `debusine:task-configuration` (Debusine's `DebusineTaskConfigurationManager`,
/// `server/collections/debusine_task_configuration.py`): bare entries, validated when added and named from
/// their content (`TaskConfigurationEntry.itemName`), so an entry that does not validate is never stored
/// and cannot break the work requests of the workspace later.
public struct TaskConfigurationCollectionManager: CollectionManager {
    /// The collection items are added to.
    public let collection: CollectionRecord

    /// The manager of `collection`.
    public init(collection: CollectionRecord) { self.collection = collection }

    /// The bare-data categories Debusine's manager accepts (`VALID_BARE_DATA_CATEGORIES`; nil: any).
    public var validBareCategories: Set<String>? { [KnownCategories.taskConfiguration] }

    /// This category's naming and data rules for bare data.
    public func planBare(
        category: String, data: [String: JSONValue]?, name: String?, replace: Bool,
        workRequest: CollectionItemWorkRequest?
    )
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
