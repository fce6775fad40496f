import AMQP
import Foundation
import KilnCore
import Synchronization

/// Collects the deliveries a ``TestWorker`` received and waits for one that matches.
public actor DeliveryBox {
    public private(set) var deliveries: [Delivery] = []

    public init() {}

    public func add(_ delivery: Delivery) { deliveries.append(delivery) }

    /// The first delivery of `type` not taken before, waiting up to `timeout`.
    public func take(type: String, timeout: Duration = .seconds(20), where matches: @Sendable (Delivery) -> Bool = { _ in true })
        async throws -> Delivery
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let index = deliveries.firstIndex(where: { $0.properties.type == type && matches($0) }) {
                return deliveries.remove(at: index)
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw HarnessError("no \(type) arrived within \(timeout); got \(deliveries.map { $0.properties.type ?? "?" })")
    }

    /// How many deliveries of `type` are waiting.
    public func count(type: String) -> Int { deliveries.filter { $0.properties.type == type }.count }
}

/// The latest name of the worker's server-named queue, shared with the consumer's callback.
final class QueueNameBox: Sendable {
    let name = Mutex<String?>(nil)
}

/// The test playing a `kiln-worker` at the protocol level (where no real worker can: malformed input,
/// stale epochs, a task version the real binary does not have): the restricted `kiln-worker` account, an exclusive server-named
/// `amq.gen-…` queue it reads its gateway messages from, and publishing to `kiln.gateway` only.
public final class TestWorker: Sendable {
    public let consumer: AMQPConsumer
    public let publisher: AMQPPublisher
    public let received = DeliveryBox()
    private let queueName = QueueNameBox()
    private let running: Task<Void, any Error>

    public init(url: String) async throws {
        var configuration = try AMQPConnectionConfiguration(url: url)
        configuration.reconnectBackoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
        consumer = AMQPConsumer(configuration: configuration)
        publisher = AMQPPublisher(configuration: configuration)
        let box = received
        let names = queueName
        try await consumer.addServerNamedQueueConsumer(prefetch: 10) { name in
            names.name.withLock { $0 = name }
        } handler: { delivery in
            delivery.ack()
            await box.add(delivery)
        }
        let consumer = self.consumer
        running = Task { try await consumer.run() }
        _ = try await queue()
    }

    /// The queue the broker named (waits for the first declaration).
    public func queue() async throws -> String {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let name = queueName.name.withLock({ $0 }) { return name }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("the worker's server-named queue was never declared")
    }

    /// Publishes a worker message the way `kiln-worker` does: `kiln.gateway`, routing key and `type` = kind.
    public func send(_ kind: WorkerMessageKind, _ body: some Encodable) async throws {
        try await sendRaw(type: kind.rawValue, body: try MessageCodec.encode(body))
    }

    /// Publishes arbitrary bytes with an arbitrary `type` (malformed-input tests).
    public func sendRaw(type: String, body: [UInt8]) async throws {
        try await publisher.publish(
            OutgoingMessage(
                exchange: "kiln.gateway", routingKey: type, body: body,
                properties: MessageProperties(type: type, appID: "kiln-worker")))
    }

    /// Decodes the next gateway message of `kind`.
    public func next<Body: VersionedMessage>(
        _ kind: GatewayMessageKind, as type: Body.Type, timeout: Duration = .seconds(20)
    ) async throws -> Body {
        let delivery = try await received.take(type: kind.rawValue, timeout: timeout)
        return try MessageCodec.decode(Body.self, from: delivery.body)
    }

    public func stop() async {
        running.cancel()
        _ = try? await running.value
        await publisher.close()
    }
}
