import AMQP
import Foundation
import KilnCore
import Logging

/// The worker's side of the protocol (Debusine's worker API — `server/consumers.py` `WorkerConsumer`,
/// `server/views/workers.py` — over AMQP) as a pure state machine: hello until welcomed, heartbeats while welcomed,
/// assignments started and their results kept until the broker confirms them, aborts obeyed, all again after a
/// reconnect. It does no I/O and reads no clock: every input carries `now`, and what must happen in the world comes
/// back as ``Effect``s and as ``nextStep(at:)``'s message to send, which `WorkerAgent` (the thin driver) carries out.
/// So every rule is tested without a broker (`WorkerProtocolTests`).
public struct WorkerProtocol: Sendable {
    /// Where the worker is in the hello/welcome handshake.
    public enum Phase: Sendable, Equatable {
        /// Not connected yet: no queue to give the gateway.
        case waitingForQueue
        /// Hello sent (or to send) for this queue; no answer yet.
        case greeting(queue: String)
        /// The gateway accepted the worker.
        case welcomed(queue: String, workerName: String, heartbeat: Duration)
        /// The gateway refused the worker (e.g. registered but disabled); hello is retried with backoff so that
        /// `kiln worker enable` takes effect without a restart.
        case refused(queue: String, reasonCode: String)
    }

    /// What the driver must do.
    public enum Effect: Sendable, Equatable {
        /// Run this assignment (its result comes back through ``runFinished(_:result:at:)``).
        case start(WorkAssignment)
        /// Stop the run of this work request; it reports nothing.
        case abort(workRequestID: Int)
        /// The `gateway` readiness condition of `/health/ready`.
        case ready(Bool)
        /// The gateway's name for this worker, for the log lines that follow.
        case workerName(String)
        /// A log line.
        case log(Logger.Level, String, [String: String])
        /// A counter to increment (metric label, dimensions).
        case count(String, [String: String])
        /// Stop the process with this status: the gateway refused something no retry can mend.
        case exit(Int32)
    }

    /// The exit status of a worker whose registration was refused (Debusine `worker/_worker.py` `_fail`, after
    /// `Could not register`).
    public static let registrationRefusedStatus: Int32 = 3

    /// A message to send now.
    public enum Step: Sendable, Equatable {
        case results([WorkerResult])
        case hello(WorkerHello)
        case heartbeat(WorkerHeartbeat)
        /// The host's metadata changed since the gateway last had it (`worker.metadata-update`).
        case metadata(WorkerMetadataUpdate)
        /// Nothing is due for this long (at most a second).
        case nothing(Duration)
    }

    /// Who this worker is, as its hello says.
    public struct Identity: Sendable {
        public var token: String
        public var activationToken: String?
        public var fqdn: String
        public var workerType: WorkerType
        public var metadata: [String: JSONValue]
        /// Sent with every hello and echoed by the gateway: an answer carrying another session was caused by
        /// someone else's hello naming this worker's queue, and is ignored. Random per process, never logged.
        public var session: String

        public init(
            token: String, activationToken: String?, fqdn: String, workerType: WorkerType, metadata: [String: JSONValue],
            session: String = UUID().uuidString.lowercased()
        ) {
            self.token = token
            self.activationToken = activationToken
            self.fqdn = fqdn
            self.workerType = workerType
            self.metadata = metadata
            self.session = session
        }
    }

    public private(set) var phase: Phase = .waitingForQueue
    public private(set) var identity: Identity
    /// The assignments running, by work request: their epochs.
    public private(set) var running: [Int: Int] = [:]
    /// Results finished but not confirmed by the broker yet.
    public private(set) var unsentResults: [WorkerResult] = []
    public private(set) var draining = false
    private var helloBackoff: Backoff
    private var nextHelloAt: ContinuousClock.Instant?
    private var nextHeartbeatAt: ContinuousClock.Instant?
    private var resultBackoff = Backoff(initial: .milliseconds(500), maximum: .seconds(30))
    private var nextResultAttemptAt: ContinuousClock.Instant?
    /// Recently finished (work request, epoch) pairs, so a redelivered assignment is not run twice.
    private var finished: [RunningAssignment] = []
    /// Metadata the gateway is known to have: sent with a hello (repeated until answered) or in a
    /// `worker.metadata-update` the broker confirmed.
    private var sentMetadata: [String: JSONValue]?
    /// A `worker.metadata-update` is due (set by a probe whose metadata the gateway does not have).
    private var metadataChanged = false

