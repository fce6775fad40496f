import AMQP
import Foundation
import KilnCore
import KilnWorker
import Logging
import ServiceKit

/// A `WorkerAgent` wired to a real consumer and publisher exactly as `kiln-worker`'s main wires them, run in
/// the test process so a test can cut its connection or give it a registry with test-only tasks.
final class InProcessWorker: Sendable {
    let agent: WorkerAgent
    let consumer: AMQPConsumer
    let publisher: AMQPPublisher
    let tokenFolder: String
    private let consuming: Task<Void, any Error>
    private let control: Task<Void, Never>

    init(gateway: FakeGateway, registry: TaskRegistry) async throws {
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
        let consumer = self.consumer
        consuming = Task { try await consumer.run() }
        control = Task { await agent.runControlLoop() }
    }

    func stop() async {
        consuming.cancel()
        control.cancel()
        _ = await consuming.result
        _ = await control.value
        await publisher.close()
        try? FileManager.default.removeItem(atPath: tokenFolder)
    }
}
