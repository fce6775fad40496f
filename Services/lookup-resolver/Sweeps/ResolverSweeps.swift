import KilnCore
import KilnRuntime
import Store

/// The sweeps that make a lost `wr.unblocked` or `wr.assigned` delay work instead of losing it: each finds
/// work requests waiting in this service's stage for longer than the grace period and enqueues their event
/// again (the handlers are idempotent, so a re-driven event that was merely slow has no second effect).
/// Rows are claimed with `FOR UPDATE SKIP LOCKED` and touched, so replicas do not re-drive the same row.
enum ResolverSweeps {
    /// Work requests still in pending stage `requested` → `wr.unblocked` again.
    static func stuckUnblocking(runtime: ServiceRuntime, configuration: LookupResolverConfiguration) -> Sweeper {
        runtime.sweeper(name: "stuck-unblocking") {
            let count = try await runtime.pool.withTransaction { conn in
                let ids = try await WorkRequestRepository.claimStuckUnblocking(
                    olderThan: configuration.redriveGrace, limit: configuration.sweepBatch, on: conn)
                for id in ids {
                    try await EventOutbox.enqueue(.workRequestUnblocked, KilnEvent(workRequestID: id), on: conn)
                }
                return ids.count
            }
            if count > 0 { runtime.relay.wake() }
            return count
        }
    }

    /// Assigned work requests without dynamic data for their epoch → `wr.assigned` again.
    static func awaitingDynamicData(runtime: ServiceRuntime, configuration: LookupResolverConfiguration) -> Sweeper {
        runtime.sweeper(name: "awaiting-dynamic-data") {
            let count = try await runtime.pool.withTransaction { conn in
                let stuck = try await WorkRequestRepository.claimAwaitingDynamicData(
                    olderThan: configuration.redriveGrace, limit: configuration.sweepBatch, on: conn)
                for item in stuck {
                    try await EventOutbox.enqueue(
                        .workRequestAssigned,
                        KilnEvent(workRequestID: item.workRequestID, workerID: item.workerID, epoch: item.epoch),
                        on: conn)
                }
                return stuck.count
            }
            if count > 0 { runtime.relay.wake() }
            return count
        }
    }
}
