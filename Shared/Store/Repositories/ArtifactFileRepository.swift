import Foundation
import KilnCore

/// An artifact with its files, as the file store and `kiln artifact show` read it.
public struct StoredArtifact: Hashable, Sendable {
    /// The artifact row.
    public var record: ArtifactRecord
    /// `SCOPE/NAME` of its workspace.
    public var workspace: String
    /// Every declared file is stored.
    public var complete: Bool
    /// Its files in path order.
    public var files: [ArtifactFile]
    /// When it was created.
    public var createdAt: Date
    /// When it may be deleted, if ever.
    public var expireAt: Date?
}

/// Artifacts with files (`files`, `artifact_files`, `artifacts.complete`; migration 13). The file store
/// creates an artifact with its declared files, then marks content stored as each upload arrives; an
/// artifact becomes complete, and visible to lookups, in the transaction that stores its last file.
public enum ArtifactFileRepository {
    /// Creates an artifact declaring `files`, expiring at `expireAt`, else after its workspace's
    /// `default_expiration_delay`, else never. A file is complete at once when it is empty (nothing to store or serve), or when a complete
    /// file of the same workspace has the same SHA-256 and size: knowing a digest must not give access to
    /// content the caller cannot already see, so anything else is uploaded (Debusine's
    /// `Workspace.file_needs_upload`) and `deduplicate` is set: a worker's outputs are always uploaded, since a
    /// worker may read only its own work request's files, not all of its workspace. An artifact with no file left
    /// to upload is complete at once.
    ///
    /// - Throws: ``RepositoryError/invalid(_:)`` for a bad category; `ArtifactFileError` for a bad path or
    ///   digest (checked by the caller's decoding too, but the store never trusts it).
    public static func create(
        workspaceID: Int, category: String, data: [String: JSONValue], files: [String: FileStoreProtocol.DeclaredFile],
        createdBy: Int? = nil, createdByWorkRequestID: Int? = nil, expireAt: Date? = nil, deduplicate: Bool = true,
        creationKey: String? = nil, on conn: PGConnection
    ) async throws -> Int {
        guard !category.isEmpty, !category.contains(where: \.isWhitespace) else {
            throw RepositoryError.invalid("artifact category '\(category)' must be non-empty and without spaces")
        }
        let paths = files.keys.sorted()
        var digests: [String] = []
        var sizes: [Int] = []
        for path in paths {
            let file = files[path]!
            _ = try ArtifactFilePath.validated(path)
            guard let sha256 = file.sha256 else {
                throw RepositoryError.invalid("file \(path): no sha256 among its checksums")
            }
            digests.append(try ArtifactFilePath.validatedDigest(sha256))
            guard file.size >= 0 else { throw ArtifactFileError.invalidSize(path: path, size: file.size, limit: 0) }
            sizes.append(file.size)
        }
        // Without an explicit expiry, the workspace's default delay applies (Debusine's
        // `Artifact.effective_expiration_delay`; a zero or missing delay means never).
        let id = try await conn.query(
            """
            INSERT INTO artifacts (workspace_id, category, data, created_by_id, created_by_work_request_id, expire_at, complete,
                                   creation_key)
            SELECT w.id, $2, $3, $4, $5,
                   COALESCE($6, \(ArtifactRepository.defaultExpireAtSQL)),
                   false, $7
              FROM workspaces w WHERE w.id = $1
            RETURNING id
            """, workspaceID, category, data, createdBy, createdByWorkRequestID, expireAt, creationKey
        ).first!.decode(Int.self, at: 0)
        if !paths.isEmpty {
            // The content counts as stored only while its files row exists; FOR KEY SHARE keeps the expiry sweep
            // from deleting that row (and the content) until this transaction ends.
            try await conn.execute(
                """
                INSERT INTO artifact_files (artifact_id, path, sha256, size, complete)
                SELECT $1, d.path, d.sha256, d.size,
                       d.size = 0 OR ($6 AND
                           EXISTS (SELECT 1 FROM files f WHERE f.sha256 = d.sha256 AND f.size = d.size FOR KEY SHARE)
                           AND EXISTS (
                               SELECT 1 FROM artifact_files seen JOIN artifacts a ON a.id = seen.artifact_id
                                WHERE seen.sha256 = d.sha256 AND seen.size = d.size AND seen.complete
                                  AND a.workspace_id = $5))
                  FROM unnest($2::text[], $3::text[], $4::bigint[]) AS d (path, sha256, size)
                """, id, paths, digests, sizes, workspaceID, deduplicate)
        }
        try await refreshCompleteness(artifactIDs: [id], on: conn)
        return id
    }

