import Foundation
import KilnCore
import KilnRuntime
import Logging
import Metrics
import Store

/// The gateway's inbox (`worker-gateway.inbox`): `wr.dispatch` sends an assignment to its worker,
/// `wr.aborted` tells a worker to stop (Debusine never tells the worker; Kiln does).
///
/// A dispatch is sent only while the work request is PENDING, assigned to that worker under that epoch,
/// with dynamic data recorded for that epoch,
/// and the worker is enabled and connected; it is then marked RUNNING (compare-and-set). A RUNNING work
/// request under the same epoch was dispatched already, so a duplicate `wr.dispatch` sends nothing.
///
/// When the broker returns the assignment (the worker's queue is gone), the worker is marked disconnected
/// (`worker.gone`) and the work request is LEFT assigned and PENDING: a worker that lost its connection
/// usually says hello again within seconds with a new queue, and the reconnect recovery re-announces the
/// work request (`wr.assigned`) to it without spending a retry; if it does not come back, the scheduler's
/// lease expiry retries the work request. De-assigning at once would burn a retry on every network blip.
struct GatewayEventHandler: Sendable {
    let mailbox: WorkerMailbox
    let lease: Duration

    /// What the consumer calls, per event.
    var handlers: EventHandlers {
        var handlers = EventHandlers()
        handlers.on(.dispatch) { assignment, context, conn in try await dispatch(assignment, context, on: conn) }
        handlers.on(.aborted) { aborted, context, conn in try await tellWorkerToStop(aborted, context, on: conn) }
        handlers.on(.workerDisabled) { worker, context, conn in try await tellDisabledWorker(worker, context, on: conn) }
        return handlers
    }

    // MARK: wr.dispatch

    private func dispatch(_ assignment: Assignment, _ context: EventContext, on conn: PGConnection) async throws {
        let logger = context.logger
        let id = assignment.workRequest.rawValue
        let workerID = assignment.worker.rawValue
        let epoch = assignment.epoch.rawValue
        // The worker's row is locked BEFORE the work request is read: two dispatches of one assignment (the
        // lookup-resolver's and a reconnecting worker's, say) then run one after the other, and the second
        // reads the first's RUNNING and sends nothing. Read before the lock, the second saw PENDING, found
        // the worker busy with this very work request and dead-lettered its event (found by deploy/chaos).
        guard let worker = try await WorkerRepository.gatewayWorker(id: workerID, lock: true, on: conn) else {
            // Purged or deleted since: the assignment cannot be current any more (its row lost the worker).
            logger.info("dispatch skipped: the worker no longer exists")
            return
        }
        guard let stored = try await WorkRequestRepository.load(id: id, on: conn) else {
            throw EventRejected("work request \(id) does not exist")
        }
        let workRequest = stored.workRequest
        guard workRequest.workerID == workerID, workRequest.assignmentEpoch == epoch else {
            logger.info(
                "dispatch skipped: the assignment is no longer current",
                metadata: ["current_worker": "\(workRequest.workerID.map(String.init) ?? "none")",
                           "current_epoch": "\(workRequest.assignmentEpoch)"])
            return
        }
        guard workRequest.status == .pending else {
            logger.info("dispatch skipped: already dispatched or finished", metadata: ["status": "\(workRequest.status.rawValue)"])
            return
        }
        // Only this assignment's dynamic data may reach the worker (the row states whose it is): until the
        // lookup-resolver recorded it, its own wr.dispatch is still to come.
        guard workRequest.isReadyToDispatch else {
            logger.info("dispatch deferred: the dynamic data of this assignment is not computed yet")
            return
        }
        guard worker.enabled, worker.connectedAt != nil, let queue = worker.queueName else {
            logger.info(
                "dispatch deferred: the worker is not connected; its hello or the lease expiry takes it from here",
                metadata: ["worker": "\(worker.name)"])
            return
        }
        let load = WorkerRunningLoad(
            concurrency: worker.concurrency,
            runningCount: try await WorkerRepository.runningCount(workerID: worker.id, on: conn))
        let running: WorkRequest
        do {
            running = try workRequest.markedRunning(at: Date(), workerLoad: load)
        } catch {
            // The worker's load is state, not a property of this message: the work request stays assigned
            // and the stuck-dispatch sweep (or the lease expiry) takes it from here.
            logger.warning(
                "dispatch deferred: the work request cannot start on this worker now",
                metadata: ["worker": "\(worker.name)", "error": "\(error)"])
            return
        }
        let message: WorkAssignment
        do {
            message = try await AssignmentBuilder.assignment(for: workRequest, on: conn)
        } catch let notReady as AssignmentBuilder.NotReady {
            throw EventRejected(notReady.description)
        }
        switch try await mailbox.send(.assignment, message, to: queue) {
        case .delivered:
            try await WorkRequestRepository.apply([WorkRequestEdit(before: workRequest, after: running)], on: conn)
            try await WorkerRepository.upsertLease(workRequestID: id, workerID: worker.id, epoch: epoch, lease: lease, on: conn)
            logger.info("assignment sent; work request running", metadata: ["worker": "\(worker.name)", "amqp.worker_queue": "\(queue)"])
        case .gone:
            try await WorkerRepository.markDisconnected(workerID: worker.id, queue: queue, on: conn)
            logger.warning(
                "assignment returned: the worker's queue is gone; worker marked disconnected, work request left assigned",
                metadata: ["worker": "\(worker.name)", "amqp.worker_queue": "\(queue)"])
        }
    }

