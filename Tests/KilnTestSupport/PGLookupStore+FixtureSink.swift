import Store
import KilnCore

/// Writing fixtures: the same `LookupFixture.populate(&sink)` that fills the in-memory store fills the
/// database, so one scenario table checks both stores.
///
/// Records keep their ids (`OVERRIDING SYSTEM VALUE`), because scenarios name them; the identity sequences
/// are not advanced, so a schema filled this way is for fixtures, not for later inserts without ids.
/// Scopes and users are created on first mention. Constraint violations come back as the
/// `LookupFixtureError` the in-memory store would throw (duplicate id, missing reference, not unique); each
/// record is written by its own statements, so wrap the population in a transaction for all-or-nothing.
extension PGLookupStore: LookupFixtureSink {
    public func addWorkspace(_ workspace: WorkspaceRecord) throws {
        defer { forgetReads() }
        try translatingConstraintErrors(kind: "workspace", id: workspace.id) {
            try session.execute(
                """
                WITH new_scope AS (
                    INSERT INTO scopes (name) VALUES ($2::text) ON CONFLICT (name) DO NOTHING RETURNING id
                )
                INSERT INTO workspaces (id, scope_id, name, is_public) OVERRIDING SYSTEM VALUE
                SELECT $1, coalesce((SELECT id FROM new_scope), (SELECT id FROM scopes WHERE name = $2::text)),
                       $3, $4
                """,
                workspace.id,
                workspace.scope,
                workspace.name,
                workspace.isPublic
            )
            if !workspace.members.isEmpty {
                try session.execute(
                    """
                    WITH new_users AS (
                        INSERT INTO users (username) SELECT unnest($2::text[])
                        ON CONFLICT (username) DO NOTHING RETURNING id
                    )
                    INSERT INTO workspace_members (workspace_id, user_id)
                    SELECT $1, id FROM new_users
                    UNION SELECT $1, id FROM users WHERE username = ANY($2::text[])
                    """,
                    workspace.id,
                    workspace.members.sorted()
                )
            }
        }
        // A search visits each workspace once, so linking a workspace to itself or to a parent it already
        // lists changes nothing in memory; the schema forbids both, so they are not written.
        var seen: Set<Int> = [workspace.id]
        for (position, parentID) in workspace.inheritsFrom.enumerated() where seen.insert(parentID).inserted {
            pendingInheritance.append(
                InheritanceLink(workspaceID: workspace.id, position: position, parentID: parentID)
            )
        }
        try writeReadyInheritance()
    }

    public func addArtifact(_ artifact: ArtifactRecord) throws {
        defer { forgetReads() }
        try translatingConstraintErrors(kind: "artifact", id: artifact.id) {
            try session.execute(
                """
                INSERT INTO artifacts (id, category, workspace_id, data, created_by_work_request_id)
                OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5)
                """,
                artifact.id,
                artifact.category,
                artifact.workspaceID,
                artifact.data,
                artifact.createdByWorkRequestID
            )
        }
    }

    public func addCollection(_ collection: CollectionRecord) throws {
        defer { forgetReads() }
        try translatingConstraintErrors(kind: "collection", id: collection.id) {
            try session.execute(
                """
                INSERT INTO collections (id, name, category, workspace_id, data)
                OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5)
                """,
                collection.id,
                collection.name,
                collection.category,
                collection.workspaceID,
                collection.data
            )
        }
    }

    public func addRelation(_ relation: ArtifactRelation) throws {
        defer { forgetReads() }
        try translatingConstraintErrors(kind: "artifact relation", id: relation.artifactID) {
            try session.execute(
                "INSERT INTO artifact_relations (artifact_id, target_id, type) VALUES ($1, $2, $3)",
                relation.artifactID, relation.targetID, relation.type.rawValue)
        }
    }

    public func addItem(_ item: CollectionItemRecord) throws {
        defer { forgetReads() }
        try translatingConstraintErrors(kind: "collection item", id: item.id) {
            try session.execute(
                """
                INSERT INTO collection_items (id, parent_collection_id, name, child_type, category, data,
                                              artifact_id, collection_id, created_at, removed_at)
                OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """,
                item.id,
                item.parentCollectionID,
                item.name,
                item.childType.rawValue,
                item.category,
                item.data,
                item.artifactID,
                item.collectionID,
                item.createdAt,
                item.removedAt
            )
        }
    }

    /// Writes the pending inheritance links whose parent now exists (a fixture may list a parent before
    /// adding it, as two workspaces inheriting from each other must). A link to a workspace that is never
    /// added stays unwritten, which a search treats as the in-memory store does a missing workspace.
    private func writeReadyInheritance() throws {
        guard !pendingInheritance.isEmpty else { return }
        let written = try session.query(
            """
            INSERT INTO workspace_inheritance (workspace_id, position, inherits_from_id)
            SELECT link.workspace_id, link.position, link.parent_id
              FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS link (workspace_id, position, parent_id)
             WHERE EXISTS (SELECT 1 FROM workspaces w WHERE w.id = link.parent_id)
            RETURNING workspace_id, position
            """,
            pendingInheritance.map(\.workspaceID),
            pendingInheritance.map(\.position),
            pendingInheritance.map(\.parentID)
        ).rows
        let done = Set(
            try written.map {
                [try $0.decode(Int.self, named: "workspace_id"), try $0.decode(Int.self, named: "position")]
            }
        )
        pendingInheritance.removeAll { done.contains([$0.workspaceID, $0.position]) }
    }

    /// Runs `body`, turning integrity errors into the errors the in-memory store gives for the same fault.
    private func translatingConstraintErrors(kind: String, id: Int, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as PGError {
            guard let server = error.serverError else { throw error }
            let constraint = server.constraint ?? "?"
            switch server.code {
            case .uniqueViolation where constraint.hasSuffix("_pkey"):
                throw LookupFixtureError.duplicateID(kind: kind, id: id)
            case .uniqueViolation:
                throw LookupFixtureError.notUnique("\(kind) \(id): \(server.detail ?? server.message)")
            case .foreignKeyViolation:
                throw LookupFixtureError.missingReference("\(kind) \(id): \(server.detail ?? server.message)")
            default:
                throw error
            }
        }
    }
}
