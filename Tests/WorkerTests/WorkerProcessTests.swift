import AMQP
import Foundation
import KilnCore
import Testing

/// Component tests of the real `kiln-worker` binary against the real broker, the test playing the gateway over
/// AMQP (see `FakeGateway`). Needs `swift build` (the binary) and the local broker (`deploy/local/rabbitmq start`).
@Suite("kiln-worker process against RabbitMQ", .serialized, .timeLimit(.minutes(2)))
struct WorkerProcessTests {
    struct Started {
        var gateway: FakeGateway
        var worker: WorkerProcess
        var tokenFile: String
        var hello: WorkerHello
    }

    /// Starts a gateway and a worker, and waits for the worker's first hello.
    static func start(extraEnvironment: [String: String] = [:]) async throws -> Started {
        #expect(FileManager.default.isExecutableFile(atPath: WorkerProcess.binary.path), "build kiln-worker first")
        let gateway = try await FakeGateway()
        let tokenFile = NSTemporaryDirectory() + "kiln-worker-\(gateway.prefix)/token"
        var environment = [
            "KILN_AMQP_URL": gateway.workerURL, "KILN_WORKER_TOKEN_FILE": tokenFile,
            "KILN_WORKER_FQDN": "\(gateway.prefix).example.org", "KILN_WORKER_EXTRA_TAGS": "test:marker",
            "KILN_WORKER_GATEWAY_ROUTING_PREFIX": gateway.prefix, "KILN_WORKER_HELLO_RETRY_MAX": "1s",
            "KILN_OPS_PORT": "0", "KILN_LOG_LEVEL": "debug",
        ]
        environment.merge(extraEnvironment) { _, new in new }
        let worker = try WorkerProcess(environment: environment)
        let hellos = await gateway.received.wait(for: .hello)
        let first = try #require(hellos.first, "no hello; worker log:\n\(worker.log.joined(separator: "\n"))")
        let hello = try MessageCodec.decode(WorkerHello.self, from: first.body)
        return Started(gateway: gateway, worker: worker, tokenFile: tokenFile, hello: hello)
    }

    static func noop(id: Int, epoch: Int, result: String) -> WorkAssignment {
        WorkAssignment(
            workRequestID: id, epoch: epoch, taskType: .worker, taskName: "noop",
            taskData: .object(["result": .string(result)]), dynamicTaskData: .object(["task_input_fields": .object([:])]),
            workspace: "System", scope: "debusine")
    }

    static func cleanUp(_ started: Started) async {
        await started.worker.stop()
        await started.gateway.close()
        try? FileManager.default.removeItem(atPath: (started.tokenFile as NSString).deletingLastPathComponent)
    }

