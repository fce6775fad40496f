/// The resolved value of a single-artifact input field (Debusine `tasks/models.py` `InputArtifactSingle`, formerly
/// `ArtifactInfo`): the artifact plus where it came from.
///
/// JSON keys: `label` (the task-data path, e.g. `input.source_artifact`), `lookup` (integer or string, as
/// the user wrote it), `artifact_id`, `category`, `data`. Extra keys are rejected.
public struct InputArtifactSingle: Hashable, Sendable {
    /// The task-data path the lookup was read from; error messages and the UI name the input by it.
    public let label: String
    /// The lookup as written in task data.
    public let lookup: SingleLookup
    /// The artifact's id, category and data.
    public let artifact: BaseTaskInputArtifact

    static let keys = BaseTaskInputArtifact.keys.union(["label", "lookup"])

    /// Built by the resolver from one lookup result.
    public init(label: String, lookup: SingleLookup, artifact: BaseTaskInputArtifact) {
        self.label = label
        self.lookup = lookup
        self.artifact = artifact
    }

    /// Reads the closed JSON form.
    public init(json: JSONValue) throws(InputModelError) {
        let reader = try ClosedObjectReader(json, model: "InputArtifactSingle", keys: Self.keys)
        self.label = try reader.string("label")
        self.lookup = try reader.singleLookup("lookup")
        self.artifact = try BaseTaskInputArtifact(reader: reader)
    }

    /// The artifact id (nil only for legacy values without one).
    public var artifactID: Int? { artifact.artifactID }
    /// The artifact category.
    public var category: String? { artifact.category }
    /// The artifact data (empty when absent).
    public var data: [String: JSONValue] { artifact.data ?? [:] }
    /// Debusine's helper: `[artifact_id]`, or `[]` when there is none.
    public var resolvedIDs: [Int] { artifactID.map { [$0] } ?? [] }

    /// The JSON form: label, lookup and the artifact's three members, nulls included (Debusine's
    /// `InputArtifactSingleTests::test_serialize`).
    public var json: JSONValue {
        var members = artifact.members
        members["label"] = .string(label)
        members["lookup"] = lookup.json
        return .object(members)
    }
}

extension InputArtifactSingle: Codable {
    /// Goes through `init(json:)`, so decoding refuses unknown keys exactly as the closed JSON form does.
    public init(from decoder: any Decoder) throws {
        try self.init(json: try JSONValue(from: decoder))
    }

    /// Writes the closed JSON form `json` gives, the one saved in `task_input_fields` (Debusine
    /// `tasks/inputs/inputs.py` `TaskFieldContainer.save_field_values`).
    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
