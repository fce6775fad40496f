import AMQP
import Foundation
import KilnCore
import KilnWorker
import Logging
import ServiceKit
import ServiceLifecycle

/// A `WorkerAgent` wired to a real consumer and publisher exactly as `kiln-worker`'s main wires them — the
/// same services in a service group — run in the test process so a test can cut its connection or give it a
/// registry with test-only tasks.
final class InProcessWorker: Sendable {
    let agent: WorkerAgent
    let consumer: AMQPConsumer
    let publisher: AMQPPublisher
    let tokenFolder: String
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    /// `metadataRefresh`: the host probe the agent service runs, as `kiln-worker`'s main passes it.
    init(
        gateway: FakeGateway, registry: TaskRegistry,
        metadataRefresh: (interval: Duration, probe: @Sendable () -> [String: JSONValue]?)? = nil
    ) async throws {
        tokenFolder = NSTemporaryDirectory() + "kiln-worker-\(gateway.prefix)"
        let configuration = try WorkerConfiguration(
            environment: EnvironmentReader(variables: [
                "KILN_AMQP_URL": gateway.workerURL, "KILN_WORKER_TOKEN_FILE": tokenFolder + "/token",
                "KILN_WORKER_GATEWAY_ROUTING_PREFIX": gateway.prefix, "KILN_WORKER_HELLO_RETRY_MAX": "1s",
            ]))
        var amqp = try AMQPConnectionConfiguration(url: configuration.amqpURL)
        amqp.reconnectBackoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
        let token = try WorkerTokenFile.loadOrCreate(at: configuration.tokenFile).token
        publisher = AMQPPublisher(configuration: amqp)
        consumer = AMQPConsumer(configuration: amqp)
        let agent = WorkerAgent(
            configuration: configuration, token: token, metadata: ["provided_tags": .array([])], registry: registry,
            publisher: publisher, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        self.agent = agent
        try await consumer.addServerNamedQueueConsumer(prefetch: 10) { await agent.queueDeclared($0) } handler: {
            await agent.handle($0)
            $0.ack()
        }
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let group = ServiceGroup(
            services: [
                PublisherHeartbeatService(publisher: publisher), WorkerQueueConsumerService(consumer: consumer),
                WorkerAgentService(agent: agent, logger: logger, metadataRefresh: metadataRefresh),
            ],
            gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        self.group = group
        running = Task { try await group.run() }
    }

    /// Shuts the group down gracefully, as a SIGTERM does (the agent drains first); a drain that a test's
    /// never-ending task holds up is cut short after 30 s, as a second signal would.
    func stop() async {
        await group.triggerGracefulShutdown()
        let running = self.running
        let deadline = Task {
            try await Task.sleep(for: .seconds(30))
            running.cancel()
        }
        _ = await running.result
        deadline.cancel()
        await publisher.close()
        try? FileManager.default.removeItem(atPath: tokenFolder)
    }
}
