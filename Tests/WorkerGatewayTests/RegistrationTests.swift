import KilnTestSupport
import AMQP
import Foundation
import KilnCore
import Store
import Testing

@Suite("worker-gateway: registration and activation (real process, broker and database)", .timeLimit(.minutes(3)))
struct RegistrationTests {
    @Test("an unknown token registers worker-lan-2 disabled and is refused; once enabled, hello is welcomed and the metadata stored (Debusine `server/views/tests/test_workers.py` `test_create_token_and_worker_duplicate_name`)")
    func selfRegistrationThenEnable() async throws {
        try await GatewayHarness.run { gateway in
            // As in Debusine's `test_create_token_and_worker_duplicate_name`: `worker-lan` exists already.
            _ = try await gateway.pool.withTransaction { conn in
                try await WorkerRepository.create(fqdn: "worker.lan", on: conn)
            }
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let queue = try await worker.queue()
            #expect(queue.hasPrefix("amq.gen-"))
            let token = TokenRepository.generateSecret()
            let metadata: [String: JSONValue] = [
                "system:architectures": .array([.string("amd64"), .string("i386")]),
                "system:worker_type": .string("external"),
                "provided_tags": .array([.string("worker:executor:unshare"), .string("worker:forged-by-worker")]),
            ]
            try await worker.send(
                .hello, WorkerHello(token: token, fqdn: "worker.lan", workerType: .external, queue: queue, metadata: metadata))
            let refusal = try await worker.next(.refused, as: GatewayRefusal.self)
            #expect(refusal.reasonCode == "TOKEN_DISABLED")
            // Debusine's reason intact (`server/tests/test_consumers.py` `test_connected_token_not_enabled`); the
            // worker's name and the command apart.
            #expect(refusal.reason == "No token header, token not associated to a worker or not enabled")
            #expect(refusal.worker == "worker-lan-2" && refusal.advice?.contains("kiln worker enable worker-lan-2") == true)

            let registered = try #require(
                try await gateway.row("SELECT enabled, connected_at IS NULL FROM workers WHERE name = 'worker-lan-2'"))
            #expect(try registered.decode(Bool.self, at: 0) == false)
            #expect(try registered.decode(Bool.self, at: 1) == true)
            let stored = try #require(
                try await gateway.row(
                    "SELECT t.kind, t.enabled FROM tokens t JOIN workers w ON w.id = t.worker_id WHERE w.name = 'worker-lan-2'"))
            #expect(try stored.decode(String.self, at: 0) == "worker")
            #expect(try stored.decode(Bool.self, at: 1) == false)
            // Only the digest is stored, and the secret never reaches the log.
            #expect(try await gateway.row("SELECT 1 FROM tokens WHERE digest = $1", token) == nil)
            #expect(try await gateway.row("SELECT 1 FROM tokens WHERE digest = $1", TokenRepository.digest(of: token)) != nil)
            #expect(!gateway.log.contains(token))

            // A disabled worker saying hello again is refused again, and nothing is scheduled on it.
            try await worker.send(
                .hello, WorkerHello(token: token, fqdn: "worker.lan", workerType: .external, queue: queue, metadata: metadata))
            #expect(try await worker.next(.refused, as: GatewayRefusal.self).reasonCode == "TOKEN_DISABLED")

            // `kiln worker enable worker-lan-2` (the repository operation the CLI runs), then hello.
            try await gateway.pool.withTransaction { conn in _ = try await WorkerRepository.enable(nameOrToken: "worker-lan-2", on: conn) }
            try await worker.send(
                .hello, WorkerHello(token: token, fqdn: "worker.lan", workerType: .external, queue: queue, metadata: metadata))
            let welcome = try await worker.next(.welcome, as: GatewayWelcome.self)
            #expect(welcome.workerName == "worker-lan-2")
            #expect(welcome.heartbeatSeconds == 1)
            #expect(welcome.leaseSeconds == 60)

