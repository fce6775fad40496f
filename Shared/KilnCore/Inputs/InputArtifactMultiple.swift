/// The resolved value of a multiple-artifact input field (Debusine `tasks/models.py` `InputArtifactMultiple`, formerly
/// `MultipleArtifactInfo`).
///
/// JSON keys: `label`, `lookup` (an object or a list, as Debusine's `LookupMultiple` requires), `artifacts`
/// (a list of `BaseTaskInputArtifact`, `[]` when absent as in Debusine's `default_factory=list`). Extra keys
/// are rejected.
///
/// The resolver stores `lookup` in Debusine's normalised form (`LookupMultiple.modelDump`: a list of single
/// lookups and fully spelled-out dictionaries), as Debusine's `DBFieldResolver.lookup_multiple_artifacts`
/// stores the validated model; reading accepts any object or list, since Debusine's validator accepts both
/// the user form and the normalised one.
public struct InputArtifactMultiple: Hashable, Sendable {
    /// The task-data path the lookup was read from.
    public let label: String
    /// The multiple lookup, normalised by the resolver (see the type's comment).
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
    ///
    /// - Throws: `InputModelError.multipleLookupShape` for a lookup that is neither an object nor a list.
    public init(json: JSONValue) throws(InputModelError) {
        let reader = try ClosedObjectReader(json, model: "InputArtifactMultiple", keys: Self.keys)
        self.label = try reader.string("label")
        let lookup = try reader.required("lookup")
        guard lookup.objectValue != nil || lookup.arrayValue != nil else {
            throw .multipleLookupShape(model: reader.model)
        }
        self.lookup = lookup
        let list = reader.present("artifacts") ?? []
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
