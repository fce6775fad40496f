/// Where a `debian:suite` item's files would sit in its archive's `pool/` directory, which decides whether
/// two items' files may coexist (Debusine's `DebianSuiteManager._make_constraints` and `make_pool_filename`
/// in `server/collections/debian_suite.py`).
///
/// Each file of a source or binary package added to a suite claims the key `pool/<component>/<prefix>/<source
/// package>/<file name>` with the value `sha256:<digest>`. Every claim on one key within the suite, and within
/// the suite's archive (the workspace's `_@debian:archive`, whose `pool/` all its suites share), must hold the
/// same value: the same file name may come back only with the same bytes. Claims outlive the item's removal
/// unless the suite or its archive sets `may_reuse_versions`.
public struct PoolFileRule: Hashable, Sendable {
    /// The constraint's name, as Debusine stores it.
    public static let constraintName = "pool-file"

    /// The source package whose pool directory holds the files (a binary package's `srcpkg_name`).
    public var sourcePackage: String
    /// The component the item was added to (the `component` variable).
    public var component: String

    /// A rule for the files of one source package in one component.
    public init(sourcePackage: String, component: String) {
        self.sourcePackage = sourcePackage
        self.component = component
    }

    /// The pool file name a file of the artifact claims.
    public func key(forPath path: String) -> String {
        "pool/\(component)/\(Self.prefix(ofSourcePackage: sourcePackage))/\(sourcePackage)/\(path)"
    }

    /// What a claim holds: the file's content digest, as Debusine writes it.
    public static func value(sha256: String) -> String { "sha256:\(sha256)" }

    /// The pool's prefix directory: the first four characters for a `lib…` source package, otherwise the first.
    public static func prefix(ofSourcePackage name: String) -> String {
        String(name.prefix(name.hasPrefix("lib") ? 4 : 1))
    }

    /// Debusine's refusal when a claim clashes, in the suite or its archive: `<suite>@debian:suite: Artifact
    /// <item name> already exists in the archive pool`.
    public static func clash(itemName: String, in suite: CollectionRecord) -> ItemAdditionError {
        ItemAdditionError("\(suite.name)@\(suite.category): Artifact \(itemName) already exists in the archive pool")
    }
}
