import AMQP
import Foundation
import Synchronization
import Testing

/// Collects the names a server-named queue gets, in order.
actor QueueNameLog {
    private(set) var names: [String] = []

    func add(_ name: String) { names.append(name) }

    func wait(timeout: Duration = .seconds(90), until condition: @Sendable ([String]) -> Bool) async -> [String] {
        let deadline = ContinuousClock.now + timeout
        while !condition(names), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return names
    }
}

extension AMQPIntegrationTests {
    @Test("a server-named exclusive queue gets an amq.gen name, receives, and is replaced by a new one on reconnect")
    func serverNamedQueueAcrossReconnect() async throws {
        // The restricted worker account: it may configure and read only amq.gen-* queues.
        let workerURL = TestBroker.url.replacingOccurrences(of: "//kiln:kiln@", with: "//kiln-worker:kiln-worker@")
        var configuration = try AMQPConnectionConfiguration(url: workerURL)
        configuration.reconnectBackoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
        let consumer = AMQPConsumer(configuration: configuration)
        let names = QueueNameLog()
        let received = DeliveryCollector()
        try await consumer.addServerNamedQueueConsumer(prefetch: 5) { name in
            await names.add(name)
        } handler: { delivery in
            delivery.ack()
            await received.add(delivery)
        }
        let publisher = AMQPPublisher(configuration: try TestBroker.configuration())
        let running = Task { try await consumer.run() }
        defer { running.cancel() }

        let first = try #require(await names.wait { $0.count == 1 }.first)
        #expect(first.hasPrefix("amq.gen-"))
        #expect(await consumer.serverNamedQueueNames == [first])
        try await publisher.publish(OutgoingMessage(exchange: "", routingKey: first, text: "to the first queue"))
        #expect(await received.wait { $0.count == 1 }.map(\.text) == ["to the first queue"])

        // Drop the connection under the running consumer: it reconnects and declares a fresh queue.
        await consumer.shutdown()
        let afterReconnect = await names.wait { $0.count == 2 }
        let second = try #require(afterReconnect.count == 2 ? afterReconnect[1] : nil)
        #expect(second.hasPrefix("amq.gen-"))
        #expect(second != first)
        // At least two: on a loaded machine a reconnect attempt may time out and be retried.
        #expect(await consumer.connectionsOpened >= 2)

        // The old queue died with its connection (exclusive + auto-delete): a mandatory message comes back.
        await #expect(throws: AMQPError.self) {
            try await publisher.publish(OutgoingMessage(exchange: "", routingKey: first, text: "lost"))
        }
        try await publisher.publish(OutgoingMessage(exchange: "", routingKey: second, text: "to the second queue"))
        let all = await received.wait { $0.count == 2 }
        #expect(all.map(\.text) == ["to the first queue", "to the second queue"])
        #expect(all.last?.queue == second)
        running.cancel()
        _ = await running.result
        await publisher.close()
    }

    @Test("a server-named consumer refuses a prefetch of 0")
    func serverNamedQueueRefusesZeroPrefetch() async throws {
        let consumer = AMQPConsumer(configuration: try TestBroker.configuration())
        await #expect(throws: AMQPError.invalidArgument("prefetch must be at least 1 for a server-named queue, got 0")) {
            try await consumer.addServerNamedQueueConsumer(prefetch: 0) { _ in } handler: { $0.ack() }
        }
    }
}
