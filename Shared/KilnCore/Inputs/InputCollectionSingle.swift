/// The resolved value of a collection input (Debusine `tasks/models.py` `InputCollectionSingle`, formerly
/// `CollectionInfo`): a suite, an archive, or the task-configuration collection, with enough context (scope, workspace)
/// for a worker to build URLs and messages without a database.
///
/// JSON keys: `label`, `lookup`, `collection_id`, `scope_name`, `workspace_name`, `category`, `name`, `data`.
/// Every key is required when read (Debusine's model has no defaults), and extra keys are rejected.
public struct InputCollectionSingle: Hashable, Sendable {
    /// The task-data path the lookup was read from.
    public let label: String
    /// The lookup as written (or, for a derived collection such as a suite's archive, as Kiln wrote it).
    public let lookup: SingleLookup
    /// The collection's id.
    public let collectionID: Int
    /// The scope of the collection's workspace.
    public let scopeName: String
    /// The collection's workspace.
    public let workspaceName: String
    /// The collection category (a known one of Debusine's `artifacts/models.py` `CollectionCategory`).
    public let category: String
    /// The collection name.
    public let name: String
    /// Collection-level data.
    public let data: [String: JSONValue]

    static let keys: Set<String> = [
        "label", "lookup", "collection_id", "scope_name", "workspace_name", "category", "name", "data",
    ]

    /// Built by the resolver from one collection result.
    ///
    /// - Throws: `InputModelError.unknownCategory` for a category Debusine does not know as a collection's,
    /// so a bad value is refused before it is saved into dynamic data.
    public init(
        label: String,
        lookup: SingleLookup,
        collectionID: Int,
        scopeName: String,
        workspaceName: String,
        category: String,
        name: String,
        data: [String: JSONValue] = [:]
    ) throws(InputModelError) {
        guard KnownCategories.collections.contains(category) else {
            throw .unknownCategory(model: "InputCollectionSingle", category: category)
        }
        self.label = label
        self.lookup = lookup
        self.collectionID = collectionID
        self.scopeName = scopeName
        self.workspaceName = workspaceName
        self.category = category
        self.name = name
        self.data = data
    }

    /// Builds the value for a looked-up collection record in `workspace`.
    public init(
        label: String,
        lookup: SingleLookup,
        collection: CollectionRecord,
        workspace: WorkspaceRecord
    ) throws(InputModelError) {
        try self.init(
            label: label,
            lookup: lookup,
            collectionID: collection.id,
            scopeName: workspace.scope,
            workspaceName: workspace.name,
            category: collection.category,
            name: collection.name,
            data: collection.data
        )
    }

    /// Reads the closed JSON form.
    public init(json: JSONValue) throws(InputModelError) {
        let reader = try ClosedObjectReader(json, model: "InputCollectionSingle", keys: Self.keys)
        try self.init(
            label: try reader.string("label"),
            lookup: try reader.singleLookup("lookup"),
            collectionID: try reader.int("collection_id"),
            scopeName: try reader.string("scope_name"),
            workspaceName: try reader.string("workspace_name"),
            category: try reader.string("category"),
            name: try reader.string("name"),
            data: try reader.object("data")
        )
    }

    /// The JSON form.
    public var json: JSONValue {
        [
            "label": .string(label), "lookup": lookup.json, "collection_id": .int(collectionID),
            "scope_name": .string(scopeName), "workspace_name": .string(workspaceName),
            "category": .string(category), "name": .string(name), "data": .object(data),
        ]
    }
}

extension InputCollectionSingle: Codable {
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
