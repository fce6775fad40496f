/// `debian:suite` (Debusine's `DebianSuiteManager`, `server/collections/debian_suite.py`): source and binary
/// packages and repository indexes, each named and described from its artifact plus the variables
/// `component`, `section` (and `priority` for binaries, `path` for indexes).
///
/// Not carried over: `debian:debug-symbols` items (they need the related binary package through an
/// artifact relation and its build-IDs), pool-file constraints and `superseded_at` (Kiln stores no files),
/// and the `may_reuse_versions` removal rule that only concerns those constraints.
public struct SuiteCollectionManager: CollectionManager {
    /// The collection items are added to.
    public let collection: CollectionRecord

    /// The manager of `collection`.
    public init(collection: CollectionRecord) { self.collection = collection }

    /// The artifact categories Debusine's manager accepts (`VALID_ARTIFACT_CATEGORIES`).
    public var validArtifactCategories: Set<String>? {
        [KnownCategories.sourcePackage, KnownCategories.binaryPackage, KnownCategories.repositoryIndex]
    }

    /// This category's naming and data rules for an artifact.
    public func planArtifact(_ artifact: ArtifactRecord, variables: [String: JSONValue]?, name: String?, replace: Bool)
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        let category = artifact.category
        var data: [String: JSONValue]
        let itemName: String
        var versionRule: SuiteVersionRule?
        switch category {
        case KnownCategories.sourcePackage:
            let component = try requiredVariable("component", of: variables, adding: category)
            let section = try requiredVariable("section", of: variables, adding: category)
            let package = try artifactValue("name", of: artifact)
            let version = try artifactValue("version", of: artifact)
            data = ["package": package, "version": version, "component": component, "section": section]
            itemName = "\(package.comparisonText)_\(version.comparisonText)"
            versionRule = SuiteVersionRule(
                kind: .source, package: package.comparisonText, architecture: nil, version: version.comparisonText)
        case KnownCategories.binaryPackage:
            let component = try requiredVariable("component", of: variables, adding: category)
            let section = try requiredVariable("section", of: variables, adding: category)
            let priority = try requiredVariable("priority", of: variables, adding: category)
            let package = try artifactValue("deb_fields.Package", of: artifact)
            let version = try artifactValue("deb_fields.Version", of: artifact)
            let architecture = try artifactValue("deb_fields.Architecture", of: artifact)
            data = [
                "srcpkg_name": try artifactValue("srcpkg_name", of: artifact),
                "srcpkg_version": try artifactValue("srcpkg_version", of: artifact),
                "package": package, "version": version, "architecture": architecture,
                "component": component, "section": section, "priority": priority,
            ]
            itemName = "\(package.comparisonText)_\(version.comparisonText)_\(architecture.comparisonText)"
            versionRule = SuiteVersionRule(
                kind: .binary, package: package.comparisonText, architecture: architecture.comparisonText,
                version: version.comparisonText)
        default:
            let path = try requiredVariable("path", of: variables, adding: category)
            data = ["path": path]
            itemName = "index:\(path.comparisonText)"
        }
        let mayRewind = collection.data["may_rewind_versions"]?.isPythonTruthy ?? false
        return CollectionItemPlan(
            name: itemName,
            data: data,
            replacesChildTypes: replace ? [.artifact] : [],
            versionRule: mayRewind ? nil : versionRule,
            reusesIdenticalItem: true
        )
    }
}
