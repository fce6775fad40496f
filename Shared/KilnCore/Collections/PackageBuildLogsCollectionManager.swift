/// `debian:package-build-logs` (Debusine's `DebianPackageBuildLogsManager`,
/// `server/collections/debian_package_build_logs.py`): one item per build log, bare `debian:package-build-log` data or
/// a `debian:package-build-log` artifact, named `VENDOR_CODENAME_ARCHITECTURE_SRCPKG_SRCVERSION_WORKREQUEST` from
/// the data or the variables, so the logs of one package on one suite line up by name.
public struct PackageBuildLogsCollectionManager: CollectionManager {
    /// The collection items are added to.
    public let collection: CollectionRecord

    /// The manager of `collection`.
    public init(collection: CollectionRecord) { self.collection = collection }

    /// Debusine's `VALID_BARE_DATA_CATEGORIES`.
    public var validBareCategories: Set<String>? { [KnownCategories.packageBuildLog] }
    /// Debusine's `VALID_ARTIFACT_CATEGORIES`.
    public var validArtifactCategories: Set<String>? { [KnownCategories.packageBuildLog] }

    /// An artifact's item records the worker that ran its work request, so the store loads that work request
    /// (after the variables are read, in Debusine's order; a missing one is Django's `DoesNotExist`).
    public func workRequestNeeded(for addition: CollectionItemAddition) throws(ItemAdditionError) -> Int? {
        guard case .artifact(let artifact, let variables) = addition.child,
            validArtifactCategories?.contains(artifact.category) == true
        else { return nil }
        return try workRequestID(try artifactFields(artifact, variables: variables).workRequestID)
    }

    /// Bare data is stored as given, named from its keys (`do_add_bare_data`).
    public func planBare(
        category: String, data: [String: JSONValue]?, name: String?, replace: Bool,
        workRequest: CollectionItemWorkRequest?
    )
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        guard let data else { throw ItemAdditionError("Adding to \(collection.category) requires data") }
        let workRequestID = try requiredKey("work_request_id", of: data, whose: "data")
        var values: [JSONValue] = []
        for key in Self.nameKeys { values.append(try requiredKey(key, of: data, whose: "data")) }
        var parts: [String] = []
        for (key, value) in zip(Self.nameKeys, values) { parts.append(try nameText(value, key: key)) }
        return CollectionItemPlan(
            name: (parts + [workRequestID.comparisonText]).joined(separator: "_"), data: data,
            replacesChildTypes: replace ? [.bare] : [])
    }

    /// An artifact's item data comes from the variables, the source package's name and version from the log
    /// when the variables leave them out, and the worker from its work request (`do_add_artifact`).
    public func planArtifact(
        _ artifact: ArtifactRecord, variables: [String: JSONValue]?, name: String?, replace: Bool, related: [ArtifactRecord],
        workRequest: CollectionItemWorkRequest?
    )
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        let fields = try artifactFields(artifact, variables: variables)
        var data = fields.texts.mapValues(JSONValue.string)
        data["work_request_id"] = fields.workRequestID
        if let worker = workRequest?.workerName { data["worker"] = .string(worker) }
        let parts = Self.nameKeys.compactMap { fields.texts[$0] } + [fields.workRequestID.comparisonText]
        return CollectionItemPlan(
            name: parts.joined(separator: "_"), data: data, replacesChildTypes: replace ? [.bare, .artifact] : [])
    }

    /// The keys an item's name is made of, in order, before the work request's id.
    static let nameKeys = ["vendor", "codename", "architecture", "srcpkg_name", "srcpkg_version"]

    /// The variables an artifact needs, read in Debusine's order, with the source package's name and version
    /// from the log (`source`, `version`) when the variables do not give them.
    private func artifactFields(_ artifact: ArtifactRecord, variables: [String: JSONValue]?)
        throws(ItemAdditionError) -> (workRequestID: JSONValue, texts: [String: String])
    {
        guard let variables else { throw ItemAdditionError("Adding to \(collection.category) requires variables") }
        let workRequestID = try requiredKey("work_request_id", of: variables, whose: "variables")
        var values: [String: JSONValue] = [:]
        for key in ["vendor", "codename", "architecture"] { values[key] = try requiredKey(key, of: variables, whose: "variables") }
        for (key, logKey) in [("srcpkg_name", "source"), ("srcpkg_version", "version")] {
            if let given = variables[key] { values[key] = given } else { values[key] = try artifactValue(logKey, of: artifact) }
        }
        var texts: [String: String] = [:]
        for key in Self.nameKeys { texts[key] = try nameText(values[key] ?? .null, key: key) }
        return (workRequestID, texts)
    }
}
