import AMQP
import Foundation
import KilnCore
import Logging
import Metrics
import ServiceKit

/// The driver of the worker's protocol: it feeds ``WorkerProtocol`` (the pure state machine) with what
/// happens — a private queue declared, a message received, a run finished, a send confirmed — and carries
/// out what the machine decides: runs started and aborted, log lines, metrics, readiness, messages sent.
///
/// Inbound messages arrive through ``handle(_:)`` (the consumer of the worker's private queue) and
/// ``queueDeclared(_:)`` (each new server-named queue). Everything the worker sends is sent by
/// ``runControlLoop()``, the only caller of the publisher, so a slow or reconnecting broker delays messages
/// but never reorders or duplicates them by accident. Results are kept until the broker confirms them
/// (at-least-once; the gateway's epoch check drops duplicates). Assignments run as child tasks of
/// ``runAssignments()`` (structured: a shutdown waits for them or aborts them, nothing outlives it).
/// `WorkerAgentService` runs the loops in the process's service group.
public actor WorkerAgent {
    /// An assignment handed to ``runAssignments()``: its work, and the stream whose end aborts it.
    private struct Launch: Sendable {
        var run: @Sendable () async -> Void
        var aborted: AsyncStream<Void>
    }

    private var machine: WorkerProtocol
    private let runner: AssignmentRunner
    /// What running tasks report doing, sent with heartbeats (nil: this worker runs noop only).
    private nonisolated let progress: ProgressBoard?
    private let publisher: AMQPPublisher
    private let routing: GatewayRouting
    private let readiness: Readiness?
    private var logger: Logger
    private let clock = ContinuousClock()
    /// Per running work request, its epoch and the switch whose finishing aborts its run.
    private var aborts: [Int: (epoch: Int, abort: AsyncStream<Void>.Continuation)] = [:]
    private nonisolated let launches: AsyncStream<Launch>
    private nonisolated let launcher: AsyncStream<Launch>.Continuation
    /// Rung on every input: the control loop otherwise sleeps until the machine's next due send.
    private nonisolated let controlLoopWake = WakeSignal()
    /// Rung whenever a run ends or results are confirmed: ``waitUntilIdle()`` re-checks then.
    private nonisolated let idleCheck = WakeSignal()

    public init(
        configuration: WorkerConfiguration, token: String, metadata: [String: JSONValue], registry: TaskRegistry,
        publisher: AMQPPublisher, readiness: Readiness? = nil, execution: TaskExecutionEnvironment? = nil, logger: Logger
    ) {
        machine = WorkerProtocol(
            identity: WorkerProtocol.Identity(
                token: token, activationToken: configuration.activationToken, fqdn: configuration.fqdn,
                workerType: configuration.workerType, metadata: metadata),
            helloRetryMaximum: configuration.helloRetryMaximum)
        runner = AssignmentRunner(
            registry: registry, workerType: configuration.workerType, token: token, execution: execution)
        progress = execution?.progress
        self.publisher = publisher
        routing = GatewayRouting(prefix: configuration.gatewayRoutingPrefix)
        self.readiness = readiness
        self.logger = logger
        (launches, launcher) = AsyncStream.makeStream(of: Launch.self)
    }

    /// Where the worker is in the hello/welcome handshake.
    public var phase: WorkerProtocol.Phase { machine.phase }

    /// True when nothing runs and every result has been confirmed by the broker.
    public var isIdle: Bool { machine.isIdle }

    /// Results finished but not confirmed yet.
    public var pendingResultCount: Int { machine.unsentResults.count }

    // MARK: Inputs

    /// A new private queue exists (first connection or a reconnect): the handshake starts over.
    public func queueDeclared(_ queue: String) {
        apply(machine.queueDeclared(queue, at: clock.now))
    }

    /// Handles one message from the private queue (the caller acks it afterwards).
    public func handle(_ delivery: Delivery) {
        apply(
            machine.received(
                type: delivery.properties.type, body: delivery.body, messageID: delivery.properties.messageID,
                at: clock.now))
    }

    /// The host was probed again: see ``WorkerProtocol/metadataProbed(_:)``.
    public func metadataProbed(_ metadata: [String: JSONValue]) {
        apply(machine.metadataProbed(metadata))
    }

    /// First SIGTERM: take no new assignment; running ones finish and report.
    public func beginDrain() {
        apply(machine.beginDrain())
    }

    /// Second SIGTERM: abort what runs; nothing is reported for it.
    public func abortAll() {
        apply(machine.abortAll())
        idleCheck.signal()
    }

    private func runFinished(_ key: RunningAssignment, result: WorkerResult?) {
        // Only this run's switch: a run of a newer epoch may have replaced it already.
        if aborts[key.workRequestID]?.epoch == key.epoch { aborts.removeValue(forKey: key.workRequestID) }
        apply(machine.runFinished(key, result: result, at: clock.now))
        idleCheck.signal()
    }

    private func resultsSent(_ confirmed: [WorkerResult], failure: (any Error)?) {
        apply(machine.resultsSent(confirmed, failure: failure.map { "\($0)" }, at: clock.now))
        if !confirmed.isEmpty { idleCheck.signal() }
    }

    // MARK: Effects

    private func apply(_ effects: [WorkerProtocol.Effect]) {
        for effect in effects {
            switch effect {
            case .start(let assignment): start(assignment)
            case .abort(let id): aborts.removeValue(forKey: id)?.abort.finish()
            case .ready(let ready): readiness?.set("gateway", ready)
            case .workerName(let name): logger[metadataKey: "worker"] = "\(name)"
            case .log(let level, let message, let metadata):
                logger.log(level: level, "\(message)", metadata: metadata.mapValues { .string($0) })
            case .count(let label, let dimensions):
                Counter(label: label, dimensions: dimensions.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
                    .increment()
            case .exit(let status):
                exit(status)
            }
        }
        controlLoopWake.signal()
    }

    private func start(_ assignment: WorkAssignment) {
        var log = logger
        log[metadataKey: "wr.id"] = "\(assignment.workRequestID)"
        log[metadataKey: "epoch"] = "\(assignment.epoch)"
        let key = RunningAssignment(workRequestID: assignment.workRequestID, epoch: assignment.epoch)
        let runner = self.runner
        let runLogger = log
        let (aborted, abort) = AsyncStream.makeStream(of: Void.self)
        aborts[assignment.workRequestID] = (assignment.epoch, abort)
        launcher.yield(
            Launch(
                run: {
                    let result = await runner.run(assignment, logger: runLogger)
                    await self.runFinished(key, result: result)
                },
                aborted: aborted))
    }

    // MARK: Loops

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

    /// Returns once nothing runs and every result has been confirmed by the broker (the drain of a first
    /// SIGTERM). Woken by each run that ends and each confirmed result; the 1 s timeout only bounds a missed
    /// wake-up.
    public nonisolated func waitUntilIdle() async {
        while !Task.isCancelled, !(await isIdle) {
            await idleCheck.wait(timeout: .seconds(1))
        }
    }

    /// Sends whatever the machine says is due (results first, then hello, then a metadata update, then heartbeat)
    /// until cancelled.
    public nonisolated func runControlLoop() async {
        while !Task.isCancelled {
            switch await nextStep() {
            case .results(let results): await send(results)
            case .hello(let hello): await send(hello)
            case .heartbeat(var heartbeat):
                heartbeat.progress = progress?.snapshot(for: heartbeat.running.map(\.workRequestID))
                await send(heartbeat)
            case .metadata(let update): await send(update)
            case .nothing(let wait): await controlLoopWake.wait(timeout: wait)
            }
        }
    }

    /// Probes the host every `interval` with `probe` (nil: the probe failed, nothing changes) and hands what it
    /// finds to ``metadataProbed(_:)``, until cancelled.
    ///
    /// The probe runs external commands and waits for them: it runs on a thread of its own, so heartbeats and the
    /// consumer go on meanwhile, and a cancellation (shutdown) stops waiting for it.
    public nonisolated func refreshMetadata(
        every interval: Duration, probe: @escaping @Sendable () -> [String: JSONValue]?
    ) async {
        while (try? await Task.sleep(for: interval)) != nil {
            let probed = await OffPool.run(probe)
            guard !Task.isCancelled else { return }
            guard let metadata = probed ?? nil else {
                await log(.warning, "host probe failed; keeping the metadata sent before", [:])
                continue
            }
            await metadataProbed(metadata)
        }
    }

    private func nextStep() -> WorkerProtocol.Step { machine.nextStep(at: clock.now) }

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

    private nonisolated func send(_ hello: WorkerHello) async {
        do {
            try await publish(hello, kind: .hello)
            await log(.info, "hello sent", ["amqp.queue": "\(hello.queue)"])
        } catch {
            await log(.warning, "hello not sent; will retry", ["error": "\(error)"])
        }
    }

    private nonisolated func send(_ update: WorkerMetadataUpdate) async {
        do {
            try await publish(update, kind: .metadata)
            await metadataSent(update.metadata)
            await log(.info, "metadata sent", [:])
        } catch {
            await log(.warning, "metadata not sent; the next probe sends it again", ["error": "\(error)"])
        }
    }

    private func metadataSent(_ metadata: [String: JSONValue]) {
        apply(machine.metadataSent(metadata))
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
}
