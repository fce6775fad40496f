/// The package version a `debian:suite` item adds, set against the suite's other active items of the same
/// package (and architecture): the new version must not be older than any of them, unless the suite's data sets
/// `may_rewind_versions`, and the older ones are marked superseded (Debusine's `_check_existing_versions` and
/// `_supersede_older_existing_items`).
public struct SuiteVersionRule: Hashable, Sendable {
    /// Source or binary package.
    public enum Kind: String, Hashable, Sendable {
        /// A `debian:source-package` item: compared with the same package's other sources.
        case source
        /// A `debian:binary-package` item: compared with the same package's binaries of the same architecture.
        case binary
        /// A `debian:debug-symbols` item: compared with the debug symbols of the same binary package and
        /// architecture, only to supersede them (Debusine never refuses an older version of them).
        case debugSymbols = "debug-symbols"
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

    /// Whether an existing item is superseded by this version: it is older, or has no version at all (Debusine
    /// supersedes an item whose data lacks `version`).
    public func supersedes(existingVersion: String?) -> Bool {
        guard let existingVersion else { return true }
        return DebianVersion(existingVersion) < DebianVersion(version)
    }
}
