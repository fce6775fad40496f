import Foundation
import KilnCore

/// What a new collection item holds: nothing but data (`bare`), an artifact, or another collection.
public enum CollectionItemChild: Hashable, Sendable {
    /// A bare item: its own category and data only (task-configuration entries, promises, …).
    case bare(category: String)
    /// An artifact; the item's category is the artifact's.
    case artifact(id: Int)
    /// A collection; the item's category is the collection's.
    case collection(id: Int)
}

/// Collections and their items, keeping the rule lookups rely on: at most one **active** item per name in
/// a collection (Debusine `db/models/collections.py` `CollectionItem`, constraint `unique_active_name`). Adding an item
/// under a name that is already active removes the old item in the same statement sequence (it stays in the table with
/// `removed_at`, as history).
public enum CollectionRepository {
    static let collectionColumns = "id, name, category, workspace_id, data"
    static let itemColumns = """
        id, parent_collection_id, name, child_type, category, data, artifact_id, collection_id, created_at, removed_at
        """

    /// Creates a collection.
    ///
    /// - Throws: `RepositoryError.alreadyExists` for a (name, category) already in the workspace;
    ///   `.invalid` for an empty category or a name starting with `_` (reserved, except the singleton `_`).
    public static func create(
        workspaceID: Int,
        name: String,
        category: String,
        data: [String: JSONValue] = [:],
        on conn: PGConnection
    ) async throws -> CollectionRecord {
        guard name == "_" || (!name.isEmpty && !name.hasPrefix("_")) else {
            throw RepositoryError.invalid(
                "collection name '\(name)' must be non-empty and must not start with '_' (except the singleton '_')"
            )
        }
        guard !category.isEmpty, !category.contains(where: \.isWhitespace) else {
            throw RepositoryError.invalid("collection category '\(category)' must be non-empty and without spaces")
        }
        let row = try await conn.query(
            """
            INSERT INTO collections (workspace_id, name, category, data) VALUES ($1, $2, $3, $4)
            ON CONFLICT ON CONSTRAINT collections_name_category_workspace_key DO NOTHING RETURNING id
            """,
            workspaceID,
            name,
            category,
            data
        ).first
        guard let id = try row?.decode(Int.self, at: 0) else {
            throw RepositoryError.alreadyExists(kind: "collection", key: "\(name)@\(category)")
        }
        return CollectionRecord(id: id, name: name, category: category, workspaceID: workspaceID, data: data)
    }

    /// The collection `name@category` of a workspace (not its parents), if it exists.
    public static func find(
        workspaceID: Int,
        name: String,
        category: String,
        on conn: PGConnection
    ) async throws -> CollectionRecord? {
        try await conn.query(
            "SELECT \(collectionColumns) FROM collections WHERE workspace_id = $1 AND name = $2 AND category = $3",
            workspaceID,
            name,
            category
        ).first.map(collection(from:))
    }

    /// The collection with primary key `id`, if it exists.
    public static func find(id: Int, on conn: PGConnection) async throws -> CollectionRecord? {
        try await conn.query("SELECT \(collectionColumns) FROM collections WHERE id = $1", id).first
            .map(collection(from:))
    }

    /// The collections of a workspace by category then name, with their active item counts.
    public static func list(
        workspaceID: Int,
        on conn: PGConnection
    ) async throws -> [(collection: CollectionRecord, activeItems: Int)] {
        try await conn.query(
            """
            SELECT c.id, c.name, c.category, c.workspace_id, c.data,
                   (SELECT count(*) FROM collection_items i WHERE i.parent_collection_id = c.id AND i.removed_at IS NULL)
            FROM collections c WHERE c.workspace_id = $1 ORDER BY c.category, c.name
            """,
            workspaceID
        ).rows.map { row in (try collection(from: row), try row.decode(Int.self, at: 5)) }
    }

