import Foundation
import KilnCore

/// Collections and their items, keeping the rule lookups rely on: at most one **active** item per name in
/// a collection (the partial unique index `db_collectionitem_unique_active_name`). Items are added through
/// the collection category's `CollectionManager`, which names them and derives their data; a removed item
/// stays in the table with `removed_at`, as history.
public enum CollectionRepository {
    static let collectionColumns = "id, name, category, workspace_id, data"
    static let itemColumns = """
        id, parent_collection_id, name, child_type, category, data, artifact_id, collection_id, created_at, removed_at,
        superseded_at
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

    /// The collections of a workspace by category then name, with their active item counts; a workflow's internal
    /// collections are left out, as Debusine's collection list leaves them out (`server/views/collections.py`
    /// `CollectionViewSet.get_queryset`, the `list` action).
    public static func list(
        workspaceID: Int,
        on conn: PGConnection
    ) async throws -> [(collection: CollectionRecord, activeItems: Int)] {
        try await conn.query(
            """
            SELECT c.id, c.name, c.category, c.workspace_id, c.data,
                   (SELECT count(*) FROM collection_items i WHERE i.parent_collection_id = c.id AND i.removed_at IS NULL)
            FROM collections c WHERE c.workspace_id = $1 AND c.category <> $2 ORDER BY c.category, c.name
            """,
            workspaceID,
            KnownCategories.workflowInternal
        ).rows.map { row in (try collection(from: row), try row.decode(Int.self, at: 5)) }
    }

    /// Replaces a collection's data (its settings: `may_rewind_versions`, `old_items_to_keep`, …); the items are
    /// untouched.
    ///
    /// - Throws: `RepositoryError.notFound` when the collection does not exist.
    public static func replaceData(of id: Int, with data: [String: JSONValue], on conn: PGConnection) async throws {
        guard try await conn.execute("UPDATE collections SET data = $2 WHERE id = $1", id, data) == 1 else {
            throw RepositoryError.notFound(kind: "collection", key: String(id))
        }
    }

    /// Adds an item to `collection` as the collection's manager plans it: named and described from the child,
    /// checked against the suite's newer versions and its archive's pool, replacing the clashing active item
    /// only when asked, superseding the suite's older versions of the package (Debusine's
    /// `DebianSuiteManager.do_add_artifact` order: versions, replacement, superseding, reuse of an identical
    /// item, creation, pool claims — except that an identical active item is never replaced).
    ///
    /// Must run inside a transaction, so that a replacement's removal and the insertion are seen together;
    /// the partial unique index refuses a concurrent second insertion, and an addition to a suite runs under
    /// `PoolFileClaims.lockSuites(ofWorkspace:)`, so its version rule, superseding and pool check see every
    /// earlier change.
    ///
    /// - Returns: the item (an existing one when the manager reuses an identical item), the ids of the items
    ///   it replaced, and whether it was reused rather than inserted.
    /// - Throws: `ItemAdditionError` with Debusine's text when the manager refuses the item, an active item
    ///   already has its name, or a file clashes in the pool; `PGError.notInTransaction` outside a transaction.
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
        let manager = try CollectionManagers.manager(for: collection)
        if collection.category == KnownCategories.suite {
            try await PoolFileClaims.lockSuites(ofWorkspace: collection.workspaceID, on: conn)
        }
        var addition = addition
        if case .artifact(let artifact, _) = addition.child, let need = manager.relatedArtifactsNeeded(for: artifact) {
            addition.relatedArtifacts = try await ArtifactRelationRepository.targets(
                of: artifact.id, type: need.type, category: need.category, on: conn)
        }
        if let workRequestID = try manager.workRequestNeeded(for: addition) {
            addition.workRequest = try await workRequest(id: workRequestID, on: conn)
        }
        let plan = try manager.plan(addition)
        var samePackage: [(id: Int, version: String?, supersededAt: Date?)] = []
        if let rule = plan.versionRule {
            samePackage = try await packageVersions(rule, category: addition.child.category, in: collection, on: conn)
            if plan.refusesOlderVersions {
                try rule.check(existingVersions: samePackage.compactMap { $0.version }, in: collection)
            }
        }
        let (artifactID, childCollectionID): (Int?, Int?) =
            switch addition.child {
            case .bare: (nil, nil)
            case .artifact(let artifact, _): (artifact.id, nil)
            case .collection(let child, _): (nil, child.id)
            }
        var identical: CollectionItemRecord?
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
            identical = try item(from: row)
        }
        var replaced: [Int] = []
        // An identical active item is returned as it is, even when replacing (Debusine would remove it and return
        // the removed item, leaving the name empty: deploy/docs/fidelity.md, "Collections").
        if identical?.isActive != true, !plan.replacesChildTypes.isEmpty {
            let names = try await conn.query(
                """
                SELECT id FROM collection_items
                 WHERE parent_collection_id = $1 AND name = $2 AND removed_at IS NULL AND child_type = ANY($3)
                 ORDER BY id
                """,
                collection.id,
                plan.name,
                plan.replacesChildTypes.map(\.rawValue)
            ).rows.map { try $0.decode(Int.self, at: 0) }
            replaced = try await remove(
                names, from: collection, removedBy: createdBy, removedByWorkRequestID: createdByWorkRequestID, on: conn)
        }
        if let rule = plan.versionRule {
            let older = samePackage.filter { $0.supersededAt == nil && rule.supersedes(existingVersion: $0.version) }
            try await conn.execute(
                """
                UPDATE collection_items
                   SET superseded_at = now(), superseded_by_id = $2, superseded_by_work_request_id = $3
                 WHERE id = ANY($1) AND removed_at IS NULL AND superseded_at IS NULL
                """,
                older.map { $0.id },
                createdBy,
                createdByWorkRequestID
            )
        }
        if let identical { return (identical, [], true) }
        let clash = try await conn.query(
            "SELECT 1 FROM collection_items WHERE parent_collection_id = $1 AND name = $2 AND removed_at IS NULL",
            collection.id,
            plan.name
        ).first
        if clash != nil { throw ItemAdditionError.duplicateName(plan.name, collectionID: collection.id) }
        var claims: PoolFileClaims?
        if let rule = plan.poolFiles, let artifactID {
            claims = try await PoolFileClaims.check(
                rule, artifactID: artifactID, itemName: plan.name, suite: collection, on: conn)
        }
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
        let added = try item(from: row)
        try await claims?.record(itemID: added.id, on: conn)
        switch plan.pruning {
        case .taskHistory(let pruning)?:
            try await prune(
                pruning, in: collection, keeping: added.id, removedBy: createdBy,
                removedByWorkRequestID: createdByWorkRequestID, on: conn)
        case .qaResults(let keepsMostRecent)?:
            try await expireQAResults(
                in: collection, keepingMostRecent: keepsMostRecent, keeping: added.id, removedBy: createdBy,
                removedByWorkRequestID: createdByWorkRequestID, on: conn)
        case nil:
            break
        }
        return (added, replaced, false)
    }

    /// What a manager reads of the work request an item names (`CollectionManager.workRequestNeeded`).
    ///
    /// - Throws: Django's `DoesNotExist` text, which is what Debusine's managers fail with, when there is none.
    private static func workRequest(id: Int, on conn: PGConnection) async throws -> CollectionItemWorkRequest {
        guard
            let row = try await conn.query(
                """
                SELECT w.task_name, w.result, k.name FROM work_requests w LEFT JOIN workers k ON k.id = w.worker_id
                 WHERE w.id = $1
                """,
                id
            ).first
        else { throw ItemAdditionError("WorkRequest matching query does not exist.") }
        let resultText = try row.decode(String.self, at: 1)
        return CollectionItemWorkRequest(
            id: id, taskName: try row.decode(String.self, at: 0), result: WorkRequestResult(rawValue: resultText) ?? .none,
            workerName: try row.decode(String?.self, at: 2))
    }

    /// Removes the QA results a `debian:qa-results` collection no longer keeps once `newest` is added
    /// (`CollectionItemPruning.qaResults`, Debusine's `DebianQAResultsManager._expire`, which ranks with
    /// `Rank()` over `-data__timestamp`, so results of the same time share a rank). As task-history pruning, it
    /// skips rows another addition is removing (`SKIP LOCKED`).
    private static func expireQAResults(
        in collection: CollectionRecord, keepingMostRecent keep: Int, keeping newest: Int, removedBy: Int?,
        removedByWorkRequestID: Int?, on conn: PGConnection
    ) async throws {
        try await conn.execute(
            """
            WITH ranked AS (
                SELECT id, rank() OVER (PARTITION BY data->>'task_name', data->>'package', data->>'architecture'
                                        ORDER BY data->'timestamp' DESC) AS recency
                  FROM collection_items
                 WHERE parent_collection_id = $1 AND removed_at IS NULL
            ), expired AS (
                SELECT id FROM collection_items
                 WHERE id IN (SELECT id FROM ranked WHERE recency > $2) AND id <> $3 AND removed_at IS NULL
                   FOR UPDATE SKIP LOCKED
            )
            UPDATE collection_items
               SET removed_at = now(), removed_by_id = $4, removed_by_work_request_id = $5
             WHERE id IN (SELECT id FROM expired) AND removed_at IS NULL
            """,
            collection.id,
            keep,
            newest,
            removedBy,
            removedByWorkRequestID
        )
    }

    /// Removes the older runs a `debusine:task-history` no longer keeps once `newest` is added
    /// (`TaskHistoryPruning`; Debusine ranks by `created_at`, Kiln by `created_at` then id, since the runs one
    /// transaction adds share a time).
    ///
    /// Two completions of one task prune the same runs at once: each skips the rows the other is removing
    /// (`SKIP LOCKED`), so neither waits for the other (no lock-order deadlock) nor stamps a removed run again; a
    /// run skipped because the other completion then rolled back stays until that task's next completion.
    private static func prune(
        _ pruning: TaskHistoryPruning, in collection: CollectionRecord, keeping newest: Int, removedBy: Int?,
        removedByWorkRequestID: Int?, on conn: PGConnection
    ) async throws {
        try await conn.execute(
            """
            WITH runs AS (
                SELECT id,
                       rank() OVER (PARTITION BY data->>'subject', data->>'context'
                                    ORDER BY created_at DESC, id DESC) AS recency,
                       outcome,
                       rank() OVER (PARTITION BY data->>'subject', data->>'context', outcome
                                    ORDER BY created_at DESC, id DESC) AS outcome_recency
                  FROM collection_items
                 CROSS JOIN LATERAL (
                       SELECT CASE WHEN data->>'result' = 'success' THEN 'success'
                                   WHEN data->>'result' = ANY($5) THEN 'failure' END AS outcome) o
                 WHERE parent_collection_id = $1 AND removed_at IS NULL AND child_type = 'bare' AND category = $2
                   AND data->'task_type' = $3 AND data->'task_name' = $4
            ), pruned AS (
                SELECT id FROM collection_items
                 WHERE id IN (SELECT id FROM runs
                               WHERE recency > $6 AND NOT (outcome IS NOT NULL AND outcome_recency = 1))
                   AND id <> $9 AND removed_at IS NULL
                   FOR UPDATE SKIP LOCKED
            )
            UPDATE collection_items
               SET removed_at = now(), removed_by_id = $7, removed_by_work_request_id = $8
             WHERE id IN (SELECT id FROM pruned) AND removed_at IS NULL
            """,
            collection.id,
            pruning.category,
            pruning.taskType,
            pruning.taskName,
            TaskHistoryPruning.failureResults.map(\.rawValue),
            pruning.keepsMostRecent,
            removedBy,
            removedByWorkRequestID,
            newest
        )
    }

    /// The active items of the package (and architecture) a suite item adds, with their versions (Debusine's
    /// `DebianSuiteManager._get_existing_items`).
    private static func packageVersions(
        _ rule: SuiteVersionRule, category: String, in collection: CollectionRecord, on conn: PGConnection
    ) async throws -> [(id: Int, version: String?, supersededAt: Date?)] {
        try await conn.query(
            """
            SELECT id, data->>'version', superseded_at FROM collection_items
             WHERE parent_collection_id = $1 AND removed_at IS NULL AND child_type = 'artifact'
               AND category = $2 AND data->>'package' = $3
               AND ($4::text IS NULL OR data->>'architecture' = $4)
             ORDER BY id
            """,
            collection.id,
            category,
            rule.package,
            rule.architecture
        ).rows.map { row in
            (try row.decode(Int.self, at: 0), try row.decode(String?.self, at: 1), try row.decode(Date?.self, at: 2))
        }
    }

    /// Removes the active item `name` of a collection (it stays as history with `removed_at`), as Debusine's
    /// API removes one (`CollectionItemViewSet.perform_destroy`, `remove_associated=True`): removing a
    /// `debian:suite` source package also removes the binary packages built from it and their debug symbols,
    /// removing a binary package its debug symbols (`associatedItems`).
    ///
    /// Must run inside a transaction: the item and its associated items are removed together or not at all.
    ///
    /// - Returns: the removed item's id, then the ids of the associated items removed with it.
    /// - Throws: `RepositoryError.notFound` when no active item has that name; `PGError.notInTransaction`
    ///   outside a transaction.
    @discardableResult
    public static func removeItem(
        from collection: CollectionRecord,
        name: String,
        removedBy: Int? = nil,
        removedByWorkRequestID: Int? = nil,
        on conn: PGConnection
    ) async throws -> [Int] {
        guard await conn.isInTransaction else {
            throw PGError.notInTransaction(operation: "CollectionRepository.removeItem")
        }
        if collection.category == KnownCategories.suite {
            try await PoolFileClaims.lockSuites(ofWorkspace: collection.workspaceID, on: conn)
        }
        guard
            let row = try await conn.query(
                "SELECT \(itemColumns) FROM collection_items WHERE parent_collection_id = $1 AND name = $2 AND removed_at IS NULL",
                collection.id,
                name
            ).first
        else {
            throw RepositoryError.notFound(kind: "active item", key: "'\(name)' in collection \(collection.id)")
        }
        let item = try item(from: row)
        let ids = [item.id] + (try await associatedItems(of: item, in: collection, on: conn))
        let removed = try await remove(
            ids, from: collection, removedBy: removedBy, removedByWorkRequestID: removedByWorkRequestID, on: conn)
        guard removed.first == item.id else {
            throw RepositoryError.notFound(kind: "active item", key: "'\(name)' in collection \(collection.id)")
        }
        return removed
    }

    /// The active items of a `debian:suite` that go with `item` (Debusine's `DebianSuiteManager.do_remove_item`
    /// with `remove_associated`), in id order: for a binary package, its debug symbols (same package, version and
    /// architecture, their artifact `relates-to` the binary's); for a source package, the binaries built from it
    /// (same `srcpkg_name` and `srcpkg_version`, their artifact `built-using` the source's) and the debug symbols
    /// of any binary built from it (same source name and version, their artifact `relates-to` an artifact that
    /// is `built-using` the source's).
    private static func associatedItems(
        of item: CollectionItemRecord, in collection: CollectionRecord, on conn: PGConnection
    ) async throws -> [Int] {
        guard collection.category == KnownCategories.suite, let artifactID = item.artifactID else { return [] }
        let text = { (key: String) in ItemMatcher.storedText(of: item.data[key]) }
        switch item.category {
        case KnownCategories.binaryPackage:
            return try await conn.query(
                """
                SELECT i.id FROM collection_items i
                 WHERE i.parent_collection_id = $1 AND i.removed_at IS NULL AND i.child_type = 'artifact'
                   AND i.category = $2 AND i.data->>'package' = $3 AND i.data->>'version' = $4
                   AND i.data->>'architecture' = $5
                   AND EXISTS (SELECT 1 FROM artifact_relations r
                                WHERE r.artifact_id = i.artifact_id AND r.type = 'relates-to' AND r.target_id = $6)
                 ORDER BY i.id
                """,
                collection.id, KnownCategories.debugSymbols, text("package"), text("version"), text("architecture"),
                artifactID
            ).rows.map { try $0.decode(Int.self, at: 0) }
        case KnownCategories.sourcePackage:
            return try await conn.query(
                """
                SELECT i.id FROM collection_items i
                 WHERE i.parent_collection_id = $1 AND i.removed_at IS NULL AND i.child_type = 'artifact'
                   AND i.data->>'srcpkg_name' = $2 AND i.data->>'srcpkg_version' = $3
                   AND ((i.category = $4
                         AND EXISTS (SELECT 1 FROM artifact_relations r
                                      WHERE r.artifact_id = i.artifact_id AND r.type = 'built-using'
                                        AND r.target_id = $6))
                        OR (i.category = $5
                            AND EXISTS (SELECT 1 FROM artifact_relations r
                                          JOIN artifact_relations built ON built.artifact_id = r.target_id
                                         WHERE r.artifact_id = i.artifact_id AND r.type = 'relates-to'
                                           AND built.type = 'built-using' AND built.target_id = $6)))
                 ORDER BY i.id
                """,
                collection.id, text("package"), text("version"), KnownCategories.binaryPackage,
                KnownCategories.debugSymbols, artifactID
            ).rows.map { try $0.decode(Int.self, at: 0) }
        default:
            return []
        }
    }

    /// Marks active items removed; a `debian:suite` package removed where versions may be reused gives up its
    /// pool-file claims in the suite and its archive (Debusine's `DebianSuiteManager.do_remove_item`).
    ///
    /// - Returns: the ids removed, in the order given.
    private static func remove(
        _ ids: [Int], from collection: CollectionRecord, removedBy: Int?, removedByWorkRequestID: Int?,
        on conn: PGConnection
    ) async throws -> [Int] {
        guard !ids.isEmpty else { return [] }
        let removed = Set(
            try await conn.query(
                """
                UPDATE collection_items SET removed_at = now(), removed_by_id = $2, removed_by_work_request_id = $3
                 WHERE id = ANY($1) AND removed_at IS NULL RETURNING id
                """,
                ids,
                removedBy,
                removedByWorkRequestID
            ).rows.map { try $0.decode(Int.self, at: 0) })
        if collection.category == KnownCategories.suite {
            let archive = try await PoolFileClaims.parentArchive(of: collection, on: conn)
            if SuiteCollectionManager(collection: collection).mayReuseVersions(archive: archive) {
                try await PoolFileClaims.release(itemIDs: Array(removed), on: conn)
            }
        }
        return ids.filter(removed.contains)
    }

    /// The items of a collection by name (Debusine's `CollectionItemViewSet.get_queryset`: `order_by("name")`), then
    /// id: only the active ones unless `includeRemoved`.
    public static func items(
        collectionID: Int,
        includeRemoved: Bool = false,
        on conn: PGConnection
    ) async throws -> [CollectionItemRecord] {
        try await conn.query(
            """
            SELECT \(itemColumns) FROM collection_items
            WHERE parent_collection_id = $1 AND ($2 OR removed_at IS NULL) ORDER BY name, id
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
            removedAt: try row.decode(Date?.self, at: 9),
            supersededAt: try row.decode(Date?.self, at: 10)
        )
    }
}
