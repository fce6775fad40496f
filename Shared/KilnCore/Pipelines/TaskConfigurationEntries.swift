/// Loads the entries of a task-configuration collection through the lookup resolver, so the tag-computer
/// needs no store API beyond `LookupResolving` (in-memory in tests, PostgreSQL in services).
public enum TaskConfigurationEntries {
    /// The multiple lookup that yields every active bare item of collection `collectionID`, in item-id
    /// order: `{"collection": "<id>@collections", "child_type": "bare"}`.
    public static func lookup(collectionID: Int) -> JSONValue {
        ["collection": .string("\(collectionID)@collections"), "child_type": "bare"]
    }

    /// The active items of the collection as configuration items (id + bare data).
    ///
    /// - Throws: `LookupFailure` when the collection is gone or hidden, or the resolver's own error.
    public static func load<Resolver: LookupResolving>(
        collectionID: Int,
        lookups: Resolver,
        context: LookupContext
    ) throws -> [TaskConfigurationItem] {
        let results = try lookups.lookupMultiple(
            lookup(collectionID: collectionID),
            expect: .bare,
            defaultCategory: nil,
            context: context
        )
        return results.compactMap { $0.collectionItem.map(TaskConfigurationItem.init(record:)) }
    }
}
