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
/// `collection(id:)` calls are answered from memory. What it has read it remembers in its ``LookupMemo``:
/// by default its own, for its lifetime (make one per lookup); pass a shared memo to let several stores —
/// the events of one transaction, say — ask each question once.
///
/// Not `Sendable`: it lives inside one `withSynchronousAccess` call, like the session it uses.
public final class PGLookupStore: LookupStore {
    /// The session it reads through (package-visible for the fixture writer in KilnTestSupport).
    package let session: PGSession
    /// What has been read, shared with every store given the same memo.
    public let memo: LookupMemo
    /// Inheritance links whose parent workspace has not been written yet: state of the fixture writer
    /// (`PGLookupStore+FixtureSink` in KilnTestSupport), kept here because an extension cannot add storage.
    package var pendingInheritance: [InheritanceLink] = []

    /// A store reading (and, as a fixture sink, writing) through `session`, in the session's search path,
    /// remembering what it reads in `memo` (its own unless given).
    public init(_ session: PGSession, memo: LookupMemo = LookupMemo()) {
        self.session = session
        self.memo = memo
    }

    // MARK: LookupStore

    public func workspace(id: Int) throws -> WorkspaceRecord? {
        if let known = memo.reads({ $0.workspacesByID[id] }) { return known }
        let found = try fetchWorkspaceClosure(seed: "w.id = $1", id)
        let record = found.first { $0.id == id }
        memo.update { $0.workspacesByID[id] = .some(record) }
        return record
    }

    public func workspace(scope: String, name: String) throws -> WorkspaceRecord? {
        if let known = memo.reads({ reads in
            reads.workspacesByID.values.lazy.compactMap({ $0 }).first(where: { $0.scope == scope && $0.name == name })
        }) {
            return known
        }
        let found = try fetchWorkspaceClosure(seed: "s.name = $1 AND w.name = $2", scope, name)
        return found.first { $0.scope == scope && $0.name == name }
    }

    public func artifact(id: Int) throws -> ArtifactRecord? {
        if let known = memo.reads({ $0.artifactsByID[id] }) { return known }
        let record = try session.query(
            // An incomplete artifact (files still uploading, or abandoned) is no task's input (migration 13).
            "SELECT id, category, workspace_id, data, created_by_work_request_id FROM artifacts WHERE id = $1 AND complete",
            id
        ).first.map { try Self.artifact(from: $0) }
        memo.update { $0.artifactsByID[id] = .some(record) }
        return record
    }

    public func collection(id: Int) throws -> CollectionRecord? {
        if let known = memo.reads({ $0.collectionsByID[id] }) { return known }
        let record = try session.query(
            "SELECT id, name, category, workspace_id, data FROM collections WHERE id = $1",
            id
        ).first.map { try Self.collection(from: $0) }
        memo.update { $0.collectionsByID[id] = .some(record) }
        return record
    }

    public func collection(name: String, category: String, workspaceID: Int) throws -> CollectionRecord? {
        let key = CollectionKey(name: name, category: category, workspaceID: workspaceID)
        if let known = memo.reads({ $0.collectionsByName[key] }) { return known }
        // The resolver walks the inheritance chain asking this of one workspace after another; asking it
        // of every workspace already read (the chain was fetched whole) answers the rest of the walk too.
        let workspaceIDs =
            [workspaceID] + memo.reads { $0.workspacesByID.compactMap { $0.value == nil ? nil : $0.key } }
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
        let records = try rows.map { try Self.collection(from: $0) }
        return memo.update { reads in
            for candidate in candidates {
                reads.collectionsByName[CollectionKey(name: name, category: category, workspaceID: candidate)] = .some(
                    nil
                )
            }
            for record in records {
                reads.collectionsByID[record.id] = record
                reads.collectionsByName[
                    CollectionKey(name: name, category: category, workspaceID: record.workspaceID)
                ] = record
            }
            return reads.collectionsByName[key] ?? nil
        }
    }

