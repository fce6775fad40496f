import Foundation
import KilnCore

/// Collections and their items, keeping the rule lookups rely on: at most one **active** item per name in
/// a collection (the partial unique index `db_collectionitem_unique_active_name`). Items are added through
/// the collection category's `CollectionManager`, which names them and derives their data; a removed item
/// stays in the table with `removed_at`, as history.
public enum CollectionRepository {
    static let collectionColumns = "id, name, category, workspace_id, data"
    static let itemColumns = """
        id, parent_collection_id, name, child_type, category, data, artifact_id, collection_id, created_at, removed_at
        """

    /// Creates a collection.
    ///
    /// - Throws: `RepositoryError.alreadyExists` for a (name, category) already in the workspace;
    ///   `.invalid` with Debusine's text for an unknown category or a name `CollectionNaming` refuses.
    public static func create(
        workspaceID: Int,
        name: String,
        category: String,
        data: [String: JSONValue] = [:],
        on conn: PGConnection
    ) async throws -> CollectionRecord {
        if let problem = CollectionNaming.problem(name: name, category: category) {
            throw RepositoryError.invalid(problem)
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

    /// Adds an item to `collection` as the collection's manager plans it: named and described from the child,
    /// checked against the suite's newer versions, replacing the clashing active item only when asked.
    ///
    /// Must run inside a transaction, so that a replacement's removal and the insertion are seen together;
    /// the partial unique index refuses a concurrent second insertion.
    ///
    /// - Returns: the item (an existing one when the manager reuses an identical item), the ids of the items
    ///   it replaced, and whether it was reused rather than inserted.
    /// - Throws: `ItemAdditionError` with Debusine's text when the manager refuses the item or an active item
    ///   already has its name; `PGError.notInTransaction` outside a transaction.
    @discardableResult
    public static func addItem(
        to collection: CollectionRecord,
        _ addition: CollectionItemAddition,
        createdBy: Int? = nil,
        createdByWorkRequestID: Int? = nil,
        on conn: PGConnection
    ) async throws -> (item: CollectionItemRecord, replacedItemIDs: [Int], reused: Bool) {
        guard await conn.isInTransaction else {
            throw PGError.notInTransaction(operation: "CollectionRepository.addItem")
        }
        let plan = try CollectionManagers.manager(for: collection).plan(addition)
        if let rule = plan.versionRule {
            let versions = try await conn.query(
                """
                SELECT data->>'version' FROM collection_items
                 WHERE parent_collection_id = $1 AND removed_at IS NULL AND child_type = 'artifact'
                   AND category = $2 AND data->>'package' = $3
                   AND ($4::text IS NULL OR data->>'architecture' = $4) AND data ? 'version'
                 ORDER BY id
                """,
                collection.id,
                addition.child.category,
                rule.package,
                rule.architecture
            ).rows.map { try $0.decode(String.self, at: 0) }
            try rule.check(existingVersions: versions, in: collection)
        }
        let (artifactID, childCollectionID): (Int?, Int?) =
            switch addition.child {
            case .bare: (nil, nil)
            case .artifact(let artifact, _): (artifact.id, nil)
            case .collection(let child, _): (nil, child.id)
            }
        if plan.reusesIdenticalItem, let artifactID,
            let row = try await conn.query(
                """
                SELECT \(itemColumns) FROM collection_items
                 WHERE parent_collection_id = $1 AND name = $2 AND artifact_id = $3 AND child_type = 'artifact'
                   AND category = $4 AND data = $5
                 ORDER BY removed_at IS NULL DESC, id DESC LIMIT 1
                """,
                collection.id,
                plan.name,
                artifactID,
                addition.child.category,
                plan.data
            ).first
        {
            return (try item(from: row), [], true)
        }
        var replaced: [Int] = []
        if !plan.replacesChildTypes.isEmpty {
            replaced = try await conn.query(
                """
                UPDATE collection_items SET removed_at = now(), removed_by_id = $4, removed_by_work_request_id = $5
                WHERE parent_collection_id = $1 AND name = $2 AND removed_at IS NULL AND child_type = ANY($3)
                RETURNING id
                """,
                collection.id,
                plan.name,
                plan.replacesChildTypes.map(\.rawValue),
                createdBy,
                createdByWorkRequestID
            ).rows.map { try $0.decode(Int.self, at: 0) }
        }
        let clash = try await conn.query(
            "SELECT 1 FROM collection_items WHERE parent_collection_id = $1 AND name = $2 AND removed_at IS NULL",
            collection.id,
            plan.name
        ).first
        if clash != nil { throw ItemAdditionError.duplicateName(plan.name, collectionID: collection.id) }
        let row = try await conn.query(
            """
            INSERT INTO collection_items (parent_collection_id, name, child_type, category, data, artifact_id,
                                          collection_id, created_by_id, created_by_work_request_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING \(itemColumns)
            """,
            collection.id,
            plan.name,
            addition.child.childType.rawValue,
            addition.child.category,
            plan.data,
            artifactID,
            childCollectionID,
            createdBy,
            createdByWorkRequestID
        ).first
        guard let row else {
            throw PGError.unexpectedResult(status: "no row", message: "INSERT INTO collection_items … RETURNING")
        }
        return (try item(from: row), replaced, false)
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
