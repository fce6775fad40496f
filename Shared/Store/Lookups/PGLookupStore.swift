import Foundation
import KilnCore

/// The `LookupStore` over PostgreSQL: answers the resolver's plain questions with parameterized SQL on one
/// synchronous `PGSession`, so `LookupResolver(store: PGLookupStore(session))` resolves exactly as it does
/// over the tests' in-memory store (`InMemoryLookupStore` in KilnTestSupport).
///
/// ```swift
/// let result = try await pool.withSynchronousAccess { session in
///     try LookupResolver(store: PGLookupStore(session))
///         .lookupSingle(lookup, expect: .artifact, defaultCategory: nil, context: context)
/// }
/// ```
///
/// Round trips stay few: asking for a workspace fetches its whole inheritance closure at once, a
/// collection-by-name question is asked of every workspace known so far in one statement, and an item query
/// brings each item's artifact or collection along, so the resolver's follow-up `artifact(id:)` and
/// `collection(id:)` calls are answered from memory. What it has read it remembers for its own lifetime:
/// make one per lookup (or per batch of lookups content with one view of the data).
///
/// Not `Sendable`: it lives inside one `withSynchronousAccess` call, like the session it uses.
public final class PGLookupStore: LookupStore {
    /// The session it reads through (package-visible for the fixture writer in KilnTestSupport).
    package let session: PGSession
    private var workspacesByID: [Int: WorkspaceRecord?] = [:]
    private var artifactsByID: [Int: ArtifactRecord?] = [:]
    private var collectionsByID: [Int: CollectionRecord?] = [:]
    private var collectionsByName: [CollectionKey: CollectionRecord?] = [:]
    /// Inheritance links whose parent workspace has not been written yet: state of the fixture writer
    /// (`PGLookupStore+FixtureSink` in KilnTestSupport), kept here because an extension cannot add storage.
    package var pendingInheritance: [InheritanceLink] = []

    /// A store reading (and, as a fixture sink, writing) through `session`, in the session's search path.
    public init(_ session: PGSession) {
        self.session = session
    }

    // MARK: LookupStore

    public func workspace(id: Int) throws -> WorkspaceRecord? {
        if let known = workspacesByID[id] { return known }
        let found = try fetchWorkspaceClosure(seed: "w.id = $1", id)
        let record = found.first { $0.id == id }
        workspacesByID[id] = .some(record)
        return record
    }

    public func workspace(scope: String, name: String) throws -> WorkspaceRecord? {
        if let known = workspacesByID.values.lazy.compactMap({ $0 }).first(where: {
            $0.scope == scope && $0.name == name
        }) {
            return known
        }
        let found = try fetchWorkspaceClosure(seed: "s.name = $1 AND w.name = $2", scope, name)
        return found.first { $0.scope == scope && $0.name == name }
    }

    public func artifact(id: Int) throws -> ArtifactRecord? {
        if let known = artifactsByID[id] { return known }
        let record = try session.query(
            "SELECT id, category, workspace_id, data, created_by_work_request_id FROM artifacts WHERE id = $1",
            id
        ).first.map { try Self.artifact(from: $0) }
        artifactsByID[id] = .some(record)
        return record
    }

    public func collection(id: Int) throws -> CollectionRecord? {
        if let known = collectionsByID[id] { return known }
        let record = try session.query(
            "SELECT id, name, category, workspace_id, data FROM collections WHERE id = $1",
            id
        ).first.map { try Self.collection(from: $0) }
        collectionsByID[id] = .some(record)
        return record
    }

    public func collection(name: String, category: String, workspaceID: Int) throws -> CollectionRecord? {
        let key = CollectionKey(name: name, category: category, workspaceID: workspaceID)
        if let known = collectionsByName[key] { return known }
        // The resolver walks the inheritance chain asking this of one workspace after another; asking it
        // of every workspace already read (the chain was fetched whole) answers the rest of the walk too.
        let workspaceIDs = [workspaceID] + workspacesByID.compactMap { $0.value == nil ? nil : $0.key }
        let candidates = Array(Set(workspaceIDs)).sorted()
        let rows = try session.query(
            """
            SELECT id, name, category, workspace_id, data FROM collections
             WHERE name = $1 AND category = $2 AND workspace_id = ANY($3::bigint[])
            """,
            name,
            category,
            candidates
        ).rows
        for candidate in candidates {
            collectionsByName[CollectionKey(name: name, category: category, workspaceID: candidate)] = .some(nil)
        }
        for row in rows {
            let record = try Self.collection(from: row)
            collectionsByID[record.id] = record
            collectionsByName[CollectionKey(name: name, category: category, workspaceID: record.workspaceID)] = record
        }
        return collectionsByName[key] ?? nil
    }

