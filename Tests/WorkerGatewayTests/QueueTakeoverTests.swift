import AMQP
import Foundation
import KilnCore
import KilnTestSupport
import Store
import Testing

@Suite("worker-gateway: a worker's queue is its own (real process, broker and database)", .timeLimit(.minutes(3)))
struct QueueTakeoverTests {
    @Test("a hello naming another connected worker's queue is refused, nothing reaches that queue, nothing changes")
    func foreignQueueHelloIsRefused() async throws {
        try await GatewayHarness.run { gateway in
            let victim = try await TestWorker(url: gateway.workerAMQPURL)
            let impostor = try await TestWorker(url: gateway.workerAMQPURL)
            defer {
                Task {
                    await victim.stop()
                    await impostor.stop()
                }
            }
            let victimToken = TokenRepository.generateSecret()
            _ = try await gateway.enabledWorker(victim, token: victimToken, fqdn: "victim.lan")
            let impostorToken = TokenRepository.generateSecret()
            _ = try await gateway.enabledWorker(impostor, token: impostorToken, fqdn: "impostor.lan")
            let victimQueue = try await victim.queue()
            let impostorQueue = try await impostor.queue()

            // The impostor, with its own valid token, names the victim's server-named queue.
            try await impostor.send(
                .hello,
                WorkerHello(
                    token: impostorToken, fqdn: "impostor.lan", workerType: .external, queue: victimQueue, metadata: [:],
                    session: "impostor-session"))
            try await waitUntil("the gateway handled the forged hello") {
                gateway.service.logged("worker message handled") { ($0["outcome"] as? String) == "refused_queue_in_use" }
            }
            #expect(gateway.log.contains("hello refused: its reply queue belongs to another connected worker"))

            // No secret needed for the other refusals either: an unknown token with a made-up activation token
            // and no session would be refused INVALID_ACTIVATION_TOKEN — never on the victim's queue.
            try await impostor.send(
                .hello,
                WorkerHello(
                    token: TokenRepository.generateSecret(), activationToken: "made-up", fqdn: "nobody.lan",
                    workerType: .external, queue: victimQueue, metadata: [:]))
            try await waitUntil("the gateway handled the second forged hello") {
                gateway.service.logLines().filter {
                    ($0["msg"] as? String) == "worker message handled" && ($0["outcome"] as? String) == "refused_queue_in_use"
                }.count == 2
            }
            #expect(await victim.received.count(type: GatewayMessageKind.welcome.rawValue) == 0)
            #expect(await victim.received.count(type: GatewayMessageKind.refused.rawValue) == 0)
            let queues = try await gateway.pool.query(
                "SELECT name, queue_name FROM workers WHERE name IN ('victim-lan', 'impostor-lan') ORDER BY name"
            ).rows.map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1)) }
            #expect(queues.map(\.0) == ["impostor-lan", "victim-lan"])
            #expect(queues.map(\.1) == [impostorQueue, victimQueue], "neither worker's queue changed")

            // The victim's own hello is still welcomed, and the welcome echoes its session.
            try await victim.send(
                .hello,
                WorkerHello(
                    token: victimToken, fqdn: "victim.lan", workerType: .external, queue: victimQueue, metadata: [:],
                    session: "victim-session"))
            let welcome = try await victim.next(.welcome, as: GatewayWelcome.self)
            #expect(welcome.workerName == "victim-lan")
            #expect(welcome.session == "victim-session")
        }
    }
}
