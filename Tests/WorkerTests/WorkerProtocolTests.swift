import Foundation
import KilnCore
import KilnWorker
import Testing

/// The worker's protocol as a pure state machine: every rule, with no broker, no clock and no tasks.
@Suite("kiln-worker protocol state machine (pure)")
struct WorkerProtocolTests {
    static let t0 = ContinuousClock.now

    static func machine(activationToken: String? = nil) -> WorkerProtocol {
        WorkerProtocol(
            identity: WorkerProtocol.Identity(
                token: "t0k3n", activationToken: activationToken, fqdn: "w1.lan", workerType: .external,
                metadata: ["provided_tags": []], session: "s-1"),
            helloRetryMaximum: .seconds(8))
    }

    static func message(_ kind: GatewayMessageKind, _ body: some VersionedMessage) throws -> (String, [UInt8]) {
        (kind.rawValue, try MessageCodec.encode(body))
    }

    static func assignment(_ id: Int, epoch: Int) -> WorkAssignment {
        WorkAssignment(
            workRequestID: id, epoch: epoch, taskType: .worker, taskName: "noop", taskData: ["result": "success"],
            dynamicTaskData: ["task_input_fields": [:]], workspace: "System", scope: "debusine")
    }

    /// A machine past the handshake, welcomed with 5 s heartbeats.
    static func welcomed() throws -> WorkerProtocol {
        var machine = Self.machine()
        _ = machine.queueDeclared("q1", at: t0)
        _ = machine.nextStep(at: t0)  // the hello, carrying the metadata
        let (type, body) = try message(.welcome, GatewayWelcome(workerID: 3, workerName: "w1", heartbeatSeconds: 5, leaseSeconds: 20, session: "s-1"))
        _ = machine.received(type: type, body: body, messageID: "m", at: t0)
        return machine
    }

    /// Debusine's server asks its workers for their metadata every hour (`server/consumers.py`
    /// `_dynamic_metadata_refresher`); Kiln's worker probes itself and sends what changed.
    @Test("a probe that changed the metadata: one worker.metadata-update once welcomed, else the next hello carries it")
    func metadataRefresh() throws {
        let changed: [String: JSONValue] = ["provided_tags": ["worker:cap:sbuild"]]
        var machine = try Self.welcomed()
        #expect(machine.metadataProbed(["provided_tags": []]).isEmpty, "unchanged: nothing to send")
        #expect(!machine.metadataProbed(changed).isEmpty)
        #expect(machine.nextStep(at: Self.t0) == .metadata(WorkerMetadataUpdate(token: "t0k3n", metadata: changed)))
        if case .metadata = machine.nextStep(at: Self.t0) { Issue.record("the update is sent once") }
        _ = machine.metadataSent(changed)  // the broker confirmed it
        #expect(machine.metadataProbed(changed).isEmpty, "already sent")

        var connecting = Self.machine()
        _ = connecting.queueDeclared("q1", at: Self.t0)
        _ = connecting.metadataProbed(changed)
        guard case .hello(let hello) = connecting.nextStep(at: Self.t0) else {
            Issue.record("expected a hello")
            return
        }
        #expect(hello.metadata == changed)
        let (type, body) = try Self.message(
            .welcome, GatewayWelcome(workerID: 3, workerName: "w1", heartbeatSeconds: 5, leaseSeconds: 20, session: "s-1"))
        _ = connecting.received(type: type, body: body, messageID: "m", at: Self.t0)
        if case .metadata = connecting.nextStep(at: Self.t0) { Issue.record("the hello already carried it") }
    }

    @Test("metadata probed after the hello went out but before the welcome is sent once welcomed")
    func metadataProbedWhileGreeting() throws {
        let changed: [String: JSONValue] = ["provided_tags": ["worker:cap:lintian"]]
        var machine = Self.machine()
        _ = machine.queueDeclared("q1", at: Self.t0)
        guard case .hello = machine.nextStep(at: Self.t0) else {
            Issue.record("expected a hello")
            return
        }
        _ = machine.metadataProbed(changed)
        let (type, body) = try Self.message(
            .welcome, GatewayWelcome(workerID: 3, workerName: "w1", heartbeatSeconds: 5, leaseSeconds: 20, session: "s-1"))
        _ = machine.received(type: type, body: body, messageID: "m", at: Self.t0)
        #expect(machine.nextStep(at: Self.t0) == .metadata(WorkerMetadataUpdate(token: "t0k3n", metadata: changed)))
    }

