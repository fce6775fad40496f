/// One artifact as a worker receives it (Debusine `tasks/models.py` `BaseTaskInputArtifact`): its id, category and
/// data, so the worker needs no database to learn, for instance, a source package's name and version.
///
/// A closed JSON object with keys `artifact_id`, `category`, `data`. Each may be null or absent when read,
/// but `data` requires `category` and `category` must be a known artifact category (Debusine's
/// `BaseTaskInputArtifact` validators in `debusine/tasks/models.py`). Written with all three keys, nulls
/// included, as Debusine's `model_dump()` writes them.
public struct BaseTaskInputArtifact: Hashable, Sendable {
    /// The artifact's id, if known.
    public let artifactID: Int?
    /// The artifact's category (`debian:source-package`, …).
    public let category: String?
    /// The artifact's category-specific data.
    public let data: [String: JSONValue]?

    /// The keys a JSON form may hold.
    static let keys: Set<String> = ["artifact_id", "category", "data"]

    /// Builds a value, checking the category is known and that data comes with a category.
    public init(artifactID: Int?, category: String?, data: [String: JSONValue]?) throws(InputModelError) {
        try Self.check(category: category, data: data, model: "BaseTaskInputArtifact")
        self.artifactID = artifactID
        self.category = category
        self.data = data
    }

    /// Builds the value for a looked-up artifact record.
    public init(artifact: ArtifactRecord) throws(InputModelError) {
        try self.init(artifactID: artifact.id, category: artifact.category, data: artifact.data)
    }

    /// Reads the closed JSON form. A bare integer is refused, as Debusine's model refuses it.
    public init(json: JSONValue) throws(InputModelError) {
        let reader = try ClosedObjectReader(json, model: "BaseTaskInputArtifact", keys: Self.keys)
        try self.init(reader: reader)
    }

    init(reader: ClosedObjectReader) throws(InputModelError) {
        let category = try reader.optionalString("category")
        let data = try reader.optionalObject("data")
        try Self.check(category: category, data: data, model: reader.model)
        self.artifactID = try reader.optionalInt("artifact_id")
        self.category = category
        self.data = data
    }

    static func check(category: String?, data: [String: JSONValue]?, model: String) throws(InputModelError) {
        if let category, !KnownCategories.artifacts.contains(category) {
            throw .unknownCategory(model: model, category: category)
        }
        if data != nil, category == nil { throw .dataWithoutCategory(model: model) }
    }

    /// The JSON form: every key present, an absent member written as `null` (Debusine's `model_dump()`,
    /// pinned by `test_serialize_data_none` and `test_serialize_category_data_none`), and the data as its
    /// category's model dumps it, defaults included (`serialize_data`: `data.model_dump()`). `data` itself stays as
    /// stored, which is what the server's `compute_dynamic_data` sees (blhc dumps it with `exclude_unset`).
    public var json: JSONValue { .object(members) }

    /// The three members, nulls included, for the models that embed an artifact.
    var members: [String: JSONValue] {
        [
            "artifact_id": artifactID.map(JSONValue.int) ?? .null,
            "category": category.map(JSONValue.string) ?? .null,
            "data": dumpedData,
        ]
    }

    /// `data` as its category's model dumps it (data always comes with a category: `check`).
    private var dumpedData: JSONValue {
        guard let data else { return .null }
        guard let category else { return .object(data) }
        return .object(ArtifactDataModels.dumped(category: category, data: data))
    }
}

extension BaseTaskInputArtifact: Codable {
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
