import Foundation
import KilnCore

/// A work request a worker is running, as the file store needs it to authorise that worker.
public struct RunningWorkRequestScope: Hashable, Sendable {
    /// The work request.
    public var workRequestID: Int
    /// Its workspace, where its outputs go.
    public var workspaceID: Int
    /// The artifacts its inputs resolved to (``InputArtifactReferences``).
    public var inputArtifactIDs: Set<Int>
}

extension ArtifactFileRepository {
    /// The work requests assigned to `workerID` and not finished: what it may read (their inputs, their
    /// outputs) and write (their outputs) in the file store. A PENDING one counts: the gateway marks an
    /// assignment RUNNING only after sending it, so the worker may already be fetching its inputs.
    public static func runningAssignments(ofWorker workerID: Int, on conn: PGConnection) async throws -> [RunningWorkRequestScope] {
        try await conn.query(
            """
            SELECT id, workspace_id, dynamic_task_data FROM work_requests
             WHERE worker_id = $1 AND status IN ('pending', 'running') ORDER BY id
            """, workerID
        ).rows.map { row in
            let dynamicData = try row.decode(JSONValue?.self, at: 2) ?? .null
            return RunningWorkRequestScope(
                workRequestID: try row.decode(Int.self, at: 0), workspaceID: try row.decode(Int.self, at: 1),
                inputArtifactIDs: Set(InputArtifactReferences.artifactIDs(inDynamicData: dynamicData)))
        }
    }

    /// The declared file `path` of artifact `artifactID`, if declared.
    public static func file(artifactID: Int, path: String, on conn: PGConnection) async throws -> ArtifactFile? {
        try await conn.query(
            "SELECT path, size, sha256, complete FROM artifact_files WHERE artifact_id = $1 AND path = $2",
            artifactID, path
        ).first.map { row in
            ArtifactFile(
                path: try row.decode(String.self, at: 0), size: try row.decode(Int.self, at: 1),
                sha256: try row.decode(String.self, at: 2), complete: try row.decode(Bool.self, at: 3))
        }
    }
}

extension ArtifactFileRepository {
    /// Runs `body` holding a session advisory lock on content `sha256` (key space 13, the migration that
    /// introduced files), so committing an upload and deleting unreferenced content never interleave for
    /// the same bytes: the backend's file and the `files` row change together.
    public static func withContentLock<Result: Sendable>(
        sha256: String, on conn: PGConnection, _ body: () async throws -> Result
    ) async throws -> Result {
        _ = try await conn.query("SELECT pg_advisory_lock(13, hashtext($1))", sha256)
        do {
            let result = try await body()
            _ = try await conn.query("SELECT pg_advisory_unlock(13, hashtext($1))", sha256)
            return result
        } catch {
            _ = try? await conn.query("SELECT pg_advisory_unlock(13, hashtext($1))", sha256)
            throw error
        }
    }
}

extension StoredArtifact {
    /// The API's view of the artifact (what the file store answers and `kiln artifact show --json` prints).
    public func apiValue(relations: [ArtifactRelation]) -> FileStoreProtocol.Artifact {
        FileStoreProtocol.Artifact(
            id: record.id, category: record.category, workspace: workspace, data: record.data, complete: complete,
            files: files, createdByWorkRequest: record.createdByWorkRequestID, createdAt: createdAt, expireAt: expireAt,
            relations: relations.map { FileStoreProtocol.Relation(artifact: $0.artifactID, target: $0.targetID, type: $0.type) })
    }
}