    /// A worker not connected yet; a refused hello is retried after a backoff up to `helloRetryMaximum`.
    public init(identity: Identity, helloRetryMaximum: Duration) {
        self.identity = identity
        helloBackoff = Backoff(initial: .seconds(1), maximum: helloRetryMaximum)
    }

    /// True when nothing runs and every result has been confirmed.
    public var isIdle: Bool { running.isEmpty && unsentResults.isEmpty }

    private var currentQueue: String? {
        switch phase {
        case .waitingForQueue: nil
        case .greeting(let queue), .refused(let queue, _), .welcomed(let queue, _, _): queue
        }
    }

    // MARK: Inputs

    /// A new private queue exists (first connection or a reconnect): the gateway must learn it, so the
    /// handshake starts over with a new hello.
    public mutating func queueDeclared(_ queue: String, at now: ContinuousClock.Instant) -> [Effect] {
        phase = .greeting(queue: queue)
        helloBackoff.reset()
        nextHelloAt = now
        nextHeartbeatAt = nil
        return [.log(.info, "private queue ready; sending hello", ["amqp.queue": queue]), .ready(false)]
    }

    /// One message from the private queue, by its `type` (nil: none). Every message is either acted on or,
    /// when unusable, logged and dropped — redelivering it would not make it usable.
    public mutating func received(
        type: String?, body: [UInt8], messageID: String?, at now: ContinuousClock.Instant
    ) -> [Effect] {
        guard let type, let kind = GatewayMessageKind(rawValue: type) else {
            return [
                .log(.error, "message of unknown type dropped", ["msg.id": messageID ?? "", "msg.type": type ?? "(none)"])
            ]
        }
        do {
            switch kind {
            case .welcome:
                let welcome = try MessageCodec.decode(GatewayWelcome.self, from: body)
                // A gateway older than the session echo sends none: accepted, as the gateway itself refuses a
                // hello naming a connected worker's queue.
                if welcome.session == nil { return welcomed(welcome, at: now) }
                return answersThisWorker(welcome.session, kind: kind) ?? welcomed(welcome, at: now)
            case .refused:
                let refusal = try MessageCodec.decode(GatewayRefusal.self, from: body)
                // A refusal of a later message (a heartbeat, once welcomed) carries no session; one answering a
                // hello must carry this worker's.
                if case .welcomed = phase, refusal.session == nil { return refused(refusal, at: now) }
                return answersThisWorker(refusal.session, kind: kind) ?? refused(refusal, at: now)
            case .assignment: return assigned(try MessageCodec.decode(WorkAssignment.self, from: body), at: now)
            case .abort: return abort(try MessageCodec.decode(AbortCommand.self, from: body))
            case .resultRefused:
                let refusal = try MessageCodec.decode(ResultRefusal.self, from: body)
                return [
                    .count("kiln_worker_results_refused_total", [:]),
                    .log(
                        .error, "result refused by the gateway: \(refusal.title)",
                        ["wr.id": "\(refusal.workRequestID)", "epoch": "\(refusal.epoch)", "detail": refusal.detail]),
                ]
            }
        } catch {
            var effects: [Effect] = [
                .log(.error, "undecodable message dropped", ["msg.id": messageID ?? "", "msg.type": type, "error": "\(error)"])
            ]
            if kind == .assignment { effects += reportUndecodableAssignment(body, error: error, at: now) }
            return effects
        }
    }

    /// A run ended: with its result, or nil when it was cancelled (an aborted task reports nothing).
    public mutating func runFinished(
        _ key: RunningAssignment, result: WorkerResult?, at now: ContinuousClock.Instant
    ) -> [Effect] {
        guard running[key.workRequestID] == key.epoch else { return [] }  // aborted or replaced: report nothing
        running[key.workRequestID] = nil
        remember(key)
        guard let result else { return [] }
        unsentResults.append(result)
        nextResultAttemptAt = now
        return [
            .log(
                .info, "assignment finished",
                [
                    "wr.id": "\(key.workRequestID)", "epoch": "\(key.epoch)", "result": result.result,
                    "output_data": JSONValue.object(result.outputData ?? [:]).compactJSON,
                ]),
            .count("kiln_worker_results_total", ["result": result.result]),
        ]
    }

