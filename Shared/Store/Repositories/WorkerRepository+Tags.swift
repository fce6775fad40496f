import Foundation
import KilnCore

/// What the tag-computer reads of a worker to compute its tag sets (Debusine `server/scheduler.py`
/// `get_provided_worker_tags`, `get_required_task_tags`), and the version of that metadata its result may be stored
/// against.
public struct WorkerTagSnapshot: Hashable, Sendable {
    /// The worker's id (the `worker.metadata` event's `worker_id`).
    public var id: Int
    /// The worker's name, for logs.
    public var name: String
    /// `worker_type`, which becomes the system-provenance `worker:type:` tag.
    public var workerType: WorkerType
    /// The admin's metadata: trusted `provided_tags` / `required_tags`.
    public var staticMetadata: [String: JSONValue]
    /// The worker's own report: untrusted `provided_tags`; its `required_tags` are ignored (Debusine 0.16).
    public var dynamicMetadata: [String: JSONValue]
    /// Identifies the metadata version read: `dynamic_metadata_updated_at` (exact, as PostgreSQL prints it)
    /// plus a digest of the worker type and both metadata objects. Storing computed tags compares it, so a
    /// computation from older metadata never overwrites one from newer metadata, whichever commits last.
    public var metadataVersion: String
}

/// The worker side of the tag-computer: reading metadata, storing the computed sets with a compare-and-set
/// on the metadata version, and finding workers whose sets are older than their metadata.
extension WorkerRepository {
    /// The metadata SQL expression the compare-and-set and the snapshot share.
    static let metadataVersionSQL =
        "coalesce(dynamic_metadata_updated_at::text, '-') || '/' || md5(worker_type || static_metadata::text || dynamic_metadata::text)"

    /// The worker's type and metadata, or `nil` when no worker has this id.
    public static func tagSnapshot(id: Int, on conn: PGConnection) async throws -> WorkerTagSnapshot? {
        guard
            let row = try await conn.query(
                """
                SELECT id, name, worker_type, static_metadata, dynamic_metadata, \(metadataVersionSQL)
                  FROM workers WHERE id = $1
                """, id
            ).first
        else { return nil }
        let typeText = try row.decode(String.self, at: 2)
        guard let type = WorkerType(rawValue: typeText) else {
            throw RepositoryError.invalid("worker \(id) has unknown worker_type '\(typeText)'")
        }
        return WorkerTagSnapshot(
            id: try row.decode(Int.self, at: 0), name: try row.decode(String.self, at: 1), workerType: type,
            staticMetadata: try row.decode([String: JSONValue].self, at: 3),
            dynamicMetadata: try row.decode([String: JSONValue].self, at: 4),
            metadataVersion: try row.decode(String.self, at: 5))
    }

    /// What storing a worker's computed tag sets did.
    public enum StoredWorkerTags: Hashable, Sendable {
        /// Stored; `announce` is true when the worker is enabled and connected (so `worker.ready` is due).
        case stored(announce: Bool)
        /// The metadata changed since `snapshot` was read: nothing written (the change's own
        /// `worker.metadata` recomputes).
        case superseded
    }

    /// Stores WP/WR (sorted `text[]`) and `tags_computed_at = now()` if the worker's metadata is still the
    /// version `snapshot` read, with the audit trail of both sets (subject kind `worker`). Must run inside
    /// a transaction.
    public static func storeComputedTags(
        _ sets: WorkerTagSets, basedOn snapshot: WorkerTagSnapshot, on conn: PGConnection
    ) async throws -> StoredWorkerTags {
        guard await conn.isInTransaction else { throw PGError.notInTransaction(operation: "storeComputedTags") }
        guard
            let row = try await conn.query(
                """
                UPDATE workers SET provided_tags = $2, required_tags = $3, tags_computed_at = now()
                 WHERE id = $1 AND \(metadataVersionSQL) = $4
                RETURNING enabled AND connected_at IS NOT NULL
                """, snapshot.id, sets.provided.tags.sorted(), sets.required.tags.sorted(), snapshot.metadataVersion
            ).first
        else { return .superseded }
        try await TagAuditRepository.record(sets, subject: .worker(snapshot.id), on: conn)
        return .stored(announce: try row.decode(Bool.self, at: 0))
    }

    /// Re-drive for the tag-computer's sweep: workers whose tags were never computed or whose dynamic
    /// metadata changed after they were, untouched for `stuckAfter` (so the metadata change's own event had
    /// its chance), get a fresh `worker.metadata`. Must run inside a transaction.
    ///
    /// - Returns: the re-driven worker ids.
    public static func redriveStaleTags(
        stuckAfter: Duration, limit: Int, on conn: PGConnection
    ) async throws -> [Int] {
        guard await conn.isInTransaction else { throw PGError.notInTransaction(operation: "redriveStaleTags") }
        let ids = try await conn.query(
            """
            SELECT id FROM workers
             WHERE (tags_computed_at IS NULL OR dynamic_metadata_updated_at > tags_computed_at)
               AND coalesce(dynamic_metadata_updated_at, registered_at) < now() - make_interval(secs => $1)
               AND coalesce(tags_computed_at, '-infinity') < now() - make_interval(secs => $1)
             ORDER BY id LIMIT $2
            """, stuckAfter.timeInterval, limit
        ).rows.map { try $0.decode(Int.self, at: 0) }
        for id in ids {
            try await EventOutbox.enqueue(.workerMetadata(WorkerID(id)), on: conn)
        }
        return ids
    }
}