    public func collections(category: String, workspaceID: Int) throws -> [CollectionRecord] {
        let key = WorkspaceCategory(category: category, workspaceID: workspaceID)
        if let known = memo.reads({ $0.collectionsByCategory[key] }) { return known }
        let records = try session.query(
            "SELECT id, name, category, workspace_id, data FROM collections WHERE category = $1 AND workspace_id = $2 ORDER BY id",
            category,
            workspaceID
        ).rows.map { try Self.collection(from: $0) }
        memo.update { reads in
            reads.collectionsByCategory[key] = records
            for record in records { reads.collectionsByID[record.id] = record }
        }
        return records
    }

    public func activeItems(
        inCollection collectionID: Int,
        matching filter: ItemFilter
    ) throws
        -> [CollectionItemRecord]
    {
        let query = ItemQuery(collectionID: collectionID, filter: filter)
        if let known = memo.reads({ $0.itemsByQuery[query] }) { return known }
        let items = try itemsSelectedBySQL(inCollection: collectionID, matching: filter).filter { filter.matches($0) }
        memo.update { $0.itemsByQuery[query] = items }
        return items
    }

    /// One query for every artifact's `built-using` targets (not memoised: it follows a memoised item read, and
    /// relations are only ever added).
    public func builtUsingTargets(ofArtifacts ids: [Int]) throws -> [Int: Set<Int>] {
        guard !ids.isEmpty else { return [:] }
        var targets: [Int: Set<Int>] = [:]
        for row in try session.query(
            "SELECT artifact_id, target_id FROM artifact_relations WHERE type = 'built-using' AND artifact_id = ANY($1)",
            ids
        ).rows {
            targets[try row.decode(Int.self, at: 0), default: []].insert(try row.decode(Int.self, at: 1))
        }
        return targets
    }

    /// The workspace of work request `id`, nil when there is no such work request: a lookup's `workflow_root` is
    /// a primary key, which Debusine's `LookupSingleSerializer` refuses before anything is looked up when no row
    /// has it, and the view then checks that the user may see it (its workspace).
    public func workRequestWorkspaceID(_ id: Int) throws -> Int? {
        try session.query("SELECT workspace_id FROM work_requests WHERE id = $1", id).first?.decode(Int.self, at: 0)
    }

    /// One query: the children of the parents of these work requests.
    public func workRequests(sharingParentWith ids: Set<Int>) throws -> Set<Int> {
        guard !ids.isEmpty else { return [] }
        return Set(
            try session.query(
                """
                SELECT sibling.id FROM work_requests w JOIN work_requests sibling ON sibling.parent_id = w.parent_id
                 WHERE w.id = ANY($1)
                """,
                Array(ids)
            ).rows.map { try $0.decode(Int.self, at: 0) })
    }

    /// One query for the relations and their targets; the targets are remembered as `artifact(id:)` reads.
    public func relatedArtifacts(
        of ids: [Int],
        type: ArtifactRelationType,
        category: String
    ) throws -> [ArtifactRecord] {
        guard !ids.isEmpty else { return [] }
        let records = try session.query(
            """
            SELECT a.id, a.category, a.workspace_id, a.data, a.created_by_work_request_id
            FROM artifact_relations r JOIN artifacts a ON a.id = r.target_id
            WHERE r.artifact_id = ANY($1) AND r.type = $2 AND a.category = $3 AND a.complete
            ORDER BY a.id, r.id
            """,
            ids,
            type.rawValue,
            category
        ).rows.map { try Self.artifact(from: $0) }
        memo.update { reads in for record in records { reads.artifactsByID[record.id] = .some(record) } }
        return records
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
               AND (i.artifact_id IS NULL OR a.complete)
               AND \(translated.condition)
             ORDER BY i.id
            """,
            parameters: translated.parameters
        ).rows
        return try rows.map { row in
            let item = try Self.item(from: row)
            if let artifactID = item.artifactID {
                let artifact = try Self.joinedArtifact(id: artifactID, from: row)
                memo.update { $0.artifactsByID[artifactID] = artifact }
            }
            if let childID = item.collectionID {
                let child = try Self.joinedCollection(id: childID, from: row)
                memo.update { $0.collectionsByID[childID] = child }
            }
            return item
        }
    }

    /// Forgets everything read (by every store sharing the memo), so the next questions see the database as
    /// it is now (the fixture sink calls it after each write).
    public func forgetReads() {
        memo.forget()
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
        memo.update { reads in for record in records { reads.workspacesByID[record.id] = record } }
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
struct CollectionKey: Hashable {
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
