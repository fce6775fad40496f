import KilnCore

/// The package facts Debusine's tasks read from artifact data whatever the artifact's category
/// (Debusine `artifacts/models.py` `get_source_package_name`, `get_source_package_version`,
/// `get_architectures`, `get_binary_package_name`), so each task's subject, tags and summary follow the
/// same rule per category.
struct PackageArtifactFacts: Hashable, Sendable {
    /// The artifact's category.
    let category: String?
    /// The artifact's data.
    let data: [String: JSONValue]

    init(_ artifact: BaseTaskInputArtifact) {
        category = artifact.category
        data = artifact.data ?? [:]
    }

    init(_ artifact: InputArtifactSingle) {
        self.init(artifact.artifact)
    }

    /// The source package name: `name` of a source package, `changes_fields.Source` of an upload,
    /// `srcpkg_name` of binary packages, `source` of a build log.
    var sourceName: String? {
        switch category {
        case KnownCategories.sourcePackage: data["name"]?.stringValue
        case KnownCategories.upload: data["changes_fields"]?.value(atPath: "Source")?.stringValue
        case KnownCategories.binaryPackage, KnownCategories.binaryPackages: data["srcpkg_name"]?.stringValue
        case KnownCategories.packageBuildLog: data["source"]?.stringValue
        default: nil
        }
    }

    /// The source package version, read from the same place as `sourceName` (`version`,
    /// `changes_fields.Version`, `srcpkg_version`).
    var sourceVersion: String? {
        switch category {
        case KnownCategories.sourcePackage, KnownCategories.packageBuildLog: data["version"]?.stringValue
        case KnownCategories.upload: data["changes_fields"]?.value(atPath: "Version")?.stringValue
        case KnownCategories.binaryPackage, KnownCategories.binaryPackages: data["srcpkg_version"]?.stringValue
        default: nil
        }
    }

    /// The architectures the artifact holds: `architecture` of binary packages and build logs,
    /// `deb_fields.Architecture` of a binary package, the upload's `changes_fields.Architecture` words
    /// except `source`.
    var architectures: Set<String> {
        switch category {
        case KnownCategories.binaryPackages, KnownCategories.packageBuildLog:
            Set([data["architecture"]?.stringValue].compactMap { $0 })
        case KnownCategories.binaryPackage:
            Set([data["deb_fields"]?.value(atPath: "Architecture")?.stringValue].compactMap { $0 })
        case KnownCategories.upload:
            Set(
                (data["changes_fields"]?.value(atPath: "Architecture")?.stringValue ?? "")
                    .split(separator: " ").map(String.init).filter { $0 != "source" })
        default: []
        }
    }

    /// A binary package's `deb_fields.Package`.
    var binaryPackageName: String? { data["deb_fields"]?.value(atPath: "Package")?.stringValue }

    /// A binary package's `deb_fields.Version` (an upload's `changes_fields.Version`).
    var binaryPackageVersion: String? {
        category == KnownCategories.upload
            ? data["changes_fields"]?.value(atPath: "Version")?.stringValue
            : data["deb_fields"]?.value(atPath: "Version")?.stringValue
    }
}