    // MARK: wr.aborted

    private func tellWorkerToStop(_ aborted: AbortedWorkRequest, _ context: EventContext, on conn: PGConnection) async throws {
        let logger = context.logger
        let id = aborted.workRequest.rawValue
        guard let workerID = aborted.worker?.rawValue else {
            logger.debug("aborted work request had no worker: nobody to tell")
            return
        }
        // The event only says what to check: a worker is told to stop only when the work request really is
        // aborted and the epoch is its last assignment's (issue 10: a forged wr.aborted for a finished work
        // request still sent an abort). The abort clears the row's worker, so the event names it; a worker
        // told about work it does not run ignores the command.
        guard let workRequest = try await WorkRequestRepository.load(id: id, on: conn)?.workRequest else {
            throw EventRejected("work request \(id) does not exist")
        }
        let epoch = aborted.epoch?.rawValue ?? workRequest.assignmentEpoch
        guard workRequest.status == .aborted, workRequest.assignmentEpoch == epoch else {
            logger.notice(
                "wr.aborted does not match the work request: nothing sent",
                metadata: [
                    "wr.status": "\(workRequest.status.rawValue)", "wr.worker": "\(workRequest.workerID.map(String.init) ?? "none")",
                    "wr.epoch": "\(workRequest.assignmentEpoch)", "epoch": "\(epoch)",
                ])
            return
        }
        guard let worker = try await WorkerRepository.gatewayWorker(id: workerID, on: conn) else { return }
        guard worker.connectedAt != nil, let queue = worker.queueName else {
            logger.info("aborted work request's worker is not connected: nothing to tell", metadata: ["worker": "\(worker.name)"])
            return
        }
        let command = AbortCommand(workRequestID: id, epoch: epoch, reason: "work request \(id) was aborted")
        switch try await mailbox.send(.abort, command, to: queue) {
        case .delivered:
            logger.info("worker told to stop the aborted work request", metadata: ["worker": "\(worker.name)", "epoch": "\(epoch)"])
        case .gone:
            try await WorkerRepository.markDisconnected(workerID: worker.id, queue: queue, on: conn)
            logger.warning("abort returned: the worker's queue is gone; worker marked disconnected", metadata: ["worker": "\(worker.name)"])
        }
    }

    // MARK: worker.disabled

    /// Tells a worker that was just disabled, if it is still connected, with Debusine's `TOKEN_DISABLED`
    /// notice (`WorkerConsumer.worker_disabled`, test `test_worker_disabled`), and marks it disconnected: it
    /// stops heartbeats and keeps saying hello until an administrator enables it.
    private func tellDisabledWorker(_ id: WorkerID, _ context: EventContext, on conn: PGConnection) async throws {
        let logger = context.logger
        guard let worker = try await WorkerRepository.gatewayWorker(id: id.rawValue, lock: true, on: conn) else { return }
        guard !worker.enabled else {
            logger.info("worker.disabled: the worker was enabled again since: nothing sent", metadata: ["worker": "\(worker.name)"])
            return
        }
        guard worker.connectedAt != nil, let queue = worker.queueName else {
            logger.info("worker.disabled: the worker is not connected: nothing to tell", metadata: ["worker": "\(worker.name)"])
            return
        }
        let digest = try await TokenRepository.tokens(ofWorker: worker.id, on: conn).last(where: { $0.kind == .worker })?.digest ?? ""
        let refusal = GatewayRefusal(
            reason: GatewayReasons.tokenDisabled(digest: digest), reasonCode: "TOKEN_DISABLED", worker: worker.name,
            advice: GatewayReasons.enableAdvice(for: worker))
        let outcome = try await mailbox.send(.refused, refusal, to: queue)
        try await WorkerRepository.markDisconnected(workerID: worker.id, queue: queue, on: conn)
        logger.notice(
            outcome == .delivered ? "disabled worker told and marked disconnected" : "disabled worker's queue is gone; marked disconnected",
            metadata: ["worker": "\(worker.name)"])
    }
}