    public func activeItems(
        inCollection collectionID: Int,
        matching filter: ItemFilter
    ) throws
        -> [CollectionItemRecord]
    {
        try itemsSelectedBySQL(inCollection: collectionID, matching: filter).filter { filter.matches($0) }
    }

    /// The active items the SQL condition alone selects, children remembered. Equal to `activeItems` for
    /// strings, booleans and integers; for other JSON values a superset (see `ItemFilterSQL`). Internal so
    /// tests can check the SQL on its own.
    func itemsSelectedBySQL(
        inCollection collectionID: Int,
        matching filter: ItemFilter
    ) throws
        -> [CollectionItemRecord]
    {
        let translated = ItemFilterSQL(filter, after: [collectionID])
        let rows = try session.query(
            """
            SELECT i.id, i.parent_collection_id, i.name, i.child_type, i.category, i.data, i.artifact_id,
                   i.collection_id, i.created_at, i.removed_at,
                   a.category AS artifact_category, a.workspace_id AS artifact_workspace_id,
                   a.data AS artifact_data, a.created_by_work_request_id AS artifact_work_request_id,
                   c.name AS collection_name, c.category AS collection_category,
                   c.workspace_id AS collection_workspace_id, c.data AS collection_data
              FROM collection_items i
              LEFT JOIN artifacts a ON a.id = i.artifact_id
              LEFT JOIN collections c ON c.id = i.collection_id
             WHERE i.parent_collection_id = $1 AND i.removed_at IS NULL
               AND \(translated.condition)
             ORDER BY i.id
            """,
            parameters: translated.parameters
        ).rows
        return try rows.map { row in
            let item = try Self.item(from: row)
            if let artifactID = item.artifactID {
                artifactsByID[artifactID] = try Self.joinedArtifact(id: artifactID, from: row)
            }
            if let childID = item.collectionID {
                collectionsByID[childID] = try Self.joinedCollection(id: childID, from: row)
            }
            return item
        }
    }

    /// Forgets everything read, so the next questions see the database as it is now (the fixture sink
    /// calls it after each write).
    public func forgetReads() {
        workspacesByID = [:]
        artifactsByID = [:]
        collectionsByID = [:]
        collectionsByName = [:]
    }

    // MARK: Reading rows

    /// Reads the workspace(s) `seed` selects together with every workspace they inherit from,
    /// transitively (the `UNION` drops repeats, so inheritance cycles end), and remembers them all.
    private func fetchWorkspaceClosure(seed: String, _ parameters: any PGEncodable...) throws -> [WorkspaceRecord] {
        let rows = try session.query(
            """
            WITH RECURSIVE closure (id) AS (
                SELECT w.id FROM workspaces w JOIN scopes s ON s.id = w.scope_id WHERE \(seed)
                UNION
                SELECT h.inherits_from_id FROM workspace_inheritance h JOIN closure ON h.workspace_id = closure.id
            )
            SELECT w.id, s.name AS scope, w.name, w.is_public,
                   ARRAY(SELECT h.inherits_from_id FROM workspace_inheritance h
                          WHERE h.workspace_id = w.id ORDER BY h.position) AS inherits_from,
                   ARRAY(SELECT u.username FROM workspace_members m JOIN users u ON u.id = m.user_id
                          WHERE m.workspace_id = w.id ORDER BY u.username) AS members
              FROM closure JOIN workspaces w ON w.id = closure.id JOIN scopes s ON s.id = w.scope_id
            """,
            parameters: parameters
        ).rows
        let records = try rows.map { row in
            WorkspaceRecord(
                id: try row.decode(Int.self, named: "id"),
                scope: try row.decode(String.self, named: "scope"),
                name: try row.decode(String.self, named: "name"),
                isPublic: try row.decode(Bool.self, named: "is_public"),
                inheritsFrom: try row.decode([Int].self, named: "inherits_from"),
                members: Set(try row.decode([String].self, named: "members"))
            )
        }
        for record in records { workspacesByID[record.id] = record }
        return records
    }

