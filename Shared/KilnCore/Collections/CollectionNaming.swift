/// The rules a new collection's name and category follow (Debusine's `validate_collection_name` and the
/// check constraint `db_collection_name_not_reserved` in `db/models/collections.py`).
public enum CollectionNaming {
    /// The name of a singleton collection (`_@debian:archive`, …): a workspace holds at most one per category.
    public static let singletonName = "_"

    /// Why a name and category cannot make a collection.
    public enum Problem: Hashable, Sendable {
        /// The category is not one Debusine knows.
        case unknownCategory
        /// The name is not `_` and not a letter followed by letters, digits and `+._-`.
        case invalidName
        /// A singleton category (`debian:archive`, …) named otherwise than `_`.
        case singletonNotUnderscore
        /// Another category named `_` (Debusine's check constraint `db_collection_name_not_reserved`).
        case reservedName
    }

    /// Why `name@category` cannot be created, or `nil` when it can.
    ///
    /// A name starts with a letter and holds letters, digits and `+._-`; the singleton categories
    /// (`debian:archive`, …) are always named `_`, and no other category may use a name starting with `_`.
    public static func check(name: String, category: String) -> Problem? {
        guard KnownCategories.collections.contains(category) else { return .unknownCategory }
        guard name == "_" || isValidName(name) else { return .invalidName }
        let singleton = KnownCategories.singletonCollections.contains(category)
        if singleton, name != "_" { return .singletonNotUnderscore }
        if !singleton, name.hasPrefix("_") { return .reservedName }
        return nil
    }

    /// Why `name@category` cannot be created, in the words of Debusine's model and database, or `nil` when it can.
    public static func problem(name: String, category: String) -> String? {
        check(name: name, category: category).map { problem in
            switch problem {
            case .unknownCategory: "\(JSONValue.pythonStringRepr(category)) is not a valid CollectionCategory"
            case .invalidName: "\(JSONValue.pythonStringRepr(name)) is not a valid collection name"
            case .singletonNotUnderscore: "\(JSONValue.pythonStringRepr(category)) singleton collections must be named '_'"
            case .reservedName:
                "new row for relation \"db_collection\" violates check constraint \"db_collection_name_not_reserved\""
            }
        }
    }

    /// What Debusine's collection API answers when asked to create `name@category` that cannot be created
    /// (`server/views/collections.py` `CollectionViewSet.perform_create`, its serializer's `Cannot deserialize
    /// collection`; tests `test_post_invalid_name`, `test_post_unexpected_error`), with Kiln's explanation where
    /// Debusine gives none (a name the database's check constraints refuse: `Cannot create collection` alone).
    public static func creationRefusal(name: String, category: String) -> (refusal: String, explanation: String?)? {
        check(name: name, category: category).map { found in
            switch found {
            case .unknownCategory:
                // Django REST framework's `ChoiceField`.
                ("Cannot deserialize collection: \"\(category)\" is not a valid choice.", nil)
            case .invalidName:
                ("Cannot deserialize collection: \(JSONValue.pythonStringRepr(name)) is not a valid collection name", nil)
            case .singletonNotUnderscore, .reservedName:
                ("Cannot create collection", Self.problem(name: name, category: category))
            }
        }
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
