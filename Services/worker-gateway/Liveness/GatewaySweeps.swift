import KilnCore
import KilnRuntime
import Logging
import Store

/// The gateway's periodic sweeps (a lost message delays work, never loses it):
///
/// - `silent-workers`: connected workers not heard from for `KILN_WORKER_SILENCE` are marked disconnected
///   and `worker.gone` is enqueued for each (the scheduler owns what happens to their work requests: lease
///   expiry, retries);
/// - `stuck-dispatch`: PENDING work requests assigned to a connected worker, with the dynamic data of their
///   current epoch (`dynamic_data_epoch = assignment_epoch`: `dynamic_task_data` alone may still hold the
///   pending stage's values while the lookup-resolver lags), untouched
///   for two sweep intervals — a lost `wr.dispatch` — get `wr.dispatch` again (the dispatch is idempotent
///   per epoch).
enum GatewaySweeps {
    static func silentWorkers(runtime: ServiceRuntime, silence: Duration) -> Sweeper {
        runtime.sweeper(name: "silent-workers") {
            let ids = try await runtime.pool.withTransaction { conn in
                try await WorkerRepository.disconnectSilentWorkers(silence: silence, on: conn)
            }
            if !ids.isEmpty {
                runtime.relay.wake()
                runtime.logger.warning(
                    "silent workers marked disconnected", metadata: ["workers": "\(ids)", "silence": "\(silence)"])
            }
            return ids.count
        }
    }

    static func stuckDispatches(runtime: ServiceRuntime) -> Sweeper {
        let age = runtime.configuration.sweepInterval * 2
        return runtime.sweeper(name: "stuck-dispatch") {
            let count = try await runtime.pool.withTransaction { conn in
                let rows = try await conn.query(
                    """
                    SELECT r.id, r.worker_id, r.assignment_epoch FROM work_requests r JOIN workers w ON w.id = r.worker_id
                    WHERE r.status = 'pending' AND r.dynamic_data_epoch = r.assignment_epoch AND w.enabled
                      AND w.connected_at IS NOT NULL AND r.updated_at < now() - $1::bigint * interval '1 millisecond'
                    ORDER BY r.id LIMIT 500
                    """, Int(age.wholeMilliseconds)
                ).rows
                for row in rows {
                    try await EventOutbox.enqueue(
                        .workRequestDispatch,
                        KilnEvent(
                            workRequestID: try row.decode(Int.self, at: 0), workerID: try row.decode(Int.self, at: 1),
                            epoch: try row.decode(Int.self, at: 2)), on: conn)
                }
                return rows.count
            }
            if count > 0 { runtime.relay.wake() }
            return count
        }
    }
}
