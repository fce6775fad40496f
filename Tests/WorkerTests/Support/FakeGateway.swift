import AMQP
import Foundation
import KilnCore
import KilnTestSupport
import Synchronization

/// The gateway side of the protocol, played by the test over AMQP with the service account: a per-test queue
/// bound to `kiln.gateway` with the test's own routing-key prefix (so the real `worker-gateway.workers`
/// queue, bound with `#`, is the only other taker — it may exist on the shared broker and simply gets copies),
/// and a publisher that writes to the worker's private queue through the default exchange.
final class FakeGateway: Sendable {
    /// The test's private vhost (deleted by ``close()``): the worker under test logs in there as `kiln-worker`.
    let broker: TestVirtualHost
    var workerURL: String { broker.workerURL }

    let prefix: String
    let queue: String
    let publisher: AMQPPublisher
    let received = MessageLog()
    private let configuration: AMQPConnectionConfiguration
    private let topology: Topology
    private let running = Mutex<[Task<Void, any Error>]>([])

    init() async throws {
        let id = UUID().uuidString.lowercased().prefix(8)
        prefix = "test-worker-\(id)"
        queue = "test.gateway.\(id)"
        broker = try await TestVirtualHost.create(prefix: "kiln-worker-test")
        var configuration = try AMQPConnectionConfiguration(url: broker.serviceURL)
        configuration.reconnectBackoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
        let topology = Topology(
            exchanges: [ExchangeDeclaration(name: "kiln.gateway", kind: .topic)],
            queues: [.classic(name: queue, arguments: ["x-expires": .int(120_000)])],
            bindings: [QueueBinding(queue: queue, exchange: "kiln.gateway", routingKey: "\(prefix).#")]
        )
        self.configuration = configuration
        self.topology = topology
        publisher = AMQPPublisher(configuration: configuration, topology: topology)
        do {
            try await publisher.connect()
            try await startConsumer()
        } catch {
            // No caller will call close() on a gateway that failed to start: its vhost goes now.
            await close()
            throw error
        }
    }

    /// Starts (again) consuming the gateway queue, declaring it if it is gone (a consumer whose queue was
    /// deleted stops for good: the broker refuses the re-subscription with 404).
    func startConsumer() async throws {
        let consumer = AMQPConsumer(configuration: configuration, topology: topology)
        let log = received
        try await consumer.addConsumer(queue: queue, prefetch: 50) { delivery in
            delivery.ack()
            await log.add(delivery)
        }
        let task = Task { try await consumer.run() }
        running.withLock { $0.append(task) }
    }

    /// Sends a gateway message to the worker's queue, with its kind in the `type` property.
    func send(_ body: some Encodable, kind: GatewayMessageKind, to workerQueue: String) async throws {
        try await publisher.publish(
            OutgoingMessage(
                exchange: "",
                routingKey: workerQueue,
                body: try MessageCodec.encode(body),
                properties: MessageProperties(type: kind.rawValue, appID: "worker-gateway")
            )
        )
    }

    func close() async {
        for task in running.withLock({ $0 }) {
            task.cancel()
            _ = await task.result
        }
        try? await publisher.deleteQueue(queue)
        await publisher.close()
        await broker.delete()
    }
}

/// What the fake gateway received, by kind.
actor MessageLog {
    private(set) var deliveries: [Delivery] = []

    func add(_ delivery: Delivery) { deliveries.append(delivery) }

    func all(_ kind: WorkerMessageKind) -> [Delivery] {
        deliveries.filter { $0.properties.type == kind.rawValue }
    }

    /// Waits until at least `count` messages of `kind` arrived; returns them (possibly fewer on timeout).
    func wait(for kind: WorkerMessageKind, count: Int = 1, timeout: Duration = .seconds(20)) async -> [Delivery] {
        let deadline = ContinuousClock.now + timeout
        while all(kind).count < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return all(kind)
    }

    /// Decoded results for one work request.
    func results(for workRequestID: Int) throws -> [WorkerResult] {
        try all(.result).map { try MessageCodec.decode(WorkerResult.self, from: $0.body) }
            .filter { $0.workRequestID == workRequestID }
    }
}
