/// The artifact, collection and bare-data categories that lookup resolution itself depends on (Debusine
/// `artifacts/models.py` `ArtifactCategory`, `CollectionCategory`, `BareDataCategory`).
///
/// Kept in one place so the segment handlers, the item filters and the test fixtures spell them the same.
public enum LookupCategories {
    /// Collection of source and binary packages; has the `source:`/`binary:`/… segment handlers.
    public static let suite = "debian:suite"
    /// Collection of system tarballs and images; has the `match:` segment handler.
    public static let environments = "debian:environments"
    /// Collection of task-configuration entries (only `name:` segments).
    public static let taskConfiguration = "debusine:task-configuration"
    /// A workflow's internal collection, named `workflow-<root id>` (only `name:` segments).
    public static let workflowInternal = "debusine:workflow-internal"

    /// Artifact category of source packages (suite items named `NAME_VERSION`).
    public static let sourcePackage = "debian:source-package"
    /// Artifact category of binary packages (suite items named `NAME_VERSION_ARCH`).
    public static let binaryPackage = "debian:binary-package"
    /// Artifact category of repository indexes (suite items found by `index:PATH`).
    public static let repositoryIndex = "debian:repository-index"
    /// Artifact category an environment `format=tarball` stands for.
    public static let systemTarball = "debian:system-tarball"
    /// Artifact category an environment `format=image` stands for.
    public static let systemImage = "debian:system-image"

    /// Bare-data category standing for an artifact a work request has not produced yet; a dictionary
    /// lookup's `child_type: artifact-or-promise` admits it beside artifacts.
    public static let promise = "debusine:promise"

    /// The name of a workflow's internal collection, which `internal@collections` designates.
    public static func workflowInternalCollectionName(rootID: Int) -> String { "workflow-\(rootID)" }
}
