import Foundation
import KilnCore
import KilnRuntime
import Logging
import Store

/// What a worker's (re)connection does to the work requests already assigned to it — the get-next rules of Debusine
/// 0.16 `server/views/workers.py` `GetNextWorkRequestView.select_work_request` (`WorkerNextRequestDecision`), applied
/// to every assignment at once because Kiln pushes work instead of waiting to be asked:
///
/// - a RUNNING work request whose run the hello says is still going (`WorkerHello.running`: the worker's broker
///   connection dropped, its process did not) is kept, its lease renewed — Debusine's worker, busy with a task, does
///   not ask for work when it reconnects, so its running task is not handed back either;
/// - a RUNNING work request that produced nothing is handed back: same work request, `retry_count + 1`,
///   a new epoch (fencing the previous run), its lease moved to that epoch, and the assignment re-sent after
///   the welcome; at `retry_count ≥ 3` it is ABORTED with `work-request-retry-limit-exceeded` instead;
/// - a RUNNING work request that already created artifacts gets a superseding retry (`WORKER_FAILED`,
///   `force_status`); when that is refused it stays ABORTED;
/// - a PENDING one (assigned, never started) is dispatched again (`wr.dispatch`) when its dynamic data for
///   the current epoch is recorded, else announced again with `wr.assigned` so the lookup-resolver computes
///   it and dispatches; either way it reaches the new queue (its old dispatch, if any, went to a queue that
///   died with the old connection) without waiting for the `stuck-dispatch` sweep.
///
/// Step 1 (a completion report in progress): the gateway handles several messages at once, so a hello can
/// be handled while the same worker's result — sent before it — is still being applied or retried. Every
/// result therefore first records, in a committed compare-and-set, that its completion is in progress
/// (`ResultCompletion.recordInProgress`); the recovery locks the worker's assigned work requests and, when
/// such a report for a current assignment is younger than the lease, changes none of them — as Debusine
/// answers 204 — instead of handing back a work request whose result is about to land. PENDING ones are
/// still re-announced: that is the separate "on (re)connect, announce assigned work" rule (Debusine
/// `server/consumers.py` `WorkerConsumer.connect`), and they have no result in flight. A report whose result never
/// lands stops protecting the work request after the lease; the lease expiry and the next reconnect recover it then.
///
/// Step 3 (workflow locks) is the database's row-level compare-and-set.
struct ReconnectRecovery: Sendable {
    struct Summary: Sendable, CustomStringConvertible {
        var resend: [WorkAssignment] = []
        var handedBack: [Int] = []
        var abortedAtLimit: [Int] = []
        var superseded: [Int] = []
        var reannounced: [Int] = []
        /// Runs the hello reported that are not the worker's current assignments (to be told to stop).
        var staleRuns: [RunningAssignment] = []
        /// The completion-in-progress check of `select_work_request` held: a result of this worker is being applied, so
        /// nothing was handed back.
        var completionInProgress = false

        var summary: String { description }
        var description: String {
            "handed_back=\(handedBack) aborted=\(abortedAtLimit) superseded=\(superseded) reannounced=\(reannounced)"
                + (completionInProgress ? " completion_in_progress=true" : "")
        }
    }

    let lease: Duration
    let logger: Logger

