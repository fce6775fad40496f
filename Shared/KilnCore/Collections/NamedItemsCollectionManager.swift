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
        if category != KnownCategories.promise, (data ?? [:]).keys.contains(where: { $0.hasPrefix("promise_") }) {
            throw ItemAdditionError(
                "Fields starting with \"promise_\" are not allowed for category \"\(category)\"")
        }
        if category == KnownCategories.promise {
            // Debusine `db/models/collections.py` `CollectionItemManager.create_from_bare_data` checks every promise
            // with `DebusinePromise(**data)` as it creates the item.
            do {
                try Self.promiseModel.validate(JSONValue.object(data ?? [:]))
            } catch {
                throw ItemAdditionError("\(error)")
            }
        }
        return CollectionItemPlan(name: itemName, data: data ?? [:], replacesChildTypes: replace ? [.bare] : [])
    }

    /// Debusine `artifacts/models.py` `DebusinePromise`: the work request and workflow that will make the artifact
    /// and its category; other keys allowed, except more `promise_` ones.
    static let promiseModel = PydanticModel(
        "DebusinePromise",
        promiseFields,
        allowsExtra: true,
        modelValidatorName: "check_no_extra_names_starting_promise",
        modelValidator: { members in
            let declared = Set(promiseFields.map(\.key))
            return members.keys.filter { $0.hasPrefix("promise_") && !declared.contains($0) }
                .sorted(by: JSONValue.pythonOrder).first
                .map { "Field name '\($0)' starting with 'promise_' is not allowed." }
        })

    /// `DebusinePromise`'s fields; other keys are its `model_extra`.
    private static let promiseFields: [PydanticModel.Field] = [
        .required("promise_work_request_id", .integer),
        .required("promise_workflow_id", .integer),
        .required("promise_category", .string),
    ]

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
