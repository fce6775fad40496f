import Foundation
import KilnCore
import Logging
import Metrics
import Store

/// What handling one worker message decided: the replies to send once the transaction committed, and a
/// short outcome for the log line and the `kiln_worker_messages_total` metric.
struct WorkerMessageOutcome: Sendable {
    var outcome: String
    var replies: [OutboundReply] = []
    /// Log metadata learnt while handling (the worker's name, the work request).
    var metadata: Logger.Metadata = [:]
}

/// Applies worker messages inside one transaction each: authentication, registration and activation
/// (Debusine `server/views/workers.py` `RegisterView.post`), connection and metadata bookkeeping, lease renewal,
/// results under the fencing number.
struct WorkerMessageHandler: Sendable {
    let settings: GatewaySettings
    let service: String

    func handle(_ message: WorkerMessage, logger: Logger, on conn: PGConnection) async throws -> WorkerMessageOutcome {
        switch message {
        case .hello(let hello): try await handleHello(hello, logger: logger, on: conn)
        case .heartbeat(let heartbeat): try await handleHeartbeat(heartbeat, logger: logger, on: conn)
        case .metadata(let update): try await handleMetadata(update, logger: logger, on: conn)
        case .result(let result): try await handleResult(result, logger: logger, on: conn)
        }
    }

    // MARK: hello

    private func handleHello(_ hello: WorkerHello, logger: Logger, on conn: PGConnection) async throws
        -> WorkerMessageOutcome
    {
        let worker: GatewayWorker
        let authentication = try await TokenAuthentication.authenticate(secret: hello.token, on: conn)
        // Before anything is sent to the hello's queue: if it is another connected worker's, nothing is (a
        // refusal there would reach that worker as well as a welcome would).
        var claimant: Int?
        if case .worker(let known, _) = authentication { claimant = known.id }
        if let holder = try await WorkerRepository.connectedWorker(usingQueue: hello.queue, except: claimant, on: conn) {
            return foreignQueue(hello, holder: holder, logger: logger)
        }
        switch authentication {
        case .worker(let known, let token):
            guard known.enabled && token.enabled else { return refuseDisabled(known, queue: hello.queue, session: hello.session) }
            worker = known
        case .wrongKind(let kind):
            return refusal(
                GatewayReasons.tokenRejected, code: "TOKEN_DISABLED", queue: hello.queue, session: hello.session,
                outcome: "refused_invalid_token", advice: "the token is a \(kind.rawValue) token, not a worker token")
        case .unknownToken:
            if let activation = hello.activationToken {
                switch try await activate(hello, activationSecret: activation, on: conn) {
                case nil:
                    return refusal(
                        "Invalid worker activation token", code: "INVALID_ACTIVATION_TOKEN",
                        queue: hello.queue, session: hello.session, outcome: "refused_invalid_activation",
                        advice: "the activation token is unknown, used or expired: create a new one with `kiln worker create`")
                case .refused(let reply)?:
                    return reply
                case .activated(let enabled)?:
                    logger.notice("worker activated with its activation token", metadata: ["worker": "\(enabled.name)"])
                    worker = enabled
                }
            } else {
                if let refused = try await registrationRefusal(hello, logger: logger, on: conn) { return refused }
                let registered = try await WorkerRepository.registerSelf(
                    fqdn: hello.fqdn, workerType: hello.workerType, tokenSecret: hello.token, on: conn)
                logger.notice(
                    "unknown worker registered disabled",
                    metadata: ["worker": "\(registered.name)", "worker.type": "\(registered.workerType.rawValue)"])
                var outcome = refuseDisabled(registered, queue: hello.queue, session: hello.session)
                outcome.outcome = "registered_disabled"
                return outcome
            }
        }
        guard hello.workerType == worker.workerType else {
            return refusal(
                "worker \(worker.name) is registered as \(worker.workerType.rawValue), not \(hello.workerType.rawValue)",
                code: "WORKER_TYPE_MISMATCH", queue: hello.queue, session: hello.session, outcome: "refused_type_mismatch", worker: worker)
        }
        guard try await WorkerRepository.recordConnection(
            workerID: worker.id, queue: hello.queue, metadata: hello.metadata, on: conn)
        else { return refuseDisabled(worker, queue: hello.queue, session: hello.session) }

        let welcome = GatewayWelcome(
            workerID: worker.id, workerName: worker.name,
            heartbeatSeconds: GatewaySettings.wholeSeconds(settings.heartbeat),
            leaseSeconds: GatewaySettings.wholeSeconds(settings.lease), session: hello.session)
        var replies = [OutboundReply(kind: .welcome, body: welcome, queue: hello.queue, workerID: worker.id)]
        // Runs the worker says are still going (it reconnected; its process did not restart) keep their assignment,
        // their lease renewed under the recovery's lock; the ones no longer current are told to stop.
        let recovery = try await ReconnectRecovery(lease: settings.lease, logger: logger)
            .recover(worker: worker, reportedRunning: hello.running ?? [], on: conn)
        replies += recovery.staleRuns.map { staleRunAbort($0, queue: hello.queue, worker: worker) }
        for assignment in recovery.resend {
            replies.append(
                OutboundReply(
                    kind: .assignment, body: assignment, queue: hello.queue, workerID: worker.id,
                    workRequestID: assignment.workRequestID))
        }
        return WorkerMessageOutcome(
            outcome: "welcomed", replies: replies,
            metadata: [
                "worker": "\(worker.name)", "amqp.worker_queue": "\(hello.queue)",
                "recovered": "\(recovery.summary)",
            ])
    }

