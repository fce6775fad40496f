import AMQP
import Foundation
import KilnCore
import KilnTasks
import KilnWorker
import Logging
import ServiceKit
import Synchronization
import Testing

/// The reconnect path, in process (the binary's connection cannot be cut from outside without broker admin
/// rights): the agent wired to a real consumer exactly as `kiln-worker` wires it, the consumer's connection
/// dropped under it.
@Suite("kiln-worker reconnect against RabbitMQ", .timeLimit(.minutes(1)))
struct WorkerReconnectTests {
    @Test("over AMQP (Debusine `WorkerConsumer.connect`): after a reconnect the worker has a new queue, says hello again with it, and resumes heartbeats")
    func newQueueNewHelloAfterReconnect() async throws {
        let gateway = try await FakeGateway()
        let worker = try await InProcessWorker(gateway: gateway, registry: try KilnTasks.registry())
        let (agent, consumer) = (worker.agent, worker.consumer)

        let firstHello = try MessageCodec.decode(
            WorkerHello.self, from: try #require(await gateway.received.wait(for: .hello).first).body)
        try await gateway.send(
            GatewayWelcome(workerID: 1, workerName: "w", heartbeatSeconds: 1, leaseSeconds: 5, session: firstHello.session),
            kind: .welcome, to: firstHello.queue)
        #expect(await gateway.received.wait(for: .heartbeat).count >= 1)

        await consumer.shutdown()  // the connection is lost under the running consumer
        let hellos = await gateway.received.wait(for: .hello, count: 2)
        let secondHello = try MessageCodec.decode(WorkerHello.self, from: try #require(hellos.last).body)
        #expect(secondHello.queue.hasPrefix("amq.gen-"))
        #expect(secondHello.queue != firstHello.queue)
        #expect(secondHello.token == firstHello.token)
        // Until the gateway welcomes the new queue, no heartbeat is sent.
        #expect(await agent.phase == .greeting(queue: secondHello.queue))
        let beatsBefore = await gateway.received.all(.heartbeat).count
        try await gateway.send(
            GatewayWelcome(workerID: 1, workerName: "w", heartbeatSeconds: 1, leaseSeconds: 5, session: secondHello.session),
            kind: .welcome, to: secondHello.queue)
        #expect(await gateway.received.wait(for: .heartbeat, count: beatsBefore + 1).count > beatsBefore)
        #expect(await agent.phase == .welcomed(queue: secondHello.queue, workerName: "w", heartbeat: .seconds(1)))

        await worker.stop()
        await gateway.close()
    }

    /// Debusine's server asks for the worker's metadata every hour (`server/consumers.py`
    /// `_dynamic_metadata_refresher`); Kiln's worker probes its host on its own schedule and sends what changed.
    @Test("over AMQP: a host probe that finds other metadata sends one worker.metadata-update to the gateway")
    func metadataRefreshReachesTheGateway() async throws {
        let gateway = try await FakeGateway()
        let changed: [String: JSONValue] = ["provided_tags": ["worker:cap:sbuild"], "system:cpu_count": 4]
        // The host "changes" once the worker is welcomed (before, the probe finds what it started with), so the
        // change cannot ride on a retried hello however slow the machine.
        let hostChanged = Mutex(false)
        let worker = try await InProcessWorker(
            gateway: gateway, registry: try KilnTasks.registry(),
            metadataRefresh: (
                .milliseconds(200), { hostChanged.withLock { $0 } ? changed : ["provided_tags": .array([])] }
            ))
        let hello = try MessageCodec.decode(
            WorkerHello.self, from: try #require(await gateway.received.wait(for: .hello).first).body)
        try await gateway.send(
            GatewayWelcome(workerID: 1, workerName: "w", heartbeatSeconds: 1, leaseSeconds: 5, session: hello.session),
            kind: .welcome, to: hello.queue)
        _ = await gateway.received.wait(for: .heartbeat)
        hostChanged.withLock { $0 = true }
        let update = try MessageCodec.decode(
            WorkerMetadataUpdate.self, from: try #require(await gateway.received.wait(for: .metadata).first).body)
        #expect(update.token == hello.token && update.metadata == changed)
        // The same metadata probed again (every 200 ms) is not sent again.
        let beats = await gateway.received.all(.heartbeat).count
        _ = await gateway.received.wait(for: .heartbeat, count: beats + 2)
        #expect(await gateway.received.all(.metadata).count == 1)
        await worker.stop()
        await gateway.close()
    }
}