    /// Adds an item to a collection, replacing (removing) the active item of the same name if there is one.
    ///
    /// Must run inside a transaction, so that the removal and the insertion are seen together; the
    /// partial unique index `collection_items_active_name_key` refuses a concurrent second insertion.
    ///
    /// - Returns: the new item, and the id of the item it replaced, if any.
    /// - Throws: `RepositoryError.notFound` for a missing artifact or collection child;
    ///   `PGError.notInTransaction` outside a transaction.
    @discardableResult
    public static func addItem(
        collectionID: Int,
        name: String,
        child: CollectionItemChild,
        data: [String: JSONValue] = [:],
        createdBy: Int? = nil,
        createdByWorkRequestID: Int? = nil,
        on conn: PGConnection
    ) async throws -> (item: CollectionItemRecord, replacedItemID: Int?) {
        guard await conn.isInTransaction else {
            throw PGError.notInTransaction(operation: "CollectionRepository.addItem")
        }
        guard !name.isEmpty else { throw RepositoryError.invalid("collection item name must not be empty") }
        let childType: CollectionChildType
        let category: String
        var artifactID: Int?
        var childCollectionID: Int?
        switch child {
        case .bare(let bareCategory):
            guard !bareCategory.isEmpty else {
                throw RepositoryError.invalid("bare item '\(name)' needs a category")
            }
            (childType, category) = (.bare, bareCategory)
        case .artifact(let id):
            guard let artifact = try await ArtifactRepository.find(id: id, on: conn) else {
                throw RepositoryError.notFound(kind: "artifact", key: String(id))
            }
            (childType, category, artifactID) = (.artifact, artifact.category, id)
        case .collection(let id):
            guard let collection = try await find(id: id, on: conn) else {
                throw RepositoryError.notFound(kind: "collection", key: String(id))
            }
            (childType, category, childCollectionID) = (.collection, collection.category, id)
        }
        let replaced = try await conn.query(
            """
            UPDATE collection_items SET removed_at = now(), removed_by_id = $3, removed_by_work_request_id = $4
            WHERE parent_collection_id = $1 AND name = $2 AND removed_at IS NULL RETURNING id
            """,
            collectionID,
            name,
            createdBy,
            createdByWorkRequestID
        ).first.map { try $0.decode(Int.self, at: 0) }
        let row = try await conn.query(
            """
            INSERT INTO collection_items (parent_collection_id, name, child_type, category, data, artifact_id,
                                          collection_id, created_by_id, created_by_work_request_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING \(itemColumns)
            """,
            collectionID,
            name,
            childType.rawValue,
            category,
            data,
            artifactID,
            childCollectionID,
            createdBy,
            createdByWorkRequestID
        ).first
        guard let row else {
            throw PGError.unexpectedResult(status: "no row", message: "INSERT INTO collection_items … RETURNING")
        }
        return (try item(from: row), replaced)
    }

    /// Removes the active item `name` of a collection (it stays as history with `removed_at`).
    ///
    /// - Returns: the removed item's id.
    /// - Throws: `RepositoryError.notFound` when no active item has that name.
    @discardableResult
    public static func removeItem(
        collectionID: Int,
        name: String,
        removedBy: Int? = nil,
        removedByWorkRequestID: Int? = nil,
        on conn: PGConnection
    ) async throws -> Int {
        let row = try await conn.query(
            """
            UPDATE collection_items SET removed_at = now(), removed_by_id = $3, removed_by_work_request_id = $4
            WHERE parent_collection_id = $1 AND name = $2 AND removed_at IS NULL RETURNING id
            """,
            collectionID,
            name,
            removedBy,
            removedByWorkRequestID
        ).first
        guard let id = try row?.decode(Int.self, at: 0) else {
            throw RepositoryError.notFound(kind: "active item", key: "'\(name)' in collection \(collectionID)")
        }
        return id
    }

    /// The items of a collection in id order: only the active ones unless `includeRemoved`.
    public static func items(
        collectionID: Int,
        includeRemoved: Bool = false,
        on conn: PGConnection
    ) async throws -> [CollectionItemRecord] {
        try await conn.query(
            """
            SELECT \(itemColumns) FROM collection_items
            WHERE parent_collection_id = $1 AND ($2 OR removed_at IS NULL) ORDER BY id
            """,
            collectionID,
            includeRemoved
        ).rows.map(item(from:))
    }

    static func collection(from row: PGRow) throws -> CollectionRecord {
        CollectionRecord(
            id: try row.decode(Int.self, at: 0),
            name: try row.decode(String.self, at: 1),
            category: try row.decode(String.self, at: 2),
            workspaceID: try row.decode(Int.self, at: 3),
            data: try row.decode([String: JSONValue].self, at: 4)
        )
    }

    static func item(from row: PGRow) throws -> CollectionItemRecord {
        let typeText = try row.decode(String.self, at: 3)
        guard let childType = CollectionChildType(rawValue: typeText) else {
            throw RepositoryError.invalid("collection item has unknown child_type '\(typeText)'")
        }
        return CollectionItemRecord(
            id: try row.decode(Int.self, at: 0),
            parentCollectionID: try row.decode(Int.self, at: 1),
            name: try row.decode(String.self, at: 2),
            childType: childType,
            category: try row.decode(String.self, at: 4),
            data: try row.decode([String: JSONValue].self, at: 5),
            artifactID: try row.decode(Int?.self, at: 6),
            collectionID: try row.decode(Int?.self, at: 7),
            createdAt: try row.decode(Date.self, at: 8),
            removedAt: try row.decode(Date?.self, at: 9)
        )
    }
}
