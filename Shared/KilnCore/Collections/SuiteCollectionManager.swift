/// `debian:suite` (Debusine's `DebianSuiteManager`, `server/collections/debian_suite.py`): source and binary
/// packages, their debug symbols and repository indexes, each named and described from its artifact plus the
/// variables `component`, `section` (and `priority` for binaries, `build_id` for debug symbols, `path` for
/// indexes).
///
/// A package's files claim their pool file names (`PoolFileRule`), and a newer version supersedes the older
/// ones. Debug symbols are described by the binary package their artifact `relates-to`.
public struct SuiteCollectionManager: CollectionManager {
    /// The collection items are added to.
    public let collection: CollectionRecord

    /// The manager of `collection`.
    public init(collection: CollectionRecord) { self.collection = collection }

    /// The artifact categories Debusine's manager accepts (`VALID_ARTIFACT_CATEGORIES`).
    public var validArtifactCategories: Set<String>? {
        [
            KnownCategories.sourcePackage, KnownCategories.binaryPackage, KnownCategories.repositoryIndex,
            KnownCategories.debugSymbols,
        ]
    }

    /// Debug symbols need the binary package their artifact `relates-to`.
    public func relatedArtifactsNeeded(for artifact: ArtifactRecord) -> ArtifactRelationNeed? {
        guard artifact.category == KnownCategories.debugSymbols else { return nil }
        return ArtifactRelationNeed(type: .relatesTo, category: KnownCategories.binaryPackage)
    }

    /// This category's naming and data rules for an artifact.
    public func planArtifact(
        _ artifact: ArtifactRecord, variables: [String: JSONValue]?, name: String?, replace: Bool, related: [ArtifactRecord],
        workRequest: CollectionItemWorkRequest?
    )
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        let category = artifact.category
        var data: [String: JSONValue]
        let itemName: String
        var versionRule: SuiteVersionRule?
        var poolFiles: PoolFileRule?
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
            poolFiles = PoolFileRule(sourcePackage: package.comparisonText, component: component.comparisonText)
        case KnownCategories.binaryPackage:
            let component = try requiredVariable("component", of: variables, adding: category)
            let section = try requiredVariable("section", of: variables, adding: category)
            let priority = try requiredVariable("priority", of: variables, adding: category)
            let package = try artifactValue("deb_fields.Package", of: artifact)
            let version = try artifactValue("deb_fields.Version", of: artifact)
            let architecture = try artifactValue("deb_fields.Architecture", of: artifact)
            let sourcePackage = try artifactValue("srcpkg_name", of: artifact)
            data = [
                "srcpkg_name": sourcePackage,
                "srcpkg_version": try artifactValue("srcpkg_version", of: artifact),
                "package": package, "version": version, "architecture": architecture,
                "component": component, "section": section, "priority": priority,
            ]
            itemName = "\(package.comparisonText)_\(version.comparisonText)_\(architecture.comparisonText)"
            versionRule = SuiteVersionRule(
                kind: .binary, package: package.comparisonText, architecture: architecture.comparisonText,
                version: version.comparisonText)
            poolFiles = PoolFileRule(sourcePackage: sourcePackage.comparisonText, component: component.comparisonText)
        case KnownCategories.debugSymbols:
            let buildID = try requiredVariable("build_id", of: variables, adding: category)
            guard case .array(let buildIDs) = try artifactValue("build_ids", of: artifact), buildIDs.contains(buildID)
            else {
                throw ItemAdditionError(
                    "Id: \(artifact.id) Category: \(artifact.category) Workspace: \(artifact.workspaceID): "
                        + "build-ID \(buildID.comparisonText) is not in artifact data")
            }
            guard related.count == 1, let binary = related.first else {
                throw ItemAdditionError(
                    "Adding \(category) to \(collection.category) requires exactly one related binary package")
            }
            let package = try artifactValue("deb_fields.Package", of: binary)
            let version = try artifactValue("deb_fields.Version", of: binary)
            let architecture = try artifactValue("deb_fields.Architecture", of: binary)
            data = [
                "build_id": buildID,
                "srcpkg_name": try artifactValue("srcpkg_name", of: binary),
                "srcpkg_version": try artifactValue("srcpkg_version", of: binary),
                "package": package, "version": version, "architecture": architecture,
            ]
            itemName =
                "debugsym:\(package.comparisonText)_\(version.comparisonText)_\(architecture.comparisonText)_"
                + buildID.comparisonText
            // Debusine supersedes older debug symbols of the package but never refuses an older version of them.
            versionRule = SuiteVersionRule(
                kind: .debugSymbols, package: package.comparisonText, architecture: architecture.comparisonText,
                version: version.comparisonText)
        default:
            let path = try requiredVariable("path", of: variables, adding: category)
            data = ["path": path]
            itemName = "index:\(path.comparisonText)"
        }
        // Debusine reads every package version with python-debian's `Version`, which refuses one that is not a
        // Debian version (an unhandled `ValueError` there); Kiln refuses it with that error's text.
        if let versionRule, !DebianVersion.isValid(versionRule.version) {
            throw ItemAdditionError("Invalid version string \(JSONValue.pythonStringRepr(versionRule.version))")
        }
        let mayRewind = collection.data["may_rewind_versions"]?.isPythonTruthy ?? false
        return CollectionItemPlan(
            name: itemName,
            data: data,
            replacesChildTypes: replace ? [.artifact] : [],
            versionRule: versionRule,
            refusesOlderVersions: !mayRewind && category != KnownCategories.debugSymbols,
            poolFiles: poolFiles,
            reusesIdenticalItem: true
        )
    }

    /// Whether a removed package gives up its pool-file claims, so the same file name may come back with other
    /// bytes (Debusine's `DebianSuiteManager.may_reuse_versions`): the suite's data, or else its archive's,
    /// sets a true `may_reuse_versions`.
    ///
    /// - Parameter archive: the workspace's `_@debian:archive`, when it exists.
    public func mayReuseVersions(archive: CollectionRecord?) -> Bool {
        if collection.data["may_reuse_versions"]?.isPythonTruthy ?? false { return true }
        return archive?.data["may_reuse_versions"]?.isPythonTruthy ?? false
    }

}
