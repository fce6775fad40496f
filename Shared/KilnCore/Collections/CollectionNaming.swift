/// The rules a new collection's name and category follow (Debusine's `validate_collection_name` and the
/// check constraint `db_collection_name_not_reserved` in `db/models/collections.py`).
public enum CollectionNaming {
    /// The name of a singleton collection (`_@debian:archive`, …): a workspace holds at most one per category.
    public static let singletonName = "_"

    /// Why `name@category` cannot be created, in Debusine's words, or `nil` when it can.
    ///
    /// A name starts with a letter and holds letters, digits and `+._-`; the singleton categories
    /// (`debian:archive`, …) are always named `_`, and no other category may use a name starting with `_`.
    public static func problem(name: String, category: String) -> String? {
        guard KnownCategories.collections.contains(category) else {
            return "\(JSONValue.pythonStringRepr(category)) is not a valid CollectionCategory"
        }
        guard name == "_" || isValidName(name) else {
            return "\(JSONValue.pythonStringRepr(name)) is not a valid collection name"
        }
        let singleton = KnownCategories.singletonCollections.contains(category)
        if singleton, name != "_" {
            return "\(JSONValue.pythonStringRepr(category)) singleton collections must be named '_'"
        }
        if !singleton, name.hasPrefix("_") {
            return "new row for relation \"db_collection\" violates check constraint \"db_collection_name_not_reserved\""
        }
        return nil
    }

    /// What Debusine's collection API answers when asked to create `name@category` that cannot be created
    /// (`server/views/collections.py` `CollectionViewSet.perform_create`, its serializer's `Cannot deserialize
    /// collection`; tests `test_post_invalid_name`, `test_post_unexpected_error`), with Kiln's explanation where
    /// Debusine gives none (a name the database's check constraints refuse: `Cannot create collection` alone).
    public static func creationRefusal(name: String, category: String) -> (refusal: String, explanation: String?)? {
        guard KnownCategories.collections.contains(category) else {
            // Django REST framework's `ChoiceField`.
            return ("Cannot deserialize collection: \"\(category)\" is not a valid choice.", nil)
        }
        guard name == "_" || isValidName(name) else {
            return ("Cannot deserialize collection: \(JSONValue.pythonStringRepr(name)) is not a valid collection name", nil)
        }
        return problem(name: name, category: category).map { ("Cannot create collection", $0) }
    }

    /// Debusine's answer to a second collection of the same name and category in a workspace.
    public static let duplicateRefusal = "Cannot create collection: A collection with the same name already exists"

    /// `^[A-Za-z][A-Za-z0-9+._-]*$`.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || "+._-".unicodeScalars.contains($0) }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("A"..."Z").contains(self) || ("a"..."z").contains(self) }
}
