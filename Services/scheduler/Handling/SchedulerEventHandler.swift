import Foundation
import KilnCore
import KilnRuntime
import Logging
import Store

/// The scheduler's handlers, applied inside the consumer's transaction (which claimed the inbox row):
///
/// - `wr.pending`: the work request is re-read into the index; an Internal or Wait one is handled at once
///   (`InternalWork`);
/// - `wr.completed` / `wr.aborted`: the worker's slot is freed (its load re-read) and the work request
///   leaves the index; the dependants were settled by the transaction that terminated it;
/// - `worker.ready` / `worker.gone`: the worker is re-read (added, updated or removed).
///
/// Index changes go through the engine's dirty set and are applied by its loop after reading PostgreSQL,
/// so an event that is rolled back and redelivered changes nothing twice.
enum SchedulerEventHandler {
    static func handlers(engine: SchedulerEngine) -> EventHandlers {
        var handlers = EventHandlers()
        handlers.on(.pending) { id, context, conn in
            engine.dirty.workRequestChanged(id.rawValue)
            let outcome = try await InternalWork.handle(id.rawValue, at: Date(), on: conn)
            if outcome == .missing { throw EventRejected("work request \(id) does not exist") }
            if outcome != .nothingToDo {
                context.logger.info("internal work request handled", metadata: ["outcome": "\(outcome)"])
            }
        }
        handlers.on(.completed) { id, _, conn in
            try await freeSlot(of: id, namedWorker: nil, engine: engine, on: conn)
        }
        handlers.on(.aborted) { aborted, _, conn in
            try await freeSlot(of: aborted.workRequest, namedWorker: aborted.worker, engine: engine, on: conn)
        }
        handlers.on(.workerReady) { worker, _, _ in engine.dirty.workerChanged(worker.rawValue) }
        handlers.on(.workerGone) { worker, _, _ in engine.dirty.workerChanged(worker.rawValue) }
        return handlers
    }

    /// A finished work request leaves the index and its worker's slot is free again. Only the worker column
    /// is read, so a row nothing else can read (a poison work request ended in error) still frees its slot;
    /// an abort clears that column, so the worker the event names is used then.
    private static func freeSlot(
        of id: WorkRequestID, namedWorker: WorkerID?, engine: SchedulerEngine, on conn: PGConnection
    ) async throws {
        engine.dirty.workRequestChanged(id.rawValue)
        guard let assigned = try await WorkRequestRepository.assignedWorker(id: id.rawValue, on: conn) else {
            throw EventRejected("work request \(id) does not exist")
        }
        if let worker = assigned ?? namedWorker?.rawValue { engine.dirty.workerChanged(worker) }
    }
}