    private static func artifact(from row: PGRow) throws -> ArtifactRecord {
        ArtifactRecord(
            id: try row.decode(Int.self, named: "id"),
            category: try row.decode(String.self, named: "category"),
            workspaceID: try row.decode(Int.self, named: "workspace_id"),
            data: try row.decode([String: JSONValue].self, named: "data"),
            createdByWorkRequestID: try row.decode(Int?.self, named: "created_by_work_request_id")
        )
    }

    private static func collection(from row: PGRow) throws -> CollectionRecord {
        CollectionRecord(
            id: try row.decode(Int.self, named: "id"),
            name: try row.decode(String.self, named: "name"),
            category: try row.decode(String.self, named: "category"),
            workspaceID: try row.decode(Int.self, named: "workspace_id"),
            data: try row.decode([String: JSONValue].self, named: "data")
        )
    }

    private static func item(from row: PGRow) throws -> CollectionItemRecord {
        let childTypeText = try row.decode(String.self, named: "child_type")
        guard let childType = CollectionChildType(rawValue: childTypeText) else {
            throw PGError.decoding(
                column: "child_type",
                targetType: "CollectionChildType",
                value: childTypeText,
                reason: "expected bare, artifact or collection"
            )
        }
        return CollectionItemRecord(
            id: try row.decode(Int.self, named: "id"),
            parentCollectionID: try row.decode(Int.self, named: "parent_collection_id"),
            name: try row.decode(String.self, named: "name"),
            childType: childType,
            category: try row.decode(String.self, named: "category"),
            data: try row.decode([String: JSONValue].self, named: "data"),
            artifactID: try row.decode(Int?.self, named: "artifact_id"),
            collectionID: try row.decode(Int?.self, named: "collection_id"),
            createdAt: try row.decode(Date.self, named: "created_at"),
            removedAt: try row.decode(Date?.self, named: "removed_at")
        )
    }

    /// The artifact the item query joined (`nil` if the row vanished: the foreign key makes that rare).
    private static func joinedArtifact(id: Int, from row: PGRow) throws -> ArtifactRecord? {
        guard let category = try row.decode(String?.self, named: "artifact_category") else { return nil }
        return ArtifactRecord(
            id: id,
            category: category,
            workspaceID: try row.decode(Int.self, named: "artifact_workspace_id"),
            data: try row.decode([String: JSONValue].self, named: "artifact_data"),
            createdByWorkRequestID: try row.decode(Int?.self, named: "artifact_work_request_id")
        )
    }

    private static func joinedCollection(id: Int, from row: PGRow) throws -> CollectionRecord? {
        guard let name = try row.decode(String?.self, named: "collection_name") else { return nil }
        return CollectionRecord(
            id: id,
            name: name,
            category: try row.decode(String.self, named: "collection_category"),
            workspaceID: try row.decode(Int.self, named: "collection_workspace_id"),
            data: try row.decode([String: JSONValue].self, named: "collection_data")
        )
    }
}

@available(*, unavailable, message: "a PGLookupStore lives inside one withSynchronousAccess call")
extension PGLookupStore: Sendable {}

/// A collection's name, category and workspace: what `collection(name:category:workspaceID:)` asks about.
private struct CollectionKey: Hashable {
    var name: String
    var category: String
    var workspaceID: Int
}

/// One declared inheritance link: `workspaceID` searches `parentID` at `position` (0-based).
package struct InheritanceLink: Hashable {
    package var workspaceID: Int
    package var position: Int
    package var parentID: Int

    package init(workspaceID: Int, position: Int, parentID: Int) {
        self.workspaceID = workspaceID
        self.position = position
        self.parentID = parentID
    }
}