    @Test("hello carries queue, identity and tags; welcome starts heartbeats; noop results carry the epoch; SIGTERM exits")
    func fullProtocol() async throws {
        let started = try await Self.start()
        let (gateway, worker, hello) = (started.gateway, started.worker, started.hello)
        do {
            // hello: the server-named queue, the token saved on first start, and what the worker provides.
            #expect(hello.queue.hasPrefix("amq.gen-"))
            #expect(hello.fqdn == "\(gateway.prefix).example.org")
            #expect(hello.workerType == .external)
            #expect(hello.activationToken == nil)
            let saved = try String(contentsOfFile: started.tokenFile, encoding: .utf8)
            #expect(saved.trimmingCharacters(in: .newlines) == hello.token)
            #expect(hello.token.count == 64)
            let tags = Set(try #require(hello.metadata["provided_tags"]?.arrayValue).compactMap(\.stringValue))
            #expect(tags.isSuperset(of: ["worker:type:external", "worker:task:worker:noop:version:1", "test:marker"]))
            let native = try #require(hello.metadata["system:native_architecture"]?.stringValue)
            #expect(tags.contains("worker:build-arch:\(native)"))
            // No KILN_FILE_STORE_URL: the worker runs noop only, so it advertises no other task and no capability,
            // whatever tools this host has.
            #expect(!tags.contains { $0.hasPrefix("worker:cap:") }, "\(tags)")
            #expect(tags.filter { $0.hasPrefix("worker:task:") } == ["worker:task:worker:noop:version:1"])
            #expect(hello.metadata["system:worker_type"] == .string("external"))
            #expect(hello.metadata["system:cpu_count"]?.intValue ?? 0 >= 1)

            // welcome → heartbeats every second, nothing running.
            try await gateway.send(
                GatewayWelcome(workerID: 42, workerName: "test-worker", heartbeatSeconds: 1, leaseSeconds: 10, session: hello.session),
                kind: .welcome, to: hello.queue)
            let heartbeats = await gateway.received.wait(for: .heartbeat, count: 2)
            #expect(heartbeats.count >= 2)
            let beat = try MessageCodec.decode(WorkerHeartbeat.self, from: try #require(heartbeats.first).body)
            #expect(beat.token == hello.token)
            #expect(beat.running.isEmpty)
            #expect(heartbeats.allSatisfy { $0.routingKey == "\(gateway.prefix).heartbeat" })

            // noop result=success → success with the epoch and runtime statistics; a redelivered copy is not run again.
            let success = Self.noop(id: 1, epoch: 7, result: "success")
            try await gateway.send(success, kind: .assignment, to: hello.queue)
            try await gateway.send(success, kind: .assignment, to: hello.queue)
            _ = await gateway.received.wait(for: .result, count: 1)
            let first = try #require(try await gateway.received.results(for: 1).first)
            #expect(first.result == "success")
            #expect(first.epoch == 7)
            #expect(first.token == hello.token)
            // Debusine's worker (`worker/task_runner.py` `CollectStatistics`) reports the duration, each phase and the
            // host's CPU time; noop runs in no environment, so no RAM or disk figures.
            let statistics = try #require(first.outputData?["runtime_statistics"]?.objectValue)
            #expect(
                Set(statistics.keys) == ["duration", "duration_setup", "duration_run", "duration_teardown", "cpu_time"])
            #expect(statistics.values.allSatisfy { ($0.intValue ?? -1) >= 0 })
            #expect(await worker.waitForLine(containing: "duplicate assignment ignored") != nil)

            // noop result=failure → failure.
            try await gateway.send(Self.noop(id: 2, epoch: 3, result: "failure"), kind: .assignment, to: hello.queue)
            _ = await gateway.received.wait(for: .result, count: 2)
            let failure = try #require(try await gateway.received.results(for: 2).first)
            #expect(failure.result == "failure")
            #expect(failure.epoch == 3)

            // A task this worker cannot run → error with a clear message, never a pretend success.
            let sbuild = WorkAssignment(
                workRequestID: 3, epoch: 1, taskType: .worker, taskName: "sbuild", taskData: .object([:]),
                dynamicTaskData: .object([:]), workspace: "System", scope: "debusine")
            try await gateway.send(sbuild, kind: .assignment, to: hello.queue)
            _ = await gateway.received.wait(for: .result, count: 3)
            let error = try #require(try await gateway.received.results(for: 3).first)
            #expect(error.result == "error")
            let message = error.outputData?["errors"]?.arrayValue?.first?.objectValue?["message"]?.stringValue ?? ""
            #expect(message.contains("sbuild"), "\(message)")
            // A run that never started has no statistics (Debusine's `TaskRunnerError` reports only its errors).
            #expect(error.outputData?["runtime_statistics"] == nil)

            // Abort of a noop that already finished is ignored (noop cannot be made long: Debusine's noop has no
            // sleep field, so aborting a running task is not observable here).
            try await gateway.send(
                AbortCommand(workRequestID: 1, epoch: 7, reason: "test"), kind: .abort, to: hello.queue)
            #expect(await worker.waitForLine(containing: "abort ignored") != nil)
            #expect(try await gateway.received.results(for: 1).count == 1)

            // Log lines are JSON with the worker's name after the welcome and wr.id on assignment events.
            let finished = try #require(await worker.waitForLine(containing: "\"assignment finished\""))
            let line = try #require(try JSONValue.parse(finished).objectValue)
            #expect(line["worker"] == .string("test-worker"))
            #expect(line["wr.id"] == .string("1"))
            #expect(line["service"] == .string("kiln-worker"))

            // SIGTERM: drains (nothing runs) and exits 0.
            worker.signal(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            #expect(await worker.waitForLine(containing: "\"stopped\"") != nil)
        } catch {
            await Self.cleanUp(started)
            throw error
        }
        await Self.cleanUp(started)
    }

    @Test("refused as registered-but-disabled: a clear log line, hello retried, and a later welcome is honoured")
    func refusedThenEnabled() async throws {
        let started = try await Self.start()
        let (gateway, worker, hello) = (started.gateway, started.worker, started.hello)
        do {
            try await gateway.send(
                GatewayRefusal(
                    reason: "No token header, token not associated to a worker or not enabled", reasonCode: "TOKEN_DISABLED",
                    session: hello.session, worker: "w",
                    advice: "worker w is registered but disabled; an administrator must run `kiln worker enable w`"),
                kind: .refused,
                to: hello.queue)
            let refusedLine = await worker.waitForLine(containing: "registered but disabled")
            #expect(refusedLine?.contains("kiln worker enable") == true)
            #expect(refusedLine?.contains("\"level\":\"error\"") == true)
            let hellos = await gateway.received.wait(for: .hello, count: 2)
            #expect(hellos.count >= 2)
            let retried = try MessageCodec.decode(WorkerHello.self, from: try #require(hellos.last).body)
            #expect(retried.queue == hello.queue)
            #expect(retried.token == hello.token)
            #expect(await gateway.received.all(.heartbeat).isEmpty)

            // The admin enabled it: the next answer is a welcome, and heartbeats start without a restart.
            try await gateway.send(
                GatewayWelcome(workerID: 1, workerName: "enabled", heartbeatSeconds: 1, leaseSeconds: 10, session: hello.session),
                kind: .welcome, to: hello.queue)
            #expect(await gateway.received.wait(for: .heartbeat).count >= 1)
        } catch {
            await Self.cleanUp(started)
            throw error
        }
        await Self.cleanUp(started)
    }

    @Test("a welcome answering another client's hello (another session) is ignored; its own is honoured")
    func foreignWelcomeIgnored() async throws {
        let started = try await Self.start()
        let (gateway, worker, hello) = (started.gateway, started.worker, started.hello)
        do {
            #expect(hello.session != nil, "every hello carries the worker's session")
            // What an impostor's hello naming this worker's queue would bring: a welcome for someone else.
            try await gateway.send(
                GatewayWelcome(workerID: 66, workerName: "impostor", heartbeatSeconds: 1, leaseSeconds: 10, session: "forged"),
                kind: .welcome, to: hello.queue)
            let ignored = await worker.waitForLine(containing: "answers another client's hello")
            #expect(ignored != nil)
            #expect(await gateway.received.all(.heartbeat).isEmpty, "not welcomed by the foreign answer")
            #expect(!worker.log.contains { $0.contains("\"worker\":\"impostor\"") })
            try await gateway.send(
                GatewayWelcome(workerID: 7, workerName: "itself", heartbeatSeconds: 1, leaseSeconds: 10, session: hello.session),
                kind: .welcome, to: hello.queue)
            #expect(await gateway.received.wait(for: .heartbeat).count >= 1)
        } catch {
            await Self.cleanUp(started)
            throw error
        }
        await Self.cleanUp(started)
    }

    @Test("a second start reuses the token file; an activation token is sent with the hello")
    func tokenReusedAndActivation() async throws {
        let first = try await Self.start()
        await first.worker.stop()
        let token = first.hello.token
        // Same token file, new gateway prefix.
        let second = try await Self.start(extraEnvironment: [
            "KILN_WORKER_TOKEN_FILE": first.tokenFile, "KILN_WORKER_ACTIVATION_TOKEN": "activate-me",
        ])
        #expect(second.hello.token == token)
        #expect(second.hello.activationToken == "activate-me")
        await Self.cleanUp(second)
        await Self.cleanUp(first)
    }

    @Test("a result the broker cannot route is kept and sent once the gateway's queue is back")
    func resultRetriedUntilRoutable() async throws {
        let started = try await Self.start()
        let (gateway, worker, hello) = (started.gateway, started.worker, started.hello)
        do {
            try await gateway.send(
                GatewayWelcome(workerID: 5, workerName: "retry", heartbeatSeconds: 30, leaseSeconds: 90, session: hello.session),
                kind: .welcome, to: hello.queue)
            // The gateway's queue disappears: nothing on kiln.gateway routes this worker's messages any more.
            try await gateway.publisher.deleteQueue(gateway.queue)
            try await gateway.send(Self.noop(id: 9, epoch: 2, result: "success"), kind: .assignment, to: hello.queue)
            #expect(await worker.waitForLine(containing: "result not confirmed by the broker; kept and retried") != nil)
            // The gateway's queue comes back.
            try await gateway.startConsumer()
            _ = await gateway.received.wait(for: .result, count: 1, timeout: .seconds(40))
            let result = try #require(try await gateway.received.results(for: 9).first)
            #expect(result.result == "success")
            #expect(result.epoch == 2)
        } catch {
            await Self.cleanUp(started)
            throw error
        }
        await Self.cleanUp(started)
    }
}