    /// Who created the artifact whose creation carried `key`, and its category, once no other transaction
    /// is creating one with the same key (a transaction-scoped lock on the key, so a retry that overtakes its
    /// first attempt waits for it instead of creating a twin).
    public static func createdWithKey(_ key: String, on conn: PGConnection) async throws
        -> (id: Int, category: String, createdBy: Int?, createdByWorkRequestID: Int?)?
    {
        try await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 14))", key)
        guard
            let row = try await conn.query(
                "SELECT id, category, created_by_id, created_by_work_request_id FROM artifacts WHERE creation_key = $1",
                key
            ).first
        else { return nil }
        return (
            try row.decode(Int.self, at: 0), try row.decode(String.self, at: 1), try row.decode(Int?.self, at: 2),
            try row.decode(Int?.self, at: 3)
        )
    }

    /// Records that the content of file `path` of artifact `artifactID` — `sha256`, `size` bytes — is now in
    /// the store (the upload was checked and moved into place). Only that file is completed: another
    /// artifact declaring the same digest still uploads its own copy of the proof.
    ///
    /// - Returns: whether the artifact became complete.
    @discardableResult
    public static func contentStored(
        artifactID: Int, path: String, sha256: String, size: Int, on conn: PGConnection
    ) async throws -> Bool {
        try await conn.execute(
            "INSERT INTO files (sha256, size) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING", sha256, size)
        try await conn.execute(
            """
            UPDATE artifact_files SET complete = true
             WHERE artifact_id = $1 AND path = $2 AND sha256 = $3 AND size = $4 AND NOT complete
            """, artifactID, path, sha256, size)
        return try await !refreshCompleteness(artifactIDs: [artifactID], on: conn).isEmpty
    }

    /// Marks complete each of `artifactIDs` that has no incomplete file left.
    @discardableResult
    static func refreshCompleteness(artifactIDs: [Int], on conn: PGConnection) async throws -> [Int] {
        guard !artifactIDs.isEmpty else { return [] }
        return try await conn.query(
            """
            UPDATE artifacts a SET complete = true
             WHERE a.id = ANY($1) AND NOT a.complete
               AND NOT EXISTS (SELECT 1 FROM artifact_files f WHERE f.artifact_id = a.id AND NOT f.complete)
            RETURNING a.id
            """, artifactIDs
        ).rows.map { try $0.decode(Int.self, at: 0) }
    }

    /// Whether content `sha256` is recorded as stored.
    public static func isStored(sha256: String, on conn: PGConnection) async throws -> Bool {
        try await conn.query("SELECT 1 FROM files WHERE sha256 = $1", sha256).first != nil
    }

    /// The artifact with its files, complete or not.
    public static func find(id: Int, on conn: PGConnection) async throws -> StoredArtifact? {
        guard
            let row = try await conn.query(
                """
                SELECT a.id, a.category, a.workspace_id, a.data, a.created_by_work_request_id, a.complete,
                       a.created_at, a.expire_at, s.name || '/' || w.name
                  FROM artifacts a JOIN workspaces w ON w.id = a.workspace_id JOIN scopes s ON s.id = w.scope_id
                 WHERE a.id = $1
                """, id
            ).first
        else { return nil }
        let record = try ArtifactRepository.artifact(from: row)
        let files = try await conn.query(
            "SELECT path, size, sha256, complete FROM artifact_files WHERE artifact_id = $1 ORDER BY path", id
        ).rows.map { row in
            ArtifactFile(
                path: try row.decode(String.self, at: 0), size: try row.decode(Int.self, at: 1),
                sha256: try row.decode(String.self, at: 2), complete: try row.decode(Bool.self, at: 3))
        }
        return StoredArtifact(
            record: record, workspace: try row.decode(String.self, at: 8), complete: try row.decode(Bool.self, at: 5),
            files: files, createdAt: try row.decode(Date.self, at: 6), expireAt: try row.decode(Date?.self, at: 7))
    }

    /// The artifacts a work request created, in id order (`kiln show`).
    public static func created(byWorkRequest id: Int, on conn: PGConnection) async throws -> [Int] {
        try await conn.query(
            "SELECT id FROM artifacts WHERE created_by_work_request_id = $1 ORDER BY id", id
        ).rows.map { try $0.decode(Int.self, at: 0) }
    }
}
