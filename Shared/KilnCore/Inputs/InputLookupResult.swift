/// One result of a lookup that may find anything, saved by reference (Debusine `db/tasks/models.py`
/// `DBInputLookupResult`): what was found, by which lookup, and the ids of the item, artifact or collection, from
/// which the server finds them again.
///
/// JSON keys: `label`, `result_type` (`bare`, `artifact`, `collection`), `lookup` (a single lookup as written, or a
/// dictionary lookup in Debusine's normalised form), `parent_collection_lookup`, `collection_item_id`,
/// `artifact_id`, `collection_id` (each null when it does not apply). Extra keys are rejected.
public struct InputLookupResult: Hashable, Sendable {
    /// The task-data path the lookup was read from.
    public let label: String
    /// What was found.
    public let resultType: CollectionChildType
    /// The lookup that found it: the list element for a single lookup, the whole dictionary for a dictionary one.
    public let lookup: JSONValue
    /// How the collection holding the item was looked up, when the result is an item of one.
    public let parentCollectionLookup: String?
    /// The collection item, when the result is one.
    public let collectionItemID: Int?
    /// The artifact, for an artifact result.
    public let artifactID: Int?
    /// The collection, for a collection result.
    public let collectionID: Int?

    static let keys: Set<String> = [
        "label", "result_type", "lookup", "parent_collection_lookup", "collection_item_id", "artifact_id",
        "collection_id",
    ]

    /// The saved form of a lookup's result (Debusine `DBInputLookupResult.from_lookup_result`).
    public init(label: String, lookup: JSONValue, result: LookupResult) {
        self.label = label
        self.resultType = result.resultType
        self.lookup = lookup
        self.parentCollectionLookup = result.parentCollectionLookup
        self.collectionItemID = result.collectionItem?.id
        self.artifactID = result.artifact?.id
        self.collectionID = result.collection?.id
    }

    /// Reads the closed JSON form.
    public init(json: JSONValue) throws(InputModelError) {
        let reader = try ClosedObjectReader(json, model: "DBInputLookupResult", keys: Self.keys)
        label = try reader.string("label")
        let type = try reader.string("result_type")
        guard let resultType = CollectionChildType(rawValue: type) else {
            throw .wrongType(
                model: reader.model, key: "result_type", expected: "'bare', 'artifact' or 'collection'",
                found: .string(type))
        }
        self.resultType = resultType
        // `LookupSingle | LookupDict`: an id, a string lookup, or a dictionary lookup that parses.
        let lookup = try reader.required("lookup")
        guard (try? LookupMultipleElement(parsing: lookup)) != nil else {
            throw .wrongType(
                model: reader.model, key: "lookup", expected: "a single lookup or a lookup dictionary", found: lookup)
        }
        self.lookup = lookup
        parentCollectionLookup = try reader.optionalString("parent_collection_lookup")
        collectionItemID = try reader.optionalInt("collection_item_id")
        artifactID = try reader.optionalInt("artifact_id")
        collectionID = try reader.optionalInt("collection_id")
    }

    /// The JSON form, every key present as pydantic's `model_dump()` writes it.
    public var json: JSONValue {
        [
            "label": .string(label), "result_type": .string(resultType.rawValue), "lookup": lookup,
            "parent_collection_lookup": parentCollectionLookup.map(JSONValue.string) ?? .null,
            "collection_item_id": collectionItemID.map(JSONValue.int) ?? .null,
            "artifact_id": artifactID.map(JSONValue.int) ?? .null,
            "collection_id": collectionID.map(JSONValue.int) ?? .null,
        ]
    }
}
