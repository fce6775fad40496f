/// `debian:qa-results` (Debusine's `DebianQAResultsManager`, `server/collections/debian_qa_results.py`): the
/// results of QA tasks per package, bare `debian:qa-result` data or the QA task's artifact, each named
/// `TASK_PACKAGE_VERSION_ARCHITECTURE_WORKREQUEST` with a `DebianQAResult` as its data (the task and result
/// taken from the work request), the older ones expired as it grows, and found by `latest:TASK_PACKAGE_ARCH`.
public struct QAResultsCollectionManager: CollectionManager {
    /// The collection items are added to.
    public let collection: CollectionRecord

    /// The manager of `collection`.
    public init(collection: CollectionRecord) { self.collection = collection }

    /// Debusine's `VALID_BARE_DATA_CATEGORIES`.
    public var validBareCategories: Set<String>? { [KnownCategories.qaResult] }
    /// Debusine's `VALID_ARTIFACT_CATEGORIES`.
    public var validArtifactCategories: Set<String>? {
        [KnownCategories.autopkgtest, KnownCategories.blhc, KnownCategories.lintian, KnownCategories.piuparts]
    }

    /// Every item names its work request, whose task and result the item records: the store loads it once the
    /// data (or variables) and name pass Debusine's first checks.
    public func workRequestNeeded(for addition: CollectionItemAddition) throws(ItemAdditionError) -> Int? {
        switch addition.child {
        case .bare(let category, let data) where validBareCategories?.contains(category) == true:
            return try workRequestID(try fields(data, whose: "data", name: addition.name).workRequestID)
        case .artifact(let artifact, let variables) where validArtifactCategories?.contains(artifact.category) == true:
            return try workRequestID(try fields(variables, whose: "variables", name: addition.name).workRequestID)
        default:
            return nil
        }
    }

    /// A bare result (`do_add_bare_data`).
    public func planBare(
        category: String, data: [String: JSONValue]?, name: String?, replace: Bool,
        workRequest: CollectionItemWorkRequest?
    )
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        try plan(try fields(data, whose: "data", name: name), workRequest: workRequest, replacing: replace ? [.bare] : [])
    }

    /// A QA task's artifact (`do_add_artifact`); replacing removes a bare result of the same name too.
    public func planArtifact(
        _ artifact: ArtifactRecord, variables: [String: JSONValue]?, name: String?, replace: Bool, related: [ArtifactRecord],
        workRequest: CollectionItemWorkRequest?
    )
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        try plan(
            try fields(variables, whose: "variables", name: name), workRequest: workRequest,
            replacing: replace ? [.bare, .artifact] : [])
    }

    /// Debusine's `DebianQAResult` (`artifacts/models.py`), which the item's data is.
    static let model = PydanticModel(
        "DebianQAResult",
        [
            .required("task_name", .string), .required("package", .string), .required("version", .string),
            .required("architecture", .string), .required("timestamp", .integer),
            .required("work_request_id", .integer),
            .required("result", .enumeration(WorkRequestResult.allCases.map(\.rawValue))),
        ])

    /// The keys a result is given, read in Debusine's order after its refusals of no data and of a name.
    private func fields(_ given: [String: JSONValue]?, whose: String, name: String?)
        throws(ItemAdditionError) -> (workRequestID: JSONValue, values: [String: JSONValue])
    {
        guard let given else { throw ItemAdditionError("Adding to \(collection.category) requires \(whose)") }
        try refuseName(name)
        var values: [String: JSONValue] = [:]
        for key in ["package", "version", "architecture", "timestamp", "work_request_id"] {
            values[key] = try requiredKey(key, of: given, whose: whose)
        }
        return (values["work_request_id"] ?? .null, values)
    }

    /// The item: the `DebianQAResult` built from the given values and the work request, dumped as JSON (its
    /// integers as integers), named from it, and the collection's expiry run after it is added.
    private func plan(
        _ fields: (workRequestID: JSONValue, values: [String: JSONValue]), workRequest: CollectionItemWorkRequest?,
        replacing: [CollectionChildType]
    ) throws(ItemAdditionError) -> CollectionItemPlan {
        guard let workRequest else {
            throw ItemAdditionError("Adding to \(collection.category) needs the work request its data names")
        }
        var result = fields.values
        result["task_name"] = .string(workRequest.taskName)
        result["result"] = .string(workRequest.result.rawValue)
        do {
            try Self.model.validate(.object(result))
        } catch {
            throw ItemAdditionError(error.description)
        }
        for key in ["timestamp", "work_request_id"] {
            if let value = result[key], case .success(let number) = PydanticLaxInt.parse(value) { result[key] = .int(number) }
        }
        let name = [
            workRequest.taskName, result["package"]?.stringValue ?? "", result["version"]?.stringValue ?? "",
            result["architecture"]?.stringValue ?? "", fields.workRequestID.comparisonText,
        ].joined(separator: "_")
        return CollectionItemPlan(
            name: name, data: result, replacesChildTypes: replacing,
            pruning: .qaResults(keepsMostRecent: oldItemsToKeep))
    }
}
