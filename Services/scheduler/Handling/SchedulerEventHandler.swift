import Foundation
import KilnCore
import KilnRuntime
import Logging
import Store

/// Applies one `scheduler.inbox` event inside the consumer's transaction (which claimed the inbox row):
///
/// - `wr.pending`: the work request is re-read into the index; an Internal or Wait one is handled at once
///   (`InternalWork`);
/// - `wr.completed` / `wr.aborted`: the dependency cascade (§1.5) is written, the worker's slot is freed
///   (its load re-read) and the work request leaves the index;
/// - `worker.ready` / `worker.gone`: the worker is re-read (added, updated or removed).
///
/// Index changes go through the engine's dirty set and are applied by its loop after reading PostgreSQL,
/// so an event that is rolled back and redelivered changes nothing twice.
struct SchedulerEventHandler: Sendable {
    let engine: SchedulerEngine

    func handle(_ context: EventContext, on conn: PGConnection) async throws {
        let event = context.event
        switch context.routingKey {
        case .workRequestPending:
            guard let id = event.workRequestID else { return }
            engine.dirty.workRequestChanged(id)
            let outcome = try await InternalWork.handle(id, at: Date(), on: conn)
            if outcome == .missing { throw EventRejected("work request \(id) does not exist") }
            if outcome != .nothingToDo {
                context.logger.info("internal work request handled", metadata: ["outcome": "\(outcome)"])
            }
        case .workRequestCompleted, .workRequestAborted:
            guard let id = event.workRequestID else { return }
            engine.dirty.workRequestChanged(id)
            guard let assigned = try await WorkRequestRepository.assignedWorker(id: id, on: conn) else {
                throw EventRejected("work request \(id) does not exist")
            }
            // Its worker's slot is free again. The dependants were settled by the transaction that
            // terminated it (`WorkRequestOperations.terminate`), not here. Only the worker column is read, so
            // a row nothing else can read (a poison work request ended in error) still frees its slot.
            if let worker = assigned ?? event.workerID { engine.dirty.workerChanged(worker) }
        case .workerReady, .workerGone:
            guard let id = event.workerID else { return }
            engine.dirty.workerChanged(id)
        default:
            throw EventRejected("the scheduler does not handle \(context.routingKey.rawValue)")
        }
    }
}
