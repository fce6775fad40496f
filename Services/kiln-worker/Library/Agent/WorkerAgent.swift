import AMQP
import Foundation
import KilnCore
import Logging
import Metrics
import ServiceKit

/// The worker's protocol state machine (§2.6 over AMQP): hello until welcomed, heartbeats while welcomed,
/// assignments run and their results sent with their epoch, aborts obeyed, all again after a reconnect.
///
/// Inbound messages arrive through ``handle(_:)`` (the consumer of the worker's private queue) and
/// ``queueDeclared(_:)`` (each new server-named queue). Everything the worker sends is sent by
/// ``runControlLoop()``, the only caller of the publisher, so a slow or reconnecting broker delays messages
/// but never reorders or duplicates them by accident. Results are kept until the broker confirms them
/// (at-least-once; the gateway's epoch check drops duplicates). Assignments run as child tasks of
/// ``runAssignments()`` (structured: a shutdown waits for them or aborts them, nothing outlives it).
/// `WorkerAgentService` runs the three loops in the process's service group.
public actor WorkerAgent {
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

    private struct RunningWork {
        var epoch: Int
        /// Finishing it aborts the run (see ``runAssignments()``).
        var abort: AsyncStream<Void>.Continuation
    }

    /// An assignment handed to ``runAssignments()``: its work, and the stream whose end aborts it.
    private struct Launch: Sendable {
        var run: @Sendable () async -> Void
        var aborted: AsyncStream<Void>
    }

    private let configuration: WorkerConfiguration
    private let token: String
    private var activationToken: String?
    private let metadata: [String: JSONValue]
    private let runner: AssignmentRunner
    private let publisher: AMQPPublisher
    private let routing: GatewayRouting
    private let readiness: Readiness?
    private var logger: Logger

    public private(set) var phase: Phase = .waitingForQueue
    private var helloBackoff: Backoff
    // Each schedule change wakes the control loop, which otherwise sleeps until the earliest of them: a
    // result is sent the moment its task ends (a 100 ms poll here was most of a noop's run time).
    private var nextHelloAt: ContinuousClock.Instant? { didSet { controlLoopWake.signal() } }
    private var nextHeartbeatAt: ContinuousClock.Instant? { didSet { controlLoopWake.signal() } }
    private var running: [Int: RunningWork] = [:]
    private var unsentResults: [WorkerResult] = []
    private var resultBackoff = Backoff(initial: .milliseconds(500), maximum: .seconds(30))
    private var nextResultAttemptAt = ContinuousClock.now { didSet { controlLoopWake.signal() } }
    private nonisolated let controlLoopWake = WakeSignal()
    /// Recently finished (work request, epoch) pairs, so a redelivered assignment is not run twice.
    private var finished: [RunningAssignment] = []
    private var draining = false
    private let clock = ContinuousClock()
    private nonisolated let launches: AsyncStream<Launch>
    private nonisolated let launcher: AsyncStream<Launch>.Continuation
    /// Rung whenever a run ends or results are confirmed: ``waitUntilIdle()`` re-checks then.
    private nonisolated let idleCheck = WakeSignal()

    public init(
        configuration: WorkerConfiguration, token: String, metadata: [String: JSONValue], registry: TaskRegistry,
        publisher: AMQPPublisher, readiness: Readiness? = nil, logger: Logger
    ) {
        self.configuration = configuration
        self.token = token
        self.activationToken = configuration.activationToken
        self.metadata = metadata
        self.runner = AssignmentRunner(registry: registry, workerType: configuration.workerType, token: token)
        self.publisher = publisher
        self.routing = GatewayRouting(prefix: configuration.gatewayRoutingPrefix)
        self.readiness = readiness
        self.logger = logger
        self.helloBackoff = Backoff(initial: .seconds(1), maximum: configuration.helloRetryMaximum)
        (launches, launcher) = AsyncStream.makeStream(of: Launch.self)
    }

    /// Sent with every hello and echoed by the gateway: an answer carrying another session was caused by
    /// someone else's hello naming this worker's queue, and is ignored (see ``isForThisWorker(_:kind:)``).
    /// Random per process, never logged.
    let session = UUID().uuidString.lowercased()

    // MARK: Inbound

    /// A new private queue exists (first connection or a reconnect): the gateway must learn it, so the
    /// handshake starts over with a new hello.
    public func queueDeclared(_ queue: String) {
        logger.info("private queue ready; sending hello", metadata: ["amqp.queue": "\(queue)"])
        phase = .greeting(queue: queue)
        readiness?.set("gateway", false)
        helloBackoff.reset()
        nextHelloAt = clock.now
        nextHeartbeatAt = nil
    }

    /// Handles one message from the private queue (the caller acks it afterwards: every message is either
    /// acted on or, when unusable, logged and dropped — redelivering it would not make it usable).
    public func handle(_ delivery: Delivery) {
        guard let type = delivery.properties.type, let kind = GatewayMessageKind(rawValue: type) else {
            logger.error(
                "message of unknown type dropped",
                metadata: ["msg.id": "\(delivery.properties.messageID ?? "")", "msg.type": "\(delivery.properties.type ?? "(none)")"])
            return
        }
        do {
            switch kind {
            case .welcome:
                let welcome = try MessageCodec.decode(GatewayWelcome.self, from: delivery.body)
                // A gateway older than the session echo sends none: accepted, as the gateway itself refuses a
                // hello naming a connected worker's queue.
                if welcome.session == nil || isForThisWorker(welcome.session, kind: kind) { welcomed(welcome) }
            case .refused:
                let refusal = try MessageCodec.decode(GatewayRefusal.self, from: delivery.body)
                // A refusal of a later message (a heartbeat, once welcomed) carries no session; one answering a
                // hello must carry this worker's.
                let answersHeartbeat: Bool
                if case .welcomed = phase { answersHeartbeat = refusal.session == nil } else { answersHeartbeat = false }
                if answersHeartbeat || isForThisWorker(refusal.session, kind: kind) { refused(refusal) }
            case .assignment: assigned(try MessageCodec.decode(WorkAssignment.self, from: delivery.body))
            case .abort: abort(try MessageCodec.decode(AbortCommand.self, from: delivery.body))
            }
        } catch {
            logger.error(
                "undecodable message dropped",
                metadata: ["msg.id": "\(delivery.properties.messageID ?? "")", "msg.type": "\(type)", "error": "\(error)"])
            if kind == .assignment { reportUndecodableAssignment(delivery.body, error: error) }
        }
    }

    /// Whether an answer to a hello answers THIS process's hello: the gateway echoes the hello's session. One
    /// that does not is logged, counted and dropped: acting on it would make this worker take another
    /// worker's identity (issue 10: a forged hello naming this worker's queue).
    private func isForThisWorker(_ answeredSession: String?, kind: GatewayMessageKind) -> Bool {
        guard answeredSession != session else { return true }
        logger.warning(
            "ignored a \(kind.rawValue) that answers another client's hello (it named this worker's queue)",
            metadata: ["msg.type": "\(kind.rawValue)"])
        Counter(label: "kiln_worker_foreign_answers_total", dimensions: [("type", kind.rawValue)]).increment()
        return false
    }

    private func welcomed(_ welcome: GatewayWelcome) {
        guard let queue = currentQueue else { return }
        let heartbeat = Duration.seconds(max(1, welcome.heartbeatSeconds))
        phase = .welcomed(queue: queue, workerName: welcome.workerName, heartbeat: heartbeat)
        logger[metadataKey: "worker"] = "\(welcome.workerName)"
        if activationToken != nil {
            logger.notice("activation token used; KILN_WORKER_ACTIVATION_TOKEN can be removed from the configuration")
            activationToken = nil
        }
        logger.info(
            "welcomed by the gateway",
            metadata: [
                "worker.id": "\(welcome.workerID)", "heartbeat_s": "\(welcome.heartbeatSeconds)",
                "lease_s": "\(welcome.leaseSeconds)",
            ])
        readiness?.set("gateway", true)
        Counter(label: "kiln_worker_welcomes_total").increment()
        nextHelloAt = nil
        nextHeartbeatAt = clock.now
        nextResultAttemptAt = clock.now
    }

    private func refused(_ refusal: GatewayRefusal) {
        guard let queue = currentQueue else { return }
        phase = .refused(queue: queue, reasonCode: refusal.reasonCode)
        readiness?.set("gateway", false)
        Counter(label: "kiln_worker_refusals_total", dimensions: [("reason_code", refusal.reasonCode)]).increment()
        nextHeartbeatAt = nil
        let delay = helloBackoff.next()
        nextHelloAt = clock.now + delay
        let advice =
            refusal.reasonCode == "TOKEN_DISABLED"
            ? "the worker is registered but disabled: an admin must run `kiln worker enable \(configuration.fqdn)`"
            : "the gateway refused this worker"
        logger.error(
            "refused by the gateway: \(advice); retrying hello",
            metadata: [
                "reason": "\(refusal.reason)", "reason_code": "\(refusal.reasonCode)",
                "retry_in_ms": "\(delay.wholeMilliseconds)",
            ])
    }

    private func assigned(_ assignment: WorkAssignment) {
        let id = assignment.workRequestID
        var log = logger
        log[metadataKey: "wr.id"] = "\(id)"
        log[metadataKey: "epoch"] = "\(assignment.epoch)"
        guard !draining else {
            // Not started, nothing reported: the lease expires and the scheduler retries the work request.
            log.warning("assignment not started: the worker is shutting down")
            return
        }
        let key = RunningAssignment(workRequestID: id, epoch: assignment.epoch)
        if running[id]?.epoch == assignment.epoch || finished.contains(key)
            || unsentResults.contains(where: { $0.workRequestID == id && $0.epoch == assignment.epoch })
        {
            log.info("duplicate assignment ignored")
            return
        }
        if let previous = running.removeValue(forKey: id) {
            log.warning("assignment replaces a run of an older epoch", metadata: ["old_epoch": "\(previous.epoch)"])
            previous.abort.finish()
        }
        Counter(label: "kiln_worker_assignments_total").increment()
        log.info("assignment started", metadata: ["task": "\(assignment.taskType.rawValue):\(assignment.taskName)"])
        let runner = self.runner
        let runLogger = log
        let (aborted, abort) = AsyncStream.makeStream(of: Void.self)
        running[id] = RunningWork(epoch: assignment.epoch, abort: abort)
        launcher.yield(
            Launch(
                run: {
                    let result = await runner.run(assignment, logger: runLogger)
                    await self.completed(key, result: result)
                },
                aborted: aborted))
    }

    /// Runs every assignment as a child task until ``endAssignments()`` and the runs have ended. A run ends
    /// when its work does or when it is aborted (the gateway's abort, a replacing epoch, a second SIGTERM):
    /// its task is then cancelled and its result, if any, ignored.
    public nonisolated func runAssignments() async {
        await withDiscardingTaskGroup { group in
            for await launch in launches {
                group.addTask {
                    await withTaskGroup(of: Void.self) { run in
                        run.addTask { await launch.run() }
                        run.addTask { for await _ in launch.aborted {} }
                        await run.next()
                        run.cancelAll()
                    }
                }
            }
        }
    }

    /// No more assignments will start: ``runAssignments()`` returns once the running ones ended.
    public func endAssignments() {
        launcher.finish()
    }

    private func completed(_ key: RunningAssignment, result: WorkerResult?) {
        guard let work = running[key.workRequestID], work.epoch == key.epoch else { return }  // aborted or replaced: report nothing
        running[key.workRequestID] = nil
        work.abort.finish()
        idleCheck.signal()
        remember(key)
        guard let result else { return }
        logger.info(
            "assignment finished",
            metadata: [
                "wr.id": "\(key.workRequestID)", "epoch": "\(key.epoch)", "result": "\(result.result)",
                "output_data": "\(JSONValue.object(result.outputData ?? [:]).compactJSON)",
            ])
        Counter(label: "kiln_worker_results_total", dimensions: [("result", result.result)]).increment()
        unsentResults.append(result)
        nextResultAttemptAt = clock.now
    }

    private func abort(_ command: AbortCommand) {
        let metadata: Logger.Metadata = [
            "wr.id": "\(command.workRequestID)", "epoch": "\(command.epoch)", "reason": "\(command.reason)",
        ]
        guard let work = running[command.workRequestID], work.epoch == command.epoch else {
            logger.info("abort ignored: the work request is not running here under this epoch", metadata: metadata)
            return
        }
        running[command.workRequestID] = nil
        remember(RunningAssignment(workRequestID: command.workRequestID, epoch: command.epoch))
        work.abort.finish()
        idleCheck.signal()
        Counter(label: "kiln_worker_aborts_total").increment()
        // §2.6: an aborted task reports nothing.
        logger.notice("assignment aborted; no result will be reported", metadata: metadata)
    }

    /// An assignment whose body does not decode cannot run; if its id and epoch can still be read, the gateway
    /// gets an `error` result instead of waiting for the lease to expire.
    private func reportUndecodableAssignment(_ body: [UInt8], error: any Error) {
        guard let json = try? JSONValue.parse(bytes: body).objectValue, let id = json["work_request_id"]?.intValue,
            let epoch = json["epoch"]?.intValue
        else { return }
        unsentResults.append(
            WorkerResult(
                token: token, workRequestID: id, epoch: epoch, result: "error",
                outputData: [
                    "errors": .array([AssignmentRunner.error(.rebuildFailed, "undecodable assignment: \(error)")])
                ]))
        nextResultAttemptAt = clock.now
    }

    // MARK: Shutdown

    /// First SIGTERM: take no new assignment; running ones finish and report.
    public func beginDrain() {
        draining = true
        logger.notice("shutting down: no new assignments; waiting for running ones", metadata: ["running": "\(running.count)"])
    }

    /// Second SIGTERM: cancel what runs. Nothing is reported for it, so its lease expires and the work request
    /// is retried on another worker (the [0.16] retry rules), rather than being failed by a shutdown.
    public func abortAll() {
        for (id, work) in running {
            logger.warning("assignment aborted by shutdown; not reported", metadata: ["wr.id": "\(id)", "epoch": "\(work.epoch)"])
            work.abort.finish()
            remember(RunningAssignment(workRequestID: id, epoch: work.epoch))
        }
        running.removeAll()
        idleCheck.signal()
    }

    /// Returns once nothing runs and every result has been confirmed by the broker (the drain of a first
    /// SIGTERM). Woken by each run that ends and each confirmed result; the 1 s timeout only bounds a missed
    /// wake-up.
    public nonisolated func waitUntilIdle() async {
        while !Task.isCancelled, !(await isIdle) {
            await idleCheck.wait(timeout: .seconds(1))
        }
    }

    /// True when nothing runs and every result has been confirmed by the broker.
    public var isIdle: Bool { running.isEmpty && unsentResults.isEmpty }

    /// Results finished but not confirmed yet.
    public var pendingResultCount: Int { unsentResults.count }

    // MARK: Outbound

    private enum Step: Sendable {
        case results([WorkerResult])
        case hello(WorkerHello)
        case heartbeat(WorkerHeartbeat)
        /// Nothing is due for this long (at most a second, so cancellation is noticed).
        case nothing(Duration)
    }

    /// Sends whatever is due (results first, then hello, then heartbeat) until cancelled.
    public nonisolated func runControlLoop() async {
        while !Task.isCancelled {
            switch await nextStep() {
            case .results(let results): await send(results)
            case .hello(let hello): await send(hello)
            case .heartbeat(let heartbeat): await send(heartbeat)
            case .nothing(let wait): await controlLoopWake.wait(timeout: wait)
            }
        }
    }

    private var currentQueue: String? {
        switch phase {
        case .waitingForQueue: nil
        case .greeting(let queue), .refused(let queue, _), .welcomed(let queue, _, _): queue
        }
    }

    private func nextStep() -> Step {
        let now = clock.now
        if !unsentResults.isEmpty, now >= nextResultAttemptAt {
            return .results(unsentResults)
        }
        if let queue = currentQueue, let due = nextHelloAt, now >= due {
            // Retried until an answer comes, as a lost hello (gateway down, message dropped) must not leave the
            // worker waiting for ever; welcome or refusal replaces this schedule.
            nextHelloAt = now + helloBackoff.next()
            return .hello(
                WorkerHello(
                    token: token, activationToken: activationToken, fqdn: configuration.fqdn,
                    workerType: configuration.workerType, queue: queue, metadata: metadata, session: session))
        }
        if case .welcomed(_, _, let heartbeat) = phase, let due = nextHeartbeatAt, now >= due {
            nextHeartbeatAt = now + heartbeat
            let assignments = running.map { RunningAssignment(workRequestID: $0.key, epoch: $0.value.epoch) }
                .sorted { $0.workRequestID < $1.workRequestID }
            return .heartbeat(WorkerHeartbeat(token: token, running: assignments))
        }
        var due = now + .seconds(1)
        if !unsentResults.isEmpty { due = min(due, nextResultAttemptAt) }
        if currentQueue != nil, let hello = nextHelloAt { due = min(due, hello) }
        if case .welcomed = phase, let heartbeat = nextHeartbeatAt { due = min(due, heartbeat) }
        return .nothing(max(.zero, due - now))
    }

    private nonisolated func send(_ results: [WorkerResult]) async {
        var confirmed: [WorkerResult] = []
        var failure: (any Error)?
        for result in results {
            do {
                try await publish(result, kind: .result)
                confirmed.append(result)
            } catch {
                failure = error
                break
            }
        }
        await resultsSent(confirmed, failure: failure)
    }

    private func resultsSent(_ confirmed: [WorkerResult], failure: (any Error)?) {
        if !confirmed.isEmpty { idleCheck.signal() }
        for result in confirmed {
            unsentResults.removeAll { $0 == result }
            logger.info(
                "result sent", metadata: ["wr.id": "\(result.workRequestID)", "epoch": "\(result.epoch)", "result": "\(result.result)"])
        }
        if let failure {
            let delay = resultBackoff.next()
            nextResultAttemptAt = clock.now + delay
            logger.warning(
                "result not confirmed by the broker; kept and retried",
                metadata: ["error": "\(failure)", "unsent": "\(unsentResults.count)", "retry_in_ms": "\(delay.wholeMilliseconds)"])
        } else {
            resultBackoff.reset()
        }
    }

    private nonisolated func send(_ hello: WorkerHello) async {
        do {
            try await publish(hello, kind: .hello)
            await log(.info, "hello sent", ["amqp.queue": "\(hello.queue)"])
        } catch {
            await log(.warning, "hello not sent; will retry", ["error": "\(error)"])
        }
    }

    private nonisolated func send(_ heartbeat: WorkerHeartbeat) async {
        do {
            try await publish(heartbeat, kind: .heartbeat)
            await log(.debug, "heartbeat sent", ["running": "\(heartbeat.running.count)"])
        } catch {
            await log(.warning, "heartbeat not sent", ["error": "\(error)"])
        }
    }

    private func log(_ level: Logger.Level, _ message: String, _ metadata: Logger.Metadata) {
        logger.log(level: level, "\(message)", metadata: metadata)
    }

    private nonisolated func publish(_ body: some Encodable & Sendable, kind: WorkerMessageKind) async throws {
        let message = OutgoingMessage(
            exchange: GatewayRouting.exchange, routingKey: routing.routingKey(for: kind), body: try MessageCodec.encode(body),
            properties: MessageProperties(type: kind.rawValue, appID: "kiln-worker"))
        try await publisher.publish(message)
    }

    private func remember(_ key: RunningAssignment) {
        finished.append(key)
        if finished.count > 1000 { finished.removeFirst(finished.count - 1000) }
    }
}
