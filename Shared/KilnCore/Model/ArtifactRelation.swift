/// How one artifact relates to another (Debusine's `ArtifactRelation.Relations`).
public enum ArtifactRelationType: String, CaseIterable, Hashable, Sendable, Codable {
    /// The artifact adds to the target (e.g. a signed upload extending the unsigned one).
    case extends
    /// The artifact is about the target (debug symbols relate to their binary package).
    case relatesTo = "relates-to"
    /// The artifact was built using the target (a binary package and its source).
    case builtUsing = "built-using"
}

/// One relation: `artifactID` has relation `type` to `targetID` (Debusine prints it `7 built-using 3`).
public struct ArtifactRelation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The artifact the relation starts from.
    public var artifactID: Int
    /// The kind of relation.
    public var type: ArtifactRelationType
    /// The artifact it points to.
    public var targetID: Int

    /// A relation.
    public init(artifactID: Int, type: ArtifactRelationType, targetID: Int) {
        self.artifactID = artifactID
        self.type = type
        self.targetID = targetID
    }

    public var description: String { "\(artifactID) \(type.rawValue) \(targetID)" }
}