    @Test("an update the broker did not confirm is sent again after the next probe; a confirmed one is not")
    func metadataUpdateNotConfirmed() throws {
        let changed: [String: JSONValue] = ["provided_tags": ["worker:cap:sbuild"]]
        var machine = try Self.welcomed()
        _ = machine.metadataProbed(changed)
        guard case .metadata = machine.nextStep(at: Self.t0) else {
            Issue.record("expected an update")
            return
        }
        // Not confirmed (unroutable, nacked): the same metadata probed again is due again.
        #expect(!machine.metadataProbed(changed).isEmpty)
        guard case .metadata(let again) = machine.nextStep(at: Self.t0) else {
            Issue.record("expected the update again")
            return
        }
        _ = machine.metadataSent(again.metadata)
        #expect(machine.metadataProbed(changed).isEmpty)
        if case .metadata = machine.nextStep(at: Self.t0) { Issue.record("confirmed: nothing to send") }
    }

    @Test("hello until welcomed: sent at once for the declared queue, retried with backoff, then heartbeats")
    func handshake() throws {
        var machine = Self.machine(activationToken: "act")
        #expect(machine.nextStep(at: Self.t0) == .nothing(.seconds(1)), "no queue, nothing to say")
        #expect(machine.queueDeclared("q1", at: Self.t0).contains(.ready(false)))
        guard case .hello(let hello) = machine.nextStep(at: Self.t0) else {
            Issue.record("expected a hello")
            return
        }
        #expect(hello.queue == "q1" && hello.session == "s-1" && hello.activationToken == "act" && hello.fqdn == "w1.lan")
        // The retry waits for its backoff: 1 s ± 20 % jitter.
        guard case .nothing(let wait) = machine.nextStep(at: Self.t0), wait > .zero, wait <= .seconds(1) else {
            Issue.record("the retry must wait for its backoff")
            return
        }
        guard case .hello = machine.nextStep(at: Self.t0 + .milliseconds(1250)) else {
            Issue.record("the hello is retried until answered")
            return
        }
        let (type, body) = try Self.message(
            .welcome, GatewayWelcome(workerID: 3, workerName: "w1", heartbeatSeconds: 5, leaseSeconds: 20, session: "s-1"))
        let effects = machine.received(type: type, body: body, messageID: "m", at: Self.t0 + .seconds(2))
        #expect(effects.contains(.ready(true)) && effects.contains(.workerName("w1")))
        #expect(machine.identity.activationToken == nil, "the activation token is spent once welcomed")
        #expect(machine.nextStep(at: Self.t0 + .seconds(2)) == .heartbeat(WorkerHeartbeat(token: "t0k3n", running: [])))
        #expect(machine.nextStep(at: Self.t0 + .seconds(3)) == .nothing(.seconds(1)))
        #expect(machine.nextStep(at: Self.t0 + .seconds(7)) == .heartbeat(WorkerHeartbeat(token: "t0k3n", running: [])))
    }

    @Test("an answer to someone else's hello (another session) is ignored and counted")
    func foreignAnswersIgnored() throws {
        var machine = Self.machine()
        _ = machine.queueDeclared("q1", at: Self.t0)
        let (type, body) = try Self.message(
            .welcome, GatewayWelcome(workerID: 9, workerName: "impostor", heartbeatSeconds: 5, leaseSeconds: 20, session: "other"))
        let effects = machine.received(type: type, body: body, messageID: "m", at: Self.t0)
        #expect(effects.contains(.count("kiln_worker_foreign_answers_total", ["type": "gateway.welcome"])))
        #expect(machine.phase == .greeting(queue: "q1"))
    }

