/// `debian:environments` (Debusine's `DebianEnvironmentsManager`, `server/collections/debian_environments.py`):
/// system tarballs and images, named `tarball|image:CODENAME:ARCH[:VARIANT:BACKEND]`.
///
/// The codename comes from the variables or else the artifact; the architecture from the artifact; variant
/// and backend only from the variables. An environment with the same codename and architecture but another
/// variant or backend is a different item; the same one needs `replace`.
public struct EnvironmentsCollectionManager: CollectionManager {
    /// The collection items are added to.
    public let collection: CollectionRecord

    /// The manager of `collection`.
    public init(collection: CollectionRecord) { self.collection = collection }

    /// The artifact categories Debusine's manager accepts (`VALID_ARTIFACT_CATEGORIES`).
    public var validArtifactCategories: Set<String>? { KnownCategories.environmentArtifacts }

    /// This category's naming and data rules for an artifact.
    public func planArtifact(
        _ artifact: ArtifactRecord, variables: [String: JSONValue]?, name: String?, replace: Bool, related: [ArtifactRecord],
        workRequest: CollectionItemWorkRequest?
    )
        throws(ItemAdditionError) -> CollectionItemPlan
    {
        let codename: JSONValue
        if let given = variables?["codename"] {
            codename = given
        } else {
            codename = try artifactValue("codename", of: artifact)
        }
        let architecture = try artifactValue("architecture", of: artifact)
        let variant = variables?["variant"] ?? .null
        let backend = variables?["backend"] ?? .null
        let format = artifact.category == KnownCategories.systemTarball ? "tarball" : "image"
        var elements = [format, codename.comparisonText, architecture.comparisonText]
        if !variant.isNull || !backend.isNull {
            elements += [variant.isNull ? "" : variant.comparisonText, backend.isNull ? "" : backend.comparisonText]
        }
        return CollectionItemPlan(
            name: elements.joined(separator: ":"),
            data: ["codename": codename, "architecture": architecture, "variant": variant, "backend": backend],
            replacesChildTypes: replace ? [.artifact] : []
        )
    }
}