    /// The broker confirmed `confirmed` (in order); `failure` says why the next one was not.
    public mutating func resultsSent(
        _ confirmed: [WorkerResult], failure: String?, at now: ContinuousClock.Instant
    ) -> [Effect] {
        var effects: [Effect] = []
        for result in confirmed {
            unsentResults.removeAll { $0 == result }
            effects.append(
                .log(.info, "result sent", ["wr.id": "\(result.workRequestID)", "epoch": "\(result.epoch)", "result": result.result]))
        }
        if let failure {
            let delay = resultBackoff.next()
            nextResultAttemptAt = now + delay
            effects.append(
                .log(
                    .warning, "result not confirmed by the broker; kept and retried",
                    ["error": failure, "unsent": "\(unsentResults.count)", "retry_in_ms": "\(delay.wholeMilliseconds)"]))
        } else {
            resultBackoff.reset()
        }
        return effects
    }

    /// First SIGTERM: take no new assignment; running ones finish and report.
    public mutating func beginDrain() -> [Effect] {
        draining = true
        return [.log(.notice, "shutting down: no new assignments; waiting for running ones", ["running": "\(running.count)"])]
    }

    /// Second SIGTERM: stop what runs. Nothing is reported for it, so its lease expires and the work request is
    /// retried on another worker (the Debusine 0.16 retry rules), rather than being failed by a shutdown.
    public mutating func abortAll() -> [Effect] {
        var effects: [Effect] = []
        for (id, epoch) in running.sorted(by: { $0.key < $1.key }) {
            effects.append(.log(.warning, "assignment aborted by shutdown; not reported", ["wr.id": "\(id)", "epoch": "\(epoch)"]))
            effects.append(.abort(workRequestID: id))
            remember(RunningAssignment(workRequestID: id, epoch: epoch))
        }
        running.removeAll()
        return effects
    }

    /// The host was probed again (Debusine's worker recomputes its metadata whenever its server asks, every
    /// hour): metadata that changed replaces what hellos carry and, once welcomed, goes to the gateway as
    /// `worker.metadata-update`, whose `worker.metadata` makes the tag-computer recompute the worker's tags.
    ///
    /// Compared with what the gateway is known to have, so an update the broker did not take is sent again after
    /// the next probe.
    public mutating func metadataProbed(_ metadata: [String: JSONValue]) -> [Effect] {
        identity.metadata = metadata
        guard metadata != sentMetadata else { return [] }
        metadataChanged = true
        return [.log(.notice, "host metadata changed; sending it to the gateway", [:])]
    }

    /// The broker confirmed a `worker.metadata-update`: the gateway has `metadata`.
    public mutating func metadataSent(_ metadata: [String: JSONValue]) -> [Effect] {
        sentMetadata = metadata
        return []
    }

    // MARK: Output

    /// What to send now, if anything (results first, then hello, then a metadata update, then heartbeat), with the next sends
    /// scheduled; otherwise how long nothing is due.
    public mutating func nextStep(at now: ContinuousClock.Instant) -> Step {
        if !unsentResults.isEmpty, let due = nextResultAttemptAt, now >= due {
            // Sent as one round; the next round waits for ``resultsSent(_:failure:at:)`` to say how it went.
            nextResultAttemptAt = nil
            return .results(unsentResults)
        }
        if let queue = currentQueue, let due = nextHelloAt, now >= due {
            // Retried until an answer comes, as a lost hello (gateway down, message dropped) must not leave the
            // worker waiting for ever; welcome or refusal replaces this schedule.
            nextHelloAt = now + helloBackoff.next()
            metadataChanged = false  // the hello carries the metadata
            sentMetadata = identity.metadata
            return .hello(
                WorkerHello(
                    token: identity.token, activationToken: identity.activationToken, fqdn: identity.fqdn,
                    workerType: identity.workerType, queue: queue, metadata: identity.metadata, session: identity.session,
                    running: heldAssignments))
        }
        if case .welcomed = phase, metadataChanged {
            metadataChanged = false
            return .metadata(WorkerMetadataUpdate(token: identity.token, metadata: identity.metadata))
        }
        if case .welcomed(_, _, let heartbeat) = phase, let due = nextHeartbeatAt, now >= due {
            nextHeartbeatAt = now + heartbeat
            return .heartbeat(WorkerHeartbeat(token: identity.token, running: runningAssignments))
        }
        var due = now + .seconds(1)
        if !unsentResults.isEmpty, let attempt = nextResultAttemptAt { due = min(due, attempt) }
        if currentQueue != nil, let hello = nextHelloAt { due = min(due, hello) }
        if case .welcomed = phase, let heartbeat = nextHeartbeatAt { due = min(due, heartbeat) }
        return .nothing(max(.zero, due - now))
    }