            let connected = try #require(
                try await gateway.row(
                    """
                    SELECT queue_name, connected_at IS NOT NULL, dynamic_metadata, dynamic_metadata_updated_at IS NOT NULL
                    FROM workers WHERE id = $1
                    """, welcome.workerID))
            #expect(try connected.decode(String.self, at: 0) == queue)
            #expect(try connected.decode(Bool.self, at: 1))
            // The forged tag is stored as reported: filtering by provenance is the tag-computer's job.
            #expect(try connected.decode([String: JSONValue].self, at: 2) == metadata)
            #expect(try connected.decode(Bool.self, at: 3))
            #expect(try await gateway.outboxCount(.workerMetadata, field: "worker_id", equals: welcome.workerID) >= 2)
        }
    }

    @Test("a self-registered signing worker is refused with the explicit `--type signing` enable command (Debusine `server/management/commands/worker.py` `Command.get_worker`)")
    func signingWorkerNeedsExplicitEnable() async throws {
        try await GatewayHarness.run { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let queue = try await worker.queue()
            let token = TokenRepository.generateSecret()
            try await worker.send(
                .hello, WorkerHello(token: token, fqdn: "signer.example.org", workerType: .signing, queue: queue, metadata: [:]))
            let refusal = try await worker.next(.refused, as: GatewayRefusal.self)
            #expect(refusal.reasonCode == "TOKEN_DISABLED")
            #expect(refusal.advice?.contains("kiln worker enable signer-example-org --type signing") == true)
            // Enabling without the explicit type is refused by the repository the CLI uses.
            await #expect(throws: RepositoryError.self) {
                try await gateway.pool.withTransaction { conn in
                    _ = try await WorkerRepository.enable(nameOrToken: "signer-example-org", on: conn)
                }
            }
        }
    }

    @Test("an activation token enables the pre-created worker, attaches the new token and is deleted (Debusine `server/views/tests/test_workers.py` `test_activation_token`)")
    func activationToken() async throws {
        try await GatewayHarness.run { gateway in
            let created = try await gateway.pool.withTransaction { conn in
                try await WorkerRepository.create(fqdn: "builder.example.org", on: conn)
            }
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let queue = try await worker.queue()
            let token = TokenRepository.generateSecret()
            try await worker.send(
                .hello,
                WorkerHello(
                    token: token, activationToken: created.activationToken, fqdn: "builder.example.org",
                    workerType: .external, queue: queue, metadata: [:]))
            let welcome = try await worker.next(.welcome, as: GatewayWelcome.self)
            #expect(welcome.workerID == created.worker.id)
            #expect(welcome.workerName == "builder-example-org")
            let tokens = try await gateway.pool.withConnection { conn in
                try await TokenRepository.tokens(ofWorker: created.worker.id, on: conn)
            }
            #expect(tokens.map(\.kind) == [.worker])
            #expect(tokens.first?.digest == TokenRepository.digest(of: token))
            #expect(try #require(try await gateway.row("SELECT enabled FROM workers WHERE id = $1", created.worker.id)).decode(Bool.self, at: 0))

            // The activation token was one-shot: another worker presenting it is refused, nothing registered.
            // (From its own queue: a hello naming the welcomed worker's queue would get no answer at all.)
            let other = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await other.stop() } }
            let intruder = TokenRepository.generateSecret()
            try await other.send(
                .hello,
                WorkerHello(
                    token: intruder, activationToken: created.activationToken, fqdn: "intruder.example.org",
                    workerType: .external, queue: try await other.queue(), metadata: [:]))
            #expect(try await other.next(.refused, as: GatewayRefusal.self).reasonCode == "INVALID_ACTIVATION_TOKEN")
            #expect(try await gateway.row("SELECT 1 FROM workers WHERE name = 'intruder-example-org'") == nil)
        }
    }

    @Test("malformed worker messages are dead-lettered with the reason, a hello naming a queue answered; worker_type must be external or signing")
    func malformedMessagesAreDeadLettered() async throws {
        try await GatewayHarness.run { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let queue = try await worker.queue()
            let dead = DeliveryBox()
            let reader = AMQPConsumer(configuration: try AMQPConnectionConfiguration(url: gateway.serviceAMQPURL))
            try await reader.addConsumer(queue: "worker-gateway.dead", prefetch: 10) { delivery in
                delivery.ack()
                await dead.add(delivery)
            }
            let reading = Task { try await reader.run() }
            defer { reading.cancel() }

            try await worker.sendRaw(type: "worker.hello", body: Array("{not json".utf8))
            let garbage = try await dead.take(type: "worker.hello")
            #expect(garbage.properties.headers["x-kiln-reason"]?.stringValue?.contains("not JSON") == true)

            var celery = try JSONValue.parse(
                bytes: try MessageCodec.encode(
                    WorkerHello(token: "t", fqdn: "c.lan", workerType: .external, queue: queue, metadata: [:], session: "s-1")))
            celery = try celery.setting(.string("celery"), atPath: "worker_type")
            try await worker.sendRaw(type: "worker.hello", body: Array(celery.compactJSON.utf8))
            let wrongType = try await dead.take(type: "worker.hello")
            #expect(
                wrongType.properties.headers["x-kiln-reason"]?.stringValue?.contains("worker_type must be external or signing")
                    == true)
            // It names a queue, so it is answered as Debusine's registration view answers a bad body
            // (`server/views/tests/test_workers.py` `RegisterViewTests.test_invalid_data`: `Cannot deserialize worker`).
            let answer = try await worker.next(.refused, as: GatewayRefusal.self)
            #expect(answer.reasonCode == "INVALID_HELLO" && answer.reason.hasPrefix("Cannot deserialize worker: "))
            #expect(answer.reason.contains("worker_type must be external or signing") && answer.session == "s-1")
            // Without a session, or naming a queue that is not server-named, nothing is answered: the refusal
            // could otherwise land in another worker's or a service's queue. The next answer this worker gets
            // is the one to a later hello with a session.
            var sessionless = celery
            sessionless = try sessionless.setting(.null, atPath: "session")
            try await worker.sendRaw(type: "worker.hello", body: Array(sessionless.compactJSON.utf8))
            _ = try await dead.take(type: "worker.hello")
            var serviceQueue = celery
            serviceQueue = try serviceQueue.setting(.string("scheduler.inbox"), atPath: "queue")
            try await worker.sendRaw(type: "worker.hello", body: Array(serviceQueue.compactJSON.utf8))
            _ = try await dead.take(type: "worker.hello")
            let later = try celery.setting(.string("s-2"), atPath: "session")
            try await worker.sendRaw(type: "worker.hello", body: Array(later.compactJSON.utf8))
            #expect(try await worker.next(.refused, as: GatewayRefusal.self).session == "s-2")

            try await worker.sendRaw(type: "worker.teleport", body: Array("{}".utf8))
            let unknown = try await dead.take(type: "worker.teleport")
            #expect(unknown.properties.headers["x-kiln-reason"]?.stringValue?.contains("worker.teleport") == true)
            #expect(try await gateway.row("SELECT 1 FROM workers") == nil)
        }
    }

    @Test("self-registration is bounded: beyond KILN_GATEWAY_REGISTRATION_LIMIT waiting, or the per-minute rate, a hello is refused and registers nothing")
    func selfRegistrationIsBounded() async throws {
        try await GatewayHarness.run(
            environment: ["KILN_GATEWAY_REGISTRATION_LIMIT": "3", "KILN_GATEWAY_REGISTRATIONS_PER_MINUTE": "100"]
        ) { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let queue = try await worker.queue()
            var codes: [String] = []
            for index in 1...5 {
                try await worker.send(
                    .hello,
                    WorkerHello(
                        token: TokenRepository.generateSecret(), fqdn: "flood-\(index).lan", workerType: .external,
                        queue: queue, metadata: [:]))
                codes.append(try await worker.next(.refused, as: GatewayRefusal.self).reasonCode)
            }
            #expect(codes == ["TOKEN_DISABLED", "TOKEN_DISABLED", "TOKEN_DISABLED", "REGISTRATION_LIMIT", "REGISTRATION_LIMIT"])
            #expect(try await gateway.pool.query("SELECT count(*) FROM workers").rows[0].decode(Int.self, at: 0) == 3)
            #expect(gateway.log.contains("self-registration refused"))

            // An admin purges the waiting ones (all registered "an hour ago" here); registration opens again.
            try await gateway.pool.query("UPDATE workers SET registered_at = now() - interval '2 hours'")
            let purged = try await gateway.pool.withTransaction { conn in
                try await WorkerRepository.purgeNeverEnabled(olderThan: .seconds(3600), dryRun: false, on: conn)
            }
            #expect(purged == ["flood-1-lan", "flood-2-lan", "flood-3-lan"])
            try await worker.send(
                .hello,
                WorkerHello(token: TokenRepository.generateSecret(), fqdn: "after.lan", workerType: .external, queue: queue, metadata: [:]))
            #expect(try await worker.next(.refused, as: GatewayRefusal.self).reasonCode == "TOKEN_DISABLED")
        }
    }

    @Test("self-registration rate: beyond KILN_GATEWAY_REGISTRATIONS_PER_MINUTE in the last minute a hello is refused")
    func selfRegistrationRate() async throws {
        try await GatewayHarness.run(environment: ["KILN_GATEWAY_REGISTRATIONS_PER_MINUTE": "2"]) { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let queue = try await worker.queue()
            var codes: [String] = []
            for index in 1...3 {
                try await worker.send(
                    .hello,
                    WorkerHello(
                        token: TokenRepository.generateSecret(), fqdn: "burst-\(index).lan", workerType: .external,
                        queue: queue, metadata: [:]))
                codes.append(try await worker.next(.refused, as: GatewayRefusal.self).reasonCode)
            }
            #expect(codes == ["TOKEN_DISABLED", "TOKEN_DISABLED", "REGISTRATION_RATE"])
            // A minute later (simulated) the next one registers.
            try await gateway.pool.query("UPDATE workers SET registered_at = now() - interval '2 minutes'")
            try await worker.send(
                .hello,
                WorkerHello(token: TokenRepository.generateSecret(), fqdn: "later.lan", workerType: .external, queue: queue, metadata: [:]))
            #expect(try await worker.next(.refused, as: GatewayRefusal.self).reasonCode == "TOKEN_DISABLED")
        }
    }

    @Test("a flood of hellos with new tokens, all in flight at once, registers no more than the per-minute limit (found by deploy/chaos)")
    func concurrentFloodStaysWithinTheRate() async throws {
        try await GatewayHarness.run(environment: ["KILN_GATEWAY_REGISTRATIONS_PER_MINUTE": "5"]) { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let queue = try await worker.queue()
            for index in 1...40 {
                try await worker.send(
                    .hello,
                    WorkerHello(
                        token: TokenRepository.generateSecret(), fqdn: "flood-\(index).lan", workerType: .external,
                        queue: queue, metadata: [:]))
            }
            var codes: [String: Int] = [:]
            for _ in 1...40 { codes[try await worker.next(.refused, as: GatewayRefusal.self).reasonCode, default: 0] += 1 }
            #expect(codes == ["TOKEN_DISABLED": 5, "REGISTRATION_RATE": 35])
            #expect(try await gateway.row("SELECT count(*) FROM workers")?.decode(Int.self, at: 0) == 5)
        }
    }
}
