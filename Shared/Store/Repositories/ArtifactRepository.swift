import Foundation
import KilnCore

/// Artifacts: typed JSON bundles in a workspace; `data` carries what lookups and tasks read. Artifacts with
/// files are created by `ArtifactFileRepository`, which records each file's path and digest.
public enum ArtifactRepository {
    /// The `expire_at` of a new artifact given none, as SQL over its workspace's row `w`: now plus the workspace's
    /// `default_expiration_delay` (Debusine's `Artifact.effective_expiration_delay`; a zero or missing delay means
    /// never). Every path that creates an artifact uses it.
    static let defaultExpireAtSQL =
        "CASE WHEN w.default_expiration_delay > interval '0' THEN now() + w.default_expiration_delay END"

    /// Creates an artifact.
    ///
    /// - Parameters:
    ///   - category: e.g. `debian:source-package`; must be non-empty.
    ///   - createdBy: the creating user's id, if a person created it.
    ///   - createdByWorkRequestID: the producing work request, if a task created it.
    public static func create(
        workspaceID: Int,
        category: String,
        data: [String: JSONValue] = [:],
        createdBy: Int? = nil,
        createdByWorkRequestID: Int? = nil,
        on conn: PGConnection
    ) async throws -> ArtifactRecord {
        guard !category.isEmpty, !category.contains(where: \.isWhitespace) else {
            throw RepositoryError.invalid("artifact category '\(category)' must be non-empty and without spaces")
        }
        let row = try await conn.query(
            """
            INSERT INTO artifacts (workspace_id, category, data, created_by_id, created_by_work_request_id, expire_at)
            SELECT w.id, $2, $3, $4, $5, \(defaultExpireAtSQL) FROM workspaces w WHERE w.id = $1
            RETURNING id
            """,
            workspaceID,
            category,
            data,
            createdBy,
            createdByWorkRequestID
        ).first
        guard let id = try row?.decode(Int.self, at: 0) else {
            throw RepositoryError.notFound(kind: "workspace", key: String(workspaceID))
        }
        return ArtifactRecord(
            id: id,
            category: category,
            workspaceID: workspaceID,
            data: data,
            createdByWorkRequestID: createdByWorkRequestID
        )
    }

    /// The artifact with primary key `id`, if it exists.
    public static func find(id: Int, on conn: PGConnection) async throws -> ArtifactRecord? {
        try await conn.query(
            "SELECT id, category, workspace_id, data, created_by_work_request_id FROM artifacts WHERE id = $1",
            id
        ).first.map(artifact(from:))
    }

    /// The artifacts of a workspace, optionally of one category, newest last, at most `limit`.
    public static func list(
        workspaceID: Int,
        category: String? = nil,
        limit: Int = 100,
        on conn: PGConnection
    ) async throws -> [ArtifactRecord] {
        try await conn.query(
            """
            SELECT id, category, workspace_id, data, created_by_work_request_id FROM artifacts
            WHERE workspace_id = $1 AND ($2::text IS NULL OR category = $2) ORDER BY id LIMIT $3
            """,
            workspaceID,
            category,
            limit
        ).rows.map(artifact(from:))
    }

    static func artifact(from row: PGRow) throws -> ArtifactRecord {
        ArtifactRecord(
            id: try row.decode(Int.self, at: 0),
            category: try row.decode(String.self, at: 1),
            workspaceID: try row.decode(Int.self, at: 2),
            data: try row.decode([String: JSONValue].self, at: 3),
            createdByWorkRequestID: try row.decode(Int?.self, at: 4)
        )
    }
}