    private enum Activation {
        case activated(GatewayWorker)
        case refused(WorkerMessageOutcome)
    }

    /// A pre-created worker (`kiln worker create`, deploy/docs/worker.md): a usable activation token enables its pre-created worker with the worker's new token.
    private func activate(_ hello: WorkerHello, activationSecret: String, on conn: PGConnection) async throws
        -> Activation?
    {
        let digest = TokenRepository.digest(of: activationSecret)
        guard let token = try await TokenRepository.find(digest: digest, on: conn),
            TokenAuthentication.constantTimeEqual(token.digest, digest), token.kind == .activation, token.isUsable(),
            let workerID = token.workerID,
            let worker = try await WorkerRepository.gatewayWorker(id: workerID, lock: true, on: conn)
        else { return nil }
        // The admin chose the type when creating the worker (`kiln worker create --type signing` is the
        // explicit step signing workers need); a worker claiming another type is refused, not re-typed.
        guard worker.workerType == hello.workerType else {
            return .refused(
                refusal(
                    "worker \(worker.name) was created as \(worker.workerType.rawValue), not \(hello.workerType.rawValue)",
                    code: "WORKER_TYPE_MISMATCH", queue: hello.queue, session: hello.session, outcome: "refused_type_mismatch", worker: worker))
        }
        try await WorkerRepository.activate(
            workerID: workerID, activationTokenID: token.id, newTokenSecret: hello.token, on: conn)
        var enabled = worker
        enabled.enabled = true
        return .activated(enabled)
    }

    // MARK: heartbeat, metadata

    private func handleHeartbeat(_ heartbeat: WorkerHeartbeat, logger: Logger, on conn: PGConnection) async throws
        -> WorkerMessageOutcome
    {
        let worker: GatewayWorker
        switch try await requireEnabledWorker(token: heartbeat.token, on: conn) {
        case .success(let found): worker = found
        case .failure(let refused): return refused.outcome
        }
        let reconnected = try await WorkerRepository.recordSeen(workerID: worker.id, on: conn)
        var replies: [OutboundReply] = []
        var stale: [String] = []
        for running in heartbeat.running {
            let current = try await WorkerRepository.renewLease(
                workRequestID: running.workRequestID, workerID: worker.id, epoch: running.epoch, lease: settings.lease,
                on: conn)
            if current, let progress = heartbeat.progress?[String(running.workRequestID)] {
                try await WorkerRepository.recordProgress(
                    workRequestID: running.workRequestID, workerID: worker.id, epoch: running.epoch, progress: progress,
                    on: conn)
            }
            guard !current, let queue = worker.queueName else { continue }
            stale.append("\(running.workRequestID)@\(running.epoch)")
            replies.append(staleRunAbort(running, queue: queue, worker: worker))
        }
        var metadata: Logger.Metadata = ["worker": "\(worker.name)", "leases": "\(heartbeat.running.count)"]
        if !stale.isEmpty { metadata["stale_assignments"] = "\(stale.joined(separator: ","))" }
        if reconnected { metadata["reconnected"] = "true" }
        return WorkerMessageOutcome(outcome: stale.isEmpty ? "renewed" : "renewed_with_stale", replies: replies, metadata: metadata)
    }

