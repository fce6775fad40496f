/// `debian:suite` (Debusine's `DebianSuiteManager`, `server/collections/debian_suite.py`): source and binary
/// packages and repository indexes, each named and described from its artifact plus the variables
/// `component`, `section` (and `priority` for binaries, `path` for indexes).
///
/// Not carried over: `debian:debug-symbols` items (they need the related binary package through an
/// artifact relation and its build-IDs), pool-file constraints and `superseded_at` (Kiln stores no files),
/// and the `may_reuse_versions` removal rule that only concerns those constraints.
public struct SuiteCollectionManager: CollectionManager {
    public let collection: CollectionRecord

    /// The manager of `collection`.
    public init(collection: CollectionRecord) { self.collection = collection }

    public var validArtifactCategories: Set<String>? {
        [KnownCategories.sourcePackage, KnownCategories.binaryPackage, KnownCategories.repositoryIndex]
    }

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
        let mayRewind = collection.data["may_rewind_versions"].map { $0 != .bool(false) && !$0.isNull } ?? false
        return CollectionItemPlan(
            name: itemName,
            data: data,
            replacesChildTypes: replace ? [.artifact] : [],
            versionRule: mayRewind ? nil : versionRule,
            reusesIdenticalItem: true
        )
    }
}

/// A `debian:suite` rule checked against the suite's other active items of the same package (and
/// architecture): the new version must not be older than any of them, unless the suite's data sets
/// `may_rewind_versions`.
public struct SuiteVersionRule: Hashable, Sendable {
    /// Source or binary package.
    public enum Kind: String, Hashable, Sendable {
        case source
        case binary
    }

    /// Which kind of package: it selects the items compared and words the message.
    public var kind: Kind
    /// The package name.
    public var package: String
    /// The architecture, for binaries.
    public var architecture: String?
    /// The version being added.
    public var version: String

    /// A rule for one package version.
    public init(kind: Kind, package: String, architecture: String?, version: String) {
        self.kind = kind
        self.package = package
        self.architecture = architecture
        self.version = version
    }

    /// Debusine's `New source version hello 1.0 < existing version 1.1` (binaries read `libhello1:amd64`)
    /// for the first existing version newer than the one being added.
    public func check(existingVersions: [String], in collection: CollectionRecord) throws(ItemAdditionError) {
        let new = DebianVersion(version)
        guard let newer = existingVersions.first(where: { new < DebianVersion($0) }) else { return }
        let label = architecture.map { "\(package):\($0)" } ?? package
        throw ItemAdditionError(
            "\(collection.name)@\(collection.category): New \(kind.rawValue) version \(label) \(version) "
                + "< existing version \(newer)")
    }
}
