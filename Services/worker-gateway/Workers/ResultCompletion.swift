import Foundation
import KilnCore
import KilnRuntime
import Logging
import Store

/// Completes a work request from a worker's result, under the fencing number (Debusine `server/views/workers.py`
/// `UpdateWorkRequestAsCompletedView`; architecture "results carry the assignment's fencing number"): only the worker
/// it is assigned to, under the current epoch, while PENDING or RUNNING. The completion goes through the core's state
/// machine and the repository's compare-and-set, with its reverse-dependency cascade (Debusine
/// `WorkRequest.unblock_reverse_dependencies`) and `wr.completed` in the same transaction.
struct ResultCompletion: Sendable {
    /// What became of a result.
    enum Outcome: Sendable, Hashable {
        case completed
        /// Refused without any change; `category` is the metric label.
        case stale(reason: String, category: String)
    }

    let logger: Logger

    func complete(_ report: WorkerResult, from worker: GatewayWorker, at now: Date = Date(), on conn: PGConnection)
        async throws -> Outcome
    {
        guard let stored = try await WorkRequestRepository.load(id: report.workRequestID, on: conn) else {
            return .stale(reason: "work request \(report.workRequestID) does not exist", category: "unknown_work_request")
        }
        let current = stored.workRequest
        guard current.workerID == worker.id else {
            let holder = current.workerID.map { "worker \($0)" } ?? "no worker"
            return .stale(reason: "sent by worker \(worker.id), assigned to \(holder)", category: "foreign_worker")
        }
        guard current.assignmentEpoch == report.epoch else {
            return .stale(
                reason: "assignment epoch \(report.epoch), current epoch \(current.assignmentEpoch)", category: "stale_epoch")
        }
        guard current.status == .pending || current.status == .running else {
            return .stale(
                reason: "Cannot mark WorkRequest \(current.id) as completed: current status is \(current.status.rawValue)",
                category: "not_running")
        }
        let (result, outputData) = try Self.validated(report)
        var running = current
        if current.status == .pending {
            // The dispatch's mark-running did not commit (or raced the result): the worker ran it, so it is
            // RUNNING now, under the same capacity guard as any start.
            let load = WorkerRunningLoad(
                concurrency: worker.concurrency,
                runningCount: try await WorkerRepository.runningCount(workerID: worker.id, on: conn))
            do {
                running = try current.markedRunning(at: now, workerLoad: load)
            } catch {
                return .stale(reason: "cannot be marked running: \(error)", category: "not_running")
            }
        }
        do {
            try running.checkResult(fromWorker: worker.id, epoch: report.epoch)
        } catch {
            return .stale(reason: error.reason, category: "stale_epoch")
        }
        let completed = try running.markedCompleted(result: result, outputData: outputData, at: now)
        let cascade = try await WorkRequestOperations.terminate(stored, as: completed, at: now, on: conn)
        logger.info(
            "work request completed by its worker",
            metadata: ["wr.id": "\(current.id)", "worker": "\(worker.name)", "result": "\(result.rawValue)"])
        logger.logDependantsSettled(by: cascade, cause: current.id)
        return .completed
    }
}

extension ResultCompletion {
    /// The report's result and output data, checked before anything is written: an empty result or output
    /// data that does not fit the model can never be applied.
    ///
    /// - Throws: `MessageError.invalid` naming what is wrong (the message is dead-lettered with it).
    static func validated(_ report: WorkerResult) throws -> (WorkRequestResult, OutputData?) {
        guard let result = WorkRequestResult(rawValue: report.result), result != .none else {
            throw MessageError.invalid("result must not be empty")
        }
        do {
            return (result, try report.outputData.map { try JSONValue.object($0).decode(OutputData.self) })
        } catch {
            throw MessageError.invalid("output_data does not fit the output data model: \(error)")
        }
    }

    /// Debusine's completion-in-progress check (`server/views/workers.py`
    /// `GetNextWorkRequestView.select_work_request`): before a result is applied, records in its own committed
    /// compare-and-set that its completion is in progress, so a hello from the same worker handled meanwhile (or while
    /// the result is retried) does not hand the work request back and turn the finished result stale.
    ///
    /// Only a result that can be applied is recorded: from an enabled worker, valid, for the worker's current
    /// assignment (`WorkerRepository.recordCompletionReport`). Anything else is left to ``complete(_:from:at:on:)``
    /// to refuse or dead-letter.
    ///
    /// - Returns: whether the report was recorded.
    static func recordInProgress(_ report: WorkerResult, on conn: PGConnection) async throws -> Bool {
        guard (try? validated(report)) != nil,
            case .worker(let worker, let token) = try await TokenAuthentication.authenticate(secret: report.token, on: conn),
            worker.enabled && token.enabled
        else { return false }
        return try await WorkerRepository.recordCompletionReport(
            workRequestID: report.workRequestID, workerID: worker.id, epoch: report.epoch, on: conn)
    }
}