    /// The runs in progress, by work request: what heartbeats renew.
    private var runningAssignments: [RunningAssignment] {
        running.map { RunningAssignment(workRequestID: $0.key, epoch: $0.value) }.sorted { $0.workRequestID < $1.workRequestID }
    }

    /// What a hello asks the gateway to keep: the runs in progress and the finished ones whose result is not sent
    /// yet (a result sent after the hello must still find its assignment current).
    private var heldAssignments: [RunningAssignment] {
        let finished = unsentResults.map { RunningAssignment(workRequestID: $0.workRequestID, epoch: $0.epoch) }
        return Array(Set(runningAssignments + finished)).sorted {
            ($0.workRequestID, $0.epoch) < ($1.workRequestID, $1.epoch)
        }
    }

    // MARK: Transitions

    /// `nil` when an answer to a hello answers THIS process's hello (the gateway echoes the hello's session);
    /// otherwise the effects of dropping it: acting on it would make this worker take another worker's
    /// identity (issue 10: a forged hello naming this worker's queue).
    private func answersThisWorker(_ answeredSession: String?, kind: GatewayMessageKind) -> [Effect]? {
        guard answeredSession != identity.session else { return nil }
        return [
            .log(
                .warning, "ignored a \(kind.rawValue) that answers another client's hello (it named this worker's queue)",
                ["msg.type": kind.rawValue]),
            .count("kiln_worker_foreign_answers_total", ["type": kind.rawValue]),
        ]
    }

    private mutating func welcomed(_ welcome: GatewayWelcome, at now: ContinuousClock.Instant) -> [Effect] {
        guard let queue = currentQueue else { return [] }
        let heartbeat = Duration.seconds(max(1, welcome.heartbeatSeconds))
        phase = .welcomed(queue: queue, workerName: welcome.workerName, heartbeat: heartbeat)
        var effects: [Effect] = [.workerName(welcome.workerName)]
        if identity.activationToken != nil {
            effects.append(
                .log(.notice, "activation token used; KILN_WORKER_ACTIVATION_TOKEN can be removed from the configuration", [:]))
            identity.activationToken = nil
        }
        effects += [
            .log(
                .info, "welcomed by the gateway",
                [
                    "worker.id": "\(welcome.workerID)", "heartbeat_s": "\(welcome.heartbeatSeconds)",
                    "lease_s": "\(welcome.leaseSeconds)",
                ]),
            .ready(true), .count("kiln_worker_welcomes_total", [:]),
        ]
        nextHelloAt = nil
        nextHeartbeatAt = now
        if !unsentResults.isEmpty { nextResultAttemptAt = now }
        return effects
    }