    /// The `gateway.abort` telling a worker to stop a run that is no longer its current assignment.
    private func staleRunAbort(_ run: RunningAssignment, queue: String, worker: GatewayWorker) -> OutboundReply {
        OutboundReply(
            kind: .abort,
            body: AbortCommand(
                workRequestID: run.workRequestID, epoch: run.epoch,
                reason: "this assignment is no longer current (reassigned, aborted or finished)"),
            queue: queue, workerID: worker.id, workRequestID: run.workRequestID)
    }

    private func handleMetadata(_ update: WorkerMetadataUpdate, logger: Logger, on conn: PGConnection) async throws
        -> WorkerMessageOutcome
    {
        let worker: GatewayWorker
        switch try await requireEnabledWorker(token: update.token, on: conn) {
        case .success(let found): worker = found
        case .failure(let refused): return refused.outcome
        }
        try await WorkerRepository.recordDynamicMetadata(workerID: worker.id, metadata: update.metadata, on: conn)
        return WorkerMessageOutcome(outcome: "metadata_stored", metadata: ["worker": "\(worker.name)"])
    }

    // MARK: result

    private func handleResult(_ report: WorkerResult, logger: Logger, on conn: PGConnection) async throws
        -> WorkerMessageOutcome
    {
        let worker: GatewayWorker
        switch try await requireEnabledWorker(token: report.token, on: conn) {
        case .success(let found): worker = found
        case .failure(let refused):
            count(staleResult: "unauthorised")
            var outcome = refused.outcome
            outcome.metadata["wr.id"] = "\(report.workRequestID)"
            outcome.metadata["epoch"] = "\(report.epoch)"
            return outcome
        }
        try await WorkerRepository.recordSeen(workerID: worker.id, on: conn)
        let metadata: Logger.Metadata = [
            "worker": "\(worker.name)", "wr.id": "\(report.workRequestID)", "epoch": "\(report.epoch)",
            "result": "\(report.result)",
        ]
        let completion = ResultCompletion(logger: logger)
        switch try await completion.complete(report, from: worker, on: conn) {
        case .completed:
            return WorkerMessageOutcome(outcome: "result_accepted", metadata: metadata)
        case .stale(let reason, let category):
            count(staleResult: category)
            logger.warning(
                "stale or foreign result refused",
                metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
            // Debusine answers a refused completion (`UpdateWorkRequestAsCompletedView.put`); so does Kiln.
            let title =
                ["unknown_work_request", "foreign_worker"].contains(category)
                ? "Work request not found" : "Cannot change work request as completed"
            let replies = worker.queueName.map {
                [OutboundReply(
                    kind: .resultRefused,
                    body: ResultRefusal(workRequestID: report.workRequestID, epoch: report.epoch, title: title, detail: reason),
                    queue: $0, workerID: worker.id, workRequestID: report.workRequestID)]
            } ?? []
            return WorkerMessageOutcome(
                outcome: "result_refused", replies: replies, metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
        }
    }

    private func count(staleResult category: String) {
        Counter(label: "kiln_gateway_results_refused_total", dimensions: [("service", service), ("reason", category)])
            .increment()
    }

    // MARK: refusals

    private struct Refused: Error {
        var outcome: WorkerMessageOutcome
    }

    /// The enabled worker owning `token`, or the refusal to send (to the worker's known queue, if any).
    private func requireEnabledWorker(token: String, on conn: PGConnection) async throws -> Result<GatewayWorker, Refused> {
        switch try await TokenAuthentication.authenticate(secret: token, on: conn) {
        case .worker(let worker, let record):
            guard worker.enabled && record.enabled else {
                return .failure(Refused(outcome: refuseDisabled(worker, queue: worker.queueName, session: nil)))
            }
            return .success(worker)
        case .unknownToken:
            // No queue is known for an unknown token: nothing can be answered.
            return .failure(Refused(outcome: WorkerMessageOutcome(outcome: "refused_unknown_token")))
        case .wrongKind(let kind):
            return .failure(
                Refused(outcome: WorkerMessageOutcome(outcome: "refused_invalid_token", metadata: ["token.kind": "\(kind.rawValue)"])))
        }
    }

    /// `gateway.refused` with `TOKEN_DISABLED` and Debusine's reason (`WorkerConsumer.connect`), carrying the
    /// worker's name and the admin command that enables it apart.
    private func refuseDisabled(_ worker: GatewayWorker, queue: String?, session: String?) -> WorkerMessageOutcome {
        refusal(
            GatewayReasons.tokenRejected, code: "TOKEN_DISABLED", queue: queue, session: session,
            outcome: "refused_disabled", worker: worker, advice: GatewayReasons.enableAdvice(for: worker))
    }

    /// A refusal, sent to `queue` when one is known, echoing the `session` of the hello it answers.
    private func refusal(
        _ reason: String, code: String, queue: String?, session: String?, outcome: String, worker: GatewayWorker? = nil,
        advice: String? = nil
    ) -> WorkerMessageOutcome {
        var metadata: Logger.Metadata = ["reason_code": "\(code)"]
        if let worker { metadata["worker"] = "\(worker.name)" }
        let replies = queue.map {
            [OutboundReply(
                kind: .refused,
                body: GatewayRefusal(
                    reason: reason, reasonCode: code, session: session, worker: worker?.name, advice: advice),
                queue: $0, workerID: nil)]
        } ?? []
        return WorkerMessageOutcome(outcome: outcome, replies: replies, metadata: metadata)
    }

    /// The refusal of a self-registration beyond the configured bounds, or `nil` when it may go ahead: at most
    /// `KILN_GATEWAY_REGISTRATION_LIMIT` self-registered workers waiting for an admin, at most
    /// `KILN_GATEWAY_REGISTRATIONS_PER_MINUTE` new ones a minute (counted in PostgreSQL, so across replicas).
    private func registrationRefusal(_ hello: WorkerHello, logger: Logger, on conn: PGConnection) async throws
        -> WorkerMessageOutcome?
    {
        try await WorkerRepository.lockSelfRegistration(on: conn)
        let pending = try await WorkerRepository.pendingRegistrations(within: .seconds(60), on: conn)
        let (code, reason): (String, String)
        if pending.total >= settings.registrationLimit {
            code = "REGISTRATION_LIMIT"
            reason = settings.registrationLimit == 0
                ? "self-registration is turned off (KILN_GATEWAY_REGISTRATION_LIMIT=0): an admin must create this worker with `kiln worker create`"
                : "\(pending.total) self-registered workers already wait for an admin (KILN_GATEWAY_REGISTRATION_LIMIT="
                    + "\(settings.registrationLimit)); enable or purge them (`kiln worker purge --never-enabled --older-than …`)"
        } else if pending.recent >= settings.registrationsPerMinute {
            code = "REGISTRATION_RATE"
            reason = "too many self-registrations in the last minute (KILN_GATEWAY_REGISTRATIONS_PER_MINUTE="
                + "\(settings.registrationsPerMinute)); try again later"
        } else {
            return nil
        }
        Counter(label: "kiln_gateway_registrations_refused_total", dimensions: [("reason_code", code)]).increment()
        logger.warning(
            "self-registration refused", metadata: ["reason_code": "\(code)", "fqdn": "\(hello.fqdn)", "reason": "\(reason)"])
        return refusal(
            reason, code: code, queue: hello.queue, session: hello.session, outcome: "refused_registration")
    }

    /// A hello whose reply queue is another connected worker's: answered on no queue (an answer there would
    /// reach that worker), logged and counted (`kiln_worker_messages_total{outcome="refused_queue_in_use"}`).
    private func foreignQueue(_ hello: WorkerHello, holder: (id: Int, name: String), logger: Logger) -> WorkerMessageOutcome {
        logger.warning(
            "hello refused: its reply queue belongs to another connected worker; nothing sent to that queue",
            metadata: ["amqp.worker_queue": "\(hello.queue)", "queue.holder": "\(holder.name)", "fqdn": "\(hello.fqdn)"])
        return WorkerMessageOutcome(
            outcome: "refused_queue_in_use", replies: [],
            metadata: ["reason_code": "QUEUE_IN_USE", "queue.holder": "\(holder.name)"])
    }
}
