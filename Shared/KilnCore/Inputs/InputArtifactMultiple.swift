/// The resolved value of a multiple-artifact input field (Debusine `tasks/models.py` `InputArtifactMultiple`, formerly
/// `MultipleArtifactInfo`).
///
/// JSON keys: `label`, `lookup`, `artifacts` (a list of `BaseTaskInputArtifact`; a bare integer element is
/// read as a legacy id-only artifact). Extra keys are rejected.
///
/// A deliberate difference: Debusine stores `lookup` in its normalised internal form (name and data
/// matchers); Kiln stores it in the USER form, exactly as written in task data, because that form is what a
/// person reads in dynamic data and what `lookupMultiple` accepts again, and it needs no second grammar.
public struct InputArtifactMultiple: Hashable, Sendable {
    /// The task-data path the lookup was read from.
    public let label: String
    /// The multiple lookup as written in task data (object, array, or a single lookup).
    public let lookup: JSONValue
    /// The artifacts found, in lookup order.
    public let artifacts: [BaseTaskInputArtifact]

    static let keys: Set<String> = ["label", "lookup", "artifacts"]

    /// Built by the resolver from a lookup's results, in lookup order.
    public init(label: String, lookup: JSONValue, artifacts: [BaseTaskInputArtifact]) {
        self.label = label
        self.lookup = lookup
        self.artifacts = artifacts
    }

    /// Reads the closed JSON form.
    public init(json: JSONValue) throws(InputModelError) {
        let reader = try ClosedObjectReader(json, model: "InputArtifactMultiple", keys: Self.keys)
        self.label = try reader.string("label")
        self.lookup = try reader.required("lookup")
        let list = try reader.required("artifacts")
        guard let elements = list.arrayValue else {
            throw .wrongType(model: reader.model, key: "artifacts", expected: "an array", found: list)
        }
        var artifacts: [BaseTaskInputArtifact] = []
        for element in elements { artifacts.append(try BaseTaskInputArtifact(json: element)) }
        self.artifacts = artifacts
    }

    /// Debusine's helper: the ids of the artifacts that have one, in order.
    public var artifactIDs: [Int] { artifacts.compactMap(\.artifactID) }

    /// The JSON form.
    public var json: JSONValue {
        ["label": .string(label), "lookup": lookup, "artifacts": .array(artifacts.map(\.json))]
    }
}

extension InputArtifactMultiple: Codable {
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