    @Test("a refused result is logged with the gateway's title and detail")
    func refusedResult() throws {
        var machine = Self.machine()
        let (type, body) = try Self.message(
            .resultRefused,
            ResultRefusal(
                workRequestID: 12, epoch: 2, title: "Cannot change work request as completed",
                detail: "Cannot mark WorkRequest 12 as completed: current status is aborted"))
        let effects = machine.received(type: type, body: body, messageID: "m", at: Self.t0)
        #expect(effects.contains {
            if case .log(.error, let text, let metadata) = $0 {
                text.contains("Cannot change work request as completed") && metadata["detail"]?.contains("aborted") == true
            } else { false }
        })
    }

    @Test("a refusal (disabled) says what to run and retries the hello later")
    func refusal() throws {
        var machine = Self.machine()
        _ = machine.queueDeclared("q1", at: Self.t0)
        _ = machine.nextStep(at: Self.t0)
        let (type, body) = try Self.message(
            .refused,
            GatewayRefusal(
                reason: "No token header, token not associated to a worker or not enabled", reasonCode: "TOKEN_DISABLED",
                session: "s-1", worker: "w1-lan",
                advice: "worker w1-lan is registered but disabled; an administrator must run `kiln worker enable w1-lan`"))
        let effects = machine.received(type: type, body: body, messageID: "m", at: Self.t0)
        #expect(machine.phase == .refused(queue: "q1", reasonCode: "TOKEN_DISABLED"))
        // The command names the worker as `kiln worker` knows it, not by its FQDN (w1.lan).
        #expect(effects.contains { if case .log(.error, let text, _) = $0 { text.contains("kiln worker enable w1-lan`") } else { false } })
        #expect(!effects.contains { if case .log(_, let text, _) = $0 { text.contains("w1.lan") } else { false } })
        guard case .nothing = machine.nextStep(at: Self.t0) else {
            Issue.record("no hello before the backoff")
            return
        }
    }

    /// A reconnection (a new queue) says hello with the runs in progress and the finished runs whose result is not
    /// sent yet, so the gateway keeps those assignments (deploy/docs/worker.md, "Reconnect").
    @Test("after a reconnection the hello lists the running assignment and the one whose result is unsent")
    func helloListsHeldAssignments() throws {
        var machine = try Self.welcomed()
        let (type, body) = try Self.message(.assignment, Self.assignment(20, epoch: 4))
        _ = machine.received(type: type, body: body, messageID: "a", at: Self.t0)
        let (other, otherBody) = try Self.message(.assignment, Self.assignment(21, epoch: 2))
        _ = machine.received(type: other, body: otherBody, messageID: "b", at: Self.t0)
        _ = machine.runFinished(
            RunningAssignment(workRequestID: 21, epoch: 2),
            result: WorkerResult(token: "t0k3n", workRequestID: 21, epoch: 2, result: "success"), at: Self.t0)
        _ = machine.queueDeclared("q2", at: Self.t0)
        var hello: WorkerHello?
        for _ in 0..<4 {
            if case .hello(let sent) = machine.nextStep(at: Self.t0 + .seconds(1)) {
                hello = sent
                break
            }
        }
        #expect(
            hello?.running
                == [RunningAssignment(workRequestID: 20, epoch: 4), RunningAssignment(workRequestID: 21, epoch: 2)],
            "\(String(describing: hello))")
    }

    /// Debusine `worker/_worker.py` `_register`: a refused registration is logged and the worker exits (`_fail`).
    @Test("an activation token the gateway refuses stops the worker with status 3; no hello follows")
    func invalidActivationTokenExits() throws {
        var machine = Self.machine(activationToken: "made-up")
        _ = machine.queueDeclared("q1", at: Self.t0)
        _ = machine.nextStep(at: Self.t0)
        let (type, body) = try Self.message(
            .refused,
            GatewayRefusal(
                reason: "Invalid worker activation token", reasonCode: "INVALID_ACTIVATION_TOKEN", session: "s-1",
                advice: "the activation token is unknown, used or expired: create a new one with `kiln worker create`"))
        let effects = machine.received(type: type, body: body, messageID: "m", at: Self.t0)
        #expect(effects.contains(.exit(WorkerProtocol.registrationRefusedStatus)))
        #expect(WorkerProtocol.registrationRefusedStatus == 3)
        #expect(effects.contains { if case .log(.critical, let text, _) = $0 { text.contains("kiln worker create") } else { false } })
        guard case .nothing = machine.nextStep(at: Self.t0 + .seconds(3600)) else {
            Issue.record("no hello after a refused activation")
            return
        }
    }

    @Test("assignments start once; a redelivery, a finished one and a late duplicate are ignored; a newer epoch replaces the run")
    func assignments() throws {
        var machine = try Self.welcomed()
        let (type, body) = try Self.message(.assignment, Self.assignment(20, epoch: 4))
        #expect(machine.received(type: type, body: body, messageID: "a", at: Self.t0).contains(.start(Self.assignment(20, epoch: 4))))
        #expect(!machine.received(type: type, body: body, messageID: "a", at: Self.t0).contains { if case .start = $0 { true } else { false } })
        let (newer, newerBody) = try Self.message(.assignment, Self.assignment(20, epoch: 5))
        let replaced = machine.received(type: newer, body: newerBody, messageID: "b", at: Self.t0)
        #expect(replaced.contains(.abort(workRequestID: 20)) && replaced.contains(.start(Self.assignment(20, epoch: 5))))
        // The replaced run's late end reports nothing; the current one's result is queued and sent.
        #expect(machine.runFinished(RunningAssignment(workRequestID: 20, epoch: 4), result: nil, at: Self.t0).isEmpty)
        let result = WorkerResult(token: "t0k3n", workRequestID: 20, epoch: 5, result: "success")
        _ = machine.runFinished(RunningAssignment(workRequestID: 20, epoch: 5), result: result, at: Self.t0)
        #expect(machine.nextStep(at: Self.t0) == .results([result]))
        #expect(!machine.isIdle)
        _ = machine.resultsSent([result], failure: nil, at: Self.t0)
        #expect(machine.isIdle)
        #expect(!machine.received(type: newer, body: newerBody, messageID: "b", at: Self.t0).contains { if case .start = $0 { true } else { false } })
    }

    @Test("an unconfirmed result is kept and retried after a backoff")
    func resultRetry() throws {
        var machine = try Self.welcomed()
        let (type, body) = try Self.message(.assignment, Self.assignment(7, epoch: 1))
        _ = machine.received(type: type, body: body, messageID: "a", at: Self.t0)
        let result = WorkerResult(token: "t0k3n", workRequestID: 7, epoch: 1, result: "success")
        _ = machine.runFinished(RunningAssignment(workRequestID: 7, epoch: 1), result: result, at: Self.t0)
        _ = machine.nextStep(at: Self.t0)  // heartbeat or results: drain both
        _ = machine.nextStep(at: Self.t0)
        _ = machine.resultsSent([], failure: "broker gone", at: Self.t0)
        #expect(machine.unsentResults == [result])
        #expect(machine.nextStep(at: Self.t0 + .milliseconds(100)) != .results([result]))
        #expect(machine.nextStep(at: Self.t0 + .seconds(1)) == .results([result]))
    }

    @Test("an abort stops exactly the run of its epoch; a drain refuses new work; a second signal aborts all")
    func abortsAndShutdown() throws {
        var machine = try Self.welcomed()
        let (type, body) = try Self.message(.assignment, Self.assignment(30, epoch: 2))
        _ = machine.received(type: type, body: body, messageID: "a", at: Self.t0)
        let (stale, staleBody) = try Self.message(.abort, AbortCommand(workRequestID: 30, epoch: 1, reason: "stale"))
        #expect(!machine.received(type: stale, body: staleBody, messageID: "x", at: Self.t0).contains(.abort(workRequestID: 30)))
        #expect(machine.running == [30: 2])
        _ = machine.beginDrain()
        let (other, otherBody) = try Self.message(.assignment, Self.assignment(31, epoch: 1))
        #expect(!machine.received(type: other, body: otherBody, messageID: "b", at: Self.t0).contains { if case .start = $0 { true } else { false } })
        #expect(machine.abortAll().contains(.abort(workRequestID: 30)))
        #expect(machine.isIdle)
        #expect(machine.runFinished(RunningAssignment(workRequestID: 30, epoch: 2), result: nil, at: Self.t0).isEmpty)
    }

    @Test("an assignment that does not decode is reported as error when its id and epoch can be read")
    func undecodableAssignment() {
        var machine = Self.machine()
        let effects = machine.received(
            type: "gateway.assignment", body: Array(#"{"work_request_id": 8, "epoch": 2}"#.utf8), messageID: "m", at: Self.t0)
        #expect(effects.contains { if case .log(.error, "undecodable message dropped", _) = $0 { true } else { false } })
        #expect(machine.unsentResults.map(\.workRequestID) == [8])
        #expect(machine.unsentResults.first?.result == "error")
        #expect(machine.received(type: "nonsense", body: [], messageID: nil, at: Self.t0).count == 1)
    }
}
