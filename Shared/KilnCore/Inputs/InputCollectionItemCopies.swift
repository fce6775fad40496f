/// One resolved set of copies of a `copycollectionitems` work request (Debusine `server/tasks/inputs/models.py`
/// `CopyCollectionItemsCopiesInfo`): the items found, the collection they go to, and the options as given.
///
/// JSON keys: `label` (`copies[i]`), `source_items` (``InputLookupResult``s labelled `copies[i].source_items`),
/// `target_collection` (an ``InputCollectionSingle`` labelled `copies[i].target_collection`), `move`, `unembargo`,
/// `replace`, `name_template`, `variables`. Extra keys are rejected.
public struct InputCollectionItemCopies: Hashable, Sendable {
    /// `copies[i]`.
    public let label: String
    /// Every item the copy's `source_items` lookup found, none of them a collection.
    public let sourceItems: [InputLookupResult]
    /// The collection the items go to.
    public let targetCollection: InputCollectionSingle
    /// Remove the items from their collection once copied.
    public let move: Bool
    /// Clear the embargo of the copies.
    public let unembargo: Bool
    /// Replace an item of the same name in the target.
    public let replace: Bool
    /// How to name the copies, if not as the originals.
    public let nameTemplate: String?
    /// The variables the name template and the item data may use.
    public let variables: [String: JSONValue]?

    static let keys: Set<String> = [
        "label", "source_items", "target_collection", "move", "unembargo", "replace", "name_template", "variables",
    ]

    /// A resolved set of copies.
    public init(
        label: String, sourceItems: [InputLookupResult], targetCollection: InputCollectionSingle, move: Bool,
        unembargo: Bool, replace: Bool, nameTemplate: String?, variables: [String: JSONValue]?
    ) {
        self.label = label
        self.sourceItems = sourceItems
        self.targetCollection = targetCollection
        self.move = move
        self.unembargo = unembargo
        self.replace = replace
        self.nameTemplate = nameTemplate
        self.variables = variables
    }

    /// Reads the closed JSON form; the flags default to false when absent, as in Debusine's model.
    public init(json: JSONValue) throws(InputModelError) {
        let reader = try ClosedObjectReader(json, model: "CopyCollectionItemsCopiesInfo", keys: Self.keys)
        label = try reader.string("label")
        let items = try reader.required("source_items")
        guard let elements = items.arrayValue else {
            throw .wrongType(model: reader.model, key: "source_items", expected: "an array", found: items)
        }
        var sourceItems: [InputLookupResult] = []
        for element in elements { sourceItems.append(try InputLookupResult(json: element)) }
        self.sourceItems = sourceItems
        targetCollection = try InputCollectionSingle(json: try reader.required("target_collection"))
        func flag(_ key: String) throws(InputModelError) -> Bool {
            // Absent is false; read as pydantic reads a `bool` (lax), so `null` is refused.
            guard let value = reader.members[key] else { return false }
            guard let flag = PydanticLaxBool.parse(value) else {
                throw .wrongType(model: reader.model, key: key, expected: "a boolean", found: value)
            }
            return flag
        }
        move = try flag("move")
        unembargo = try flag("unembargo")
        replace = try flag("replace")
        nameTemplate = try reader.optionalString("name_template")
        variables = try reader.optionalObject("variables")
    }

    /// The JSON form, every key present as pydantic's `model_dump()` writes it.
    public var json: JSONValue {
        [
            "label": .string(label), "source_items": .array(sourceItems.map(\.json)),
            "target_collection": targetCollection.json, "move": .bool(move), "unembargo": .bool(unembargo),
            "replace": .bool(replace), "name_template": nameTemplate.map(JSONValue.string) ?? .null,
            "variables": variables.map(JSONValue.object) ?? .null,
        ]
    }
}
