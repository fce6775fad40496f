import Foundation
import KilnCore

extension WorkerRepository {
    /// Workers the scheduler may assign to — enabled, connected, with their tag sets computed — as the
    /// scheduling index holds them, with their current load (PENDING or RUNNING work requests assigned).
    /// All of them (`ids` nil) or those among `ids`; a listed worker missing from the answer is not
    /// schedulable (gone, disabled, not yet tagged).
    ///
    /// `tasks_allowlist` / `tasks_denylist` come from the static metadata (the administrator's), falling
    /// back to the dynamic metadata.
    public static func schedulable(ids: [Int]? = nil, on conn: PGConnection) async throws -> [SchedulableWorker] {
        try await conn.query(
            """
            SELECT k.id, k.provided_tags, k.required_tags,
                   COALESCE(k.static_metadata -> 'tasks_allowlist', k.dynamic_metadata -> 'tasks_allowlist'),
                   COALESCE(k.static_metadata -> 'tasks_denylist', k.dynamic_metadata -> 'tasks_denylist'),
                   k.concurrency, k.instance_created_at IS NOT NULL, k.connected_at,
                   (SELECT count(*) FROM work_requests w WHERE w.worker_id = k.id AND w.status IN ('pending', 'running'))
            FROM workers k
            WHERE k.enabled AND k.connected_at IS NOT NULL AND k.tags_computed_at IS NOT NULL
              AND ($1::bigint[] IS NULL OR k.id = ANY($1::bigint[]))
            """, ids
        ).rows.map { row in
            let names = { (value: JSONValue?) -> [String]? in value?.arrayValue?.compactMap(\.stringValue) }
            return SchedulableWorker(
                id: try row.decode(Int.self, at: 0), providedTags: try row.decode([String].self, at: 1),
                requiredTags: try row.decode([String].self, at: 2),
                taskNameFilter: WorkerTaskNameFilter(
                    allowlist: names(try row.decode(JSONValue?.self, at: 3)),
                    denylist: names(try row.decode(JSONValue?.self, at: 4))),
                concurrency: try row.decode(Int.self, at: 5), currentLoad: try row.decode(Int.self, at: 8),
                isPoolWorker: try row.decode(Bool.self, at: 6), connectedAt: try row.decode(Date.self, at: 7))
        }
    }
}
