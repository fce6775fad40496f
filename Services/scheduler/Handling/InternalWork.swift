import Foundation
import KilnCore
import Store

/// The work requests the scheduler runs itself (Debusine `server/scheduler.py` `schedule_internal` and
/// `complete_wait_tasks`, via the core's `InternalWorkDecision`): a PENDING synchronisation point completes with
/// success, a PENDING Wait task starts RUNNING, a RUNNING `Wait/delay` completes with success once `delay_until` has
/// passed.
///
/// Workflow orchestrators and workflow callbacks (`runOrchestrator`, `runWorkflowCallback`) are not run
/// here: Kiln has no orchestrator yet, so they are left PENDING (reported in the log at debug level).
enum InternalWork {
    /// What happened to one candidate.
    enum Outcome: Equatable {
        case completed, started, errored, nothingToDo
        /// No such work request: an event naming it can never be applied.
        case missing
    }

    /// The error code given to a Wait/delay task whose `delay_until` cannot be read: it could never
    /// become due, so it fails instead of waiting for ever (Kiln's choice; Debusine would raise in the
    /// scheduler loop at every run).
    static let invalidDelayCode = "invalid-task-data"

    /// Decides and persists the scheduler's action for work request `id`, in the caller's transaction.
    /// A completion cascades to its dependants in the same transaction (`WorkRequestOperations.terminate`).
    static func handle(_ id: Int, at now: Date, on conn: PGConnection) async throws -> Outcome {
        guard let stored = try await WorkRequestRepository.load(id: id, on: conn) else { return .missing }
        guard stored.workRequest.pendingStage == nil else { return .nothingToDo }
        let workRequest = stored.workRequest
        let after: WorkRequest
        let outcome: Outcome
        do {
            guard let action = try workRequest.internalWorkAction(at: now) else { return .nothingToDo }
            switch action {
            case .completeSuccess:
                after = try workRequest.applying(action, at: now)
                outcome = .completed
            case .markRunning:
                after = try workRequest.applying(action, at: now)
                outcome = .started
            case .runWorkflowCallback, .runOrchestrator:
                return .nothingToDo
            }
        } catch let error as InternalWorkError {
            let failure = OutputData(errors: [WorkRequestError(message: error.description, code: invalidDelayCode)])
            after = try workRequest.markedCompleted(result: .error, outputData: failure, at: now)
            outcome = .errored
        }
        if after.status.isTerminated {
            try await WorkRequestOperations.terminate(stored, as: after, at: now, on: conn)
        } else {
            try await WorkRequestRepository.apply([WorkRequestEdit(before: workRequest, after: after)], on: conn)
        }
        return outcome
    }
}
