import KilnCore
import KilnRuntime
import Logging
import Store

/// The gateway's periodic sweeps (a lost message delays work, never loses it):
///
/// - `silent-workers`: connected workers not heard from for `KILN_WORKER_SILENCE` are marked disconnected
///   and `worker.gone` is enqueued for each (the scheduler owns what happens to their work requests: lease
///   expiry, retries);
/// - `stuck-dispatch` is the runtime's re-drive sweep of `RedriveStage.awaitingDispatch` (assigned, with the
///   dynamic data of the current epoch, to a connected worker: a lost `wr.dispatch` is sent again).
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
}