    /// - Parameter reportedRunning: the runs the worker's hello says are still going (a reconnection, not a
    ///   restart). Those that are the current assignment of a work request still assigned to it stay as they are,
    ///   their lease renewed — after the work requests are locked, in the order every other path takes them; the
    ///   others come back in `Summary.staleRuns`, to be told to stop.
    func recover(
        worker: GatewayWorker, reportedRunning: [RunningAssignment] = [], at now: Date = Date(), on conn: PGConnection
    ) async throws -> Summary {
        var summary = Summary()
        summary.completionInProgress = try await WorkerRepository.lockAssignedCheckingCompletionReports(
            workerID: worker.id, window: lease, on: conn)
        var assigned = try await WorkRequestRepository.assigned(toWorker: worker.id, on: conn)
        let kept = Set(
            reportedRunning.filter { run in
                assigned.contains { $0.workRequest.id == run.workRequestID && $0.workRequest.assignmentEpoch == run.epoch }
            })
        // The locked rows just showed these runs current: the lease is written without asking again.
        for run in kept {
            try await WorkerRepository.upsertLease(
                workRequestID: run.workRequestID, workerID: worker.id, epoch: run.epoch, lease: lease, on: conn)
        }
        summary.staleRuns = reportedRunning.filter { !kept.contains($0) }
        assigned.removeAll { stored in kept.contains { $0.workRequestID == stored.workRequest.id } }
        guard !assigned.isEmpty else { return summary }
        var storedByID: [Int: StoredWorkRequest] = [:]
        for stored in assigned { storedByID[stored.workRequest.id] = stored }
        var remaining = assigned.map(\.workRequest)
        let produced = try await WorkerRepository.workRequestsWithOutput(
            remaining.filter { $0.status == .running }.map(\.id), on: conn)

        var decision: WorkerNextRequestDecision
        repeat {
            decision = WorkerNextRequestDecision.decide(
                worker: worker.id, assigned: remaining, producedOutput: produced,
                completionInProgress: summary.completionInProgress, at: now)
            for aborted in decision.abortedForRetryLimit {
                guard let stored = storedByID[aborted.id] else { continue }
                let cascade = try await WorkRequestOperations.terminate(stored, as: aborted, at: now, on: conn)
                logger.logDependantsSettled(by: cascade, cause: aborted.id)
                summary.abortedAtLimit.append(aborted.id)
                remaining.removeAll { $0.id == aborted.id }
            }
            if case .handBack(let handedBack) = decision.outcome, let stored = storedByID[handedBack.id] {
                try await WorkRequestRepository.apply(
                    [WorkRequestEdit(before: stored.workRequest, after: handedBack)], on: conn)
                try await WorkerRepository.upsertLease(
                    workRequestID: handedBack.id, workerID: worker.id, epoch: handedBack.assignmentEpoch, lease: lease,
                    on: conn)
                summary.handedBack.append(handedBack.id)
                summary.resend.append(try await AssignmentBuilder.assignment(for: handedBack, on: conn))
                remaining.removeAll { $0.id == handedBack.id }
                continue
            }
            break
        } while true

        for id in decision.supersede {
            try await supersede(id, at: now, on: conn)
            summary.superseded.append(id)
        }
        for pending in remaining where pending.status == .pending {
            // Dynamic data already computed for this epoch: dispatch straight to the new queue (the
            // lookup-resolver would find nothing to compute). Otherwise announce the assignment again, so
            // the resolver computes it and dispatches.
            let ready = pending.isReadyToDispatch
            let assignment = Assignment(
                workRequest: WorkRequestID(pending.id), worker: WorkerID(worker.id), epoch: Epoch(pending.assignmentEpoch))
            try await EventOutbox.enqueue(ready ? .dispatch(assignment) : .assigned(assignment), on: conn)
            summary.reannounced.append(pending.id)
        }
        return summary
    }

    /// `retry(WORKER_FAILED, force_status=True)`, as Debusine's `select_work_request` does; when the retry is refused
    /// (the limit, a workflow…) the work request stays ABORTED with the refusal recorded, as Debusine swallows
    /// `CannotRetry`.
    private func supersede(_ id: Int, at now: Date, on conn: PGConnection) async throws {
        switch try await WorkRequestOperations.retryAfterWorkerFailure(id, at: now, on: conn) {
        case .superseded(let newID):
            logger.notice(
                "work request with output superseded after its worker reconnected",
                metadata: ["wr.id": "\(id)", "superseded_by": "\(newID)"])
        case .refused(let error):
            guard let stored = try await WorkRequestRepository.load(id: id, on: conn) else { return }
            let aborted = stored.workRequest.markedAborted(outputData: OutputData(errors: [error]), at: now)
            let cascade = try await WorkRequestOperations.terminate(stored, as: aborted, at: now, on: conn)
            logger.warning(
                "work request aborted: its retry was refused", metadata: ["wr.id": "\(id)", "reason": "\(error.message)"])
            logger.logDependantsSettled(by: cascade, cause: id)
        }
    }
}