    private mutating func refused(_ refusal: GatewayRefusal, at now: ContinuousClock.Instant) -> [Effect] {
        guard let queue = currentQueue else { return [] }
        phase = .refused(queue: queue, reasonCode: refusal.reasonCode)
        nextHeartbeatAt = nil
        if refusal.reasonCode == "INVALID_ACTIVATION_TOKEN" {
            // Debusine's worker exits when its registration is refused (`_register`, `_fail`): no retry makes an
            // unknown, used or expired activation token valid. Only a hello before the first welcome carries one,
            // so no work is running.
            nextHelloAt = nil
            return [
                .ready(false), .count("kiln_worker_refusals_total", ["reason_code": refusal.reasonCode]),
                .log(
                    .critical,
                    "refused by the gateway: \(refusal.advice ?? refusal.reason); exiting",
                    ["reason_code": refusal.reasonCode, "reason": refusal.reason]),
                .exit(Self.registrationRefusedStatus),
            ]
        }
        // The hello just answered scheduled its own retry (`nextStep`); a refusal keeps that schedule rather than
        // advancing the backoff a second time.
        let due = nextHelloAt ?? now + helloBackoff.next()
        nextHelloAt = due
        let delay = max(.zero, due - now)
        // The gateway's advice names the worker as `kiln worker` knows it; without one, say what can be said.
        let advice =
            refusal.advice
            ?? (refusal.reasonCode == "TOKEN_DISABLED"
                ? "the worker is not enabled: `kiln worker list` shows its name, `kiln worker enable NAME` enables it"
                : "the gateway refused this worker")
        var metadata: [String: String] = [
            "reason_code": refusal.reasonCode, "reason": refusal.reason, "retry_in_ms": "\(delay.wholeMilliseconds)",
        ]
        if let worker = refusal.worker { metadata["worker"] = worker }
        return [
            .ready(false), .count("kiln_worker_refusals_total", ["reason_code": refusal.reasonCode]),
            .log(.error, "refused by the gateway: \(advice); retrying hello", metadata),
        ]
    }

    private mutating func assigned(_ assignment: WorkAssignment, at now: ContinuousClock.Instant) -> [Effect] {
        let id = assignment.workRequestID
        let metadata = ["wr.id": "\(id)", "epoch": "\(assignment.epoch)"]
        guard !draining else {
            // Not started, nothing reported: the lease expires and the scheduler retries the work request.
            return [.log(.warning, "assignment not started: the worker is shutting down", metadata)]
        }
        let key = RunningAssignment(workRequestID: id, epoch: assignment.epoch)
        if running[id] == assignment.epoch || finished.contains(key)
            || unsentResults.contains(where: { $0.workRequestID == id && $0.epoch == assignment.epoch })
        {
            return [.log(.info, "duplicate assignment ignored", metadata)]
        }
        var effects: [Effect] = []
        if let previous = running.removeValue(forKey: id) {
            effects += [
                .log(.warning, "assignment replaces a run of an older epoch", metadata.merging(["old_epoch": "\(previous)"]) { $1 }),
                .abort(workRequestID: id),
            ]
        }
        running[id] = assignment.epoch
        return effects + [
            .count("kiln_worker_assignments_total", [:]),
            .log(.info, "assignment started", metadata.merging(["task": "\(assignment.taskType.rawValue):\(assignment.taskName)"]) { $1 }),
            .start(assignment),
        ]
    }

    private mutating func abort(_ command: AbortCommand) -> [Effect] {
        let metadata = ["wr.id": "\(command.workRequestID)", "epoch": "\(command.epoch)", "reason": command.reason]
        guard running[command.workRequestID] == command.epoch else {
            return [.log(.info, "abort ignored: the work request is not running here under this epoch", metadata)]
        }
        running[command.workRequestID] = nil
        remember(RunningAssignment(workRequestID: command.workRequestID, epoch: command.epoch))
        // An aborted task reports nothing (Debusine `worker/_worker.py` `Worker.report_task_result`).
        return [
            .abort(workRequestID: command.workRequestID), .count("kiln_worker_aborts_total", [:]),
            .log(.notice, "assignment aborted; no result will be reported", metadata),
        ]
    }

    /// An assignment whose body does not decode cannot run; if its id and epoch can still be read, the gateway
    /// gets an `error` result instead of waiting for the lease to expire.
    private mutating func reportUndecodableAssignment(
        _ body: [UInt8], error: any Error, at now: ContinuousClock.Instant
    ) -> [Effect] {
        guard let json = try? JSONValue.parse(bytes: body).objectValue, let id = json["work_request_id"]?.intValue,
            let epoch = json["epoch"]?.intValue
        else { return [] }
        unsentResults.append(
            WorkerResult(
                token: identity.token, workRequestID: id, epoch: epoch, result: "error",
                outputData: [
                    "errors": .array([AssignmentRunner.error(.undecodableAssignment, "undecodable assignment: \(error)")])
                ]))
        nextResultAttemptAt = now
        return []
    }

    private mutating func remember(_ key: RunningAssignment) {
        finished.append(key)
        if finished.count > 1000 { finished.removeFirst(finished.count - 1000) }
    }
}
