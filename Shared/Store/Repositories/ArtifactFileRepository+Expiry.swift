import Foundation
import KilnCore

extension ArtifactFileRepository {
    /// Deletes up to `limit` artifacts that nothing keeps, as Debusine's `delete_expired`
    /// (`server/management/commands/delete_expired.py`, `DeleteExpiredArtifacts`: mark, then sweep) and
    /// `vacuum_storage` (`_delete_incomplete_old_artifacts`):
    ///
    /// - kept: every artifact not expired at `now`; every artifact an item of a collection that retains
    ///   artifacts holds (`retains_artifacts` `always`, or `workflow`, which Kiln keeps until workflows
    ///   exist); then, repeatedly, the target of any relation from a kept artifact, and any artifact that
    ///   `extends` a kept one (tests `test_mark_to_keep_expired_related_to_non_expired`,
    ///   `test_mark_to_keep_expired_extends_non_expired`);
    /// - deleted: expired artifacts not kept, and artifacts still incomplete since `incompleteBefore` that
    ///   no collection holds (an abandoned upload), with their relations in both directions and their
    ///   files (the content itself goes with ``deleteUnreferencedContent(limit:backend:on:)``).
    ///
    /// Rows another transaction holds are skipped (`SKIP LOCKED`) and left for the next sweep.
    ///
    /// - Returns: the deleted artifacts' ids.
    public static func deleteExpiredArtifacts(
        now: Date, incompleteBefore: Date, limit: Int, on conn: PGConnection
    ) async throws -> [Int] {
        try await conn.withTransaction { conn in
            let doomed = try conn.query(
                """
                WITH RECURSIVE keep (id) AS (
                        SELECT a.id FROM artifacts a
                         WHERE (a.expire_at IS NULL OR a.expire_at >= $1)
                           AND (a.complete OR a.created_at >= $2
                                OR EXISTS (SELECT 1 FROM collection_items i WHERE i.artifact_id = a.id))
                    UNION
                        SELECT i.artifact_id FROM collection_items i JOIN collections c ON c.id = i.parent_collection_id
                         WHERE i.artifact_id IS NOT NULL AND c.retains_artifacts IN ('always', 'workflow')
                    UNION
                        SELECT linked.id FROM keep k
                          CROSS JOIN LATERAL (
                              SELECT r.target_id AS id FROM artifact_relations r WHERE r.artifact_id = k.id
                              UNION ALL
                              SELECT r.artifact_id FROM artifact_relations r WHERE r.target_id = k.id AND r.type = 'extends'
                          ) linked
                )
                SELECT a.id FROM artifacts a
                 WHERE ((a.expire_at IS NOT NULL AND a.expire_at < $1)
                        OR (NOT a.complete AND a.created_at < $2))
                   AND NOT EXISTS (SELECT 1 FROM keep WHERE keep.id = a.id)
                 ORDER BY a.id LIMIT $3
                 FOR UPDATE OF a SKIP LOCKED
                """, now, incompleteBefore, limit
            ).rows.map { try $0.decode(Int.self, at: 0) }
            guard !doomed.isEmpty else { return [] }
            try conn.execute(
                "DELETE FROM artifact_relations WHERE artifact_id = ANY($1) OR target_id = ANY($1)", doomed)
            try conn.execute("DELETE FROM artifacts WHERE id = ANY($1)", doomed)
            return doomed
        }
    }

    /// Deletes up to `limit` stored contents no artifact declares any more: the `files` row, then the
    /// backend's copy, under the content's lock (``withContentLock(sha256:on:_:)``), so an upload of the same
    /// bytes meanwhile either finds the row gone and stores them again, or keeps them.
    ///
    /// - Returns: how many contents were deleted.
    public static func deleteUnreferencedContent(
        limit: Int, remove: (String) throws -> Void, on conn: PGConnection
    ) async throws -> Int {
        let candidates = try await conn.query(
            """
            SELECT f.sha256 FROM files f
             WHERE NOT EXISTS (SELECT 1 FROM artifact_files af WHERE af.sha256 = f.sha256)
             ORDER BY f.created_at LIMIT $1
            """, limit
        ).rows.map { try $0.decode(String.self, at: 0) }
        var deleted = 0
        for sha256 in candidates {
            let gone = try await withContentLock(sha256: sha256, on: conn) { () async throws -> Bool in
                // FOR UPDATE first: it waits for an artifact creation that is counting this content as stored;
                // the DELETE's own snapshot then sees that creation's declaration.
                let removed = try await conn.withTransaction { conn in
                    _ = try conn.query("SELECT 1 FROM files WHERE sha256 = $1 FOR UPDATE", sha256)
                    return try conn.execute(
                        """
                        DELETE FROM files f WHERE f.sha256 = $1
                           AND NOT EXISTS (SELECT 1 FROM artifact_files af WHERE af.sha256 = f.sha256)
                        """, sha256) == 1
                }
                if removed { try remove(sha256) }
                return removed
            }
            if gone { deleted += 1 }
        }
        return deleted
    }
}
