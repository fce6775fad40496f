import AMQP
import Foundation
import Synchronization
import Testing

extension AMQPIntegrationTests {
    @Test("a publish stream across a broker restart loses no confirmed message")
    func publishAcrossBrokerRestart() async throws {
        let queue = TestBroker.uniqueName("restart")
        // Durable classic queue, persistent messages: what the broker confirmed is on disk and survives.
        let topology = Topology(queues: [.classic(name: queue, arguments: ["x-expires": .int(600_000)])])
        let publisher = AMQPPublisher(configuration: try TestBroker.configuration(), topology: topology)
        try await publisher.connect()

        let restartDone = Mutex(false)
        let restart = Task {
            defer { restartDone.withLock { $0 = true } }
            return try await TestBroker.runNodeScript("restart")
        }
        var confirmed: Set<String> = []
        var batches = 0
        // Keep publishing while the broker goes down and comes back, then a few batches more.
        var batchesAfterRestart = 0
        let giveUp = ContinuousClock.now + .seconds(75)
        while batchesAfterRestart < 5, ContinuousClock.now < giveUp {
            let batch = (0..<20).map { index in
                OutgoingMessage(exchange: "", routingKey: queue, text: "batch \(batches) #\(index)")
            }
            let results = try await publisher.publish(batch, window: 10)
            for (message, result) in zip(batch, results) {
                try result.get()
                confirmed.insert(try #require(message.properties.messageID))
            }
            batches += 1
            if restartDone.withLock({ $0 }) { batchesAfterRestart += 1 }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(batchesAfterRestart == 5, "the broker restart did not finish within 75 s")
        let restartStatus = try await restart.value
        #expect(restartStatus == 0)
        #expect(await publisher.connectionsOpened >= 2)

        let consumer = AMQPConsumer(configuration: try TestBroker.configuration(), topology: topology)
        let collector = DeliveryCollector()
        try await consumer.addConsumer(queue: queue, prefetch: 200) { delivery in
            delivery.ack()
            await collector.add(delivery)
        }
        let expected = confirmed
        let received = try await withRunningConsumer(consumer) {
            await collector.wait(timeout: .seconds(30)) { deliveries in
                expected.isSubset(of: Set(deliveries.compactMap(\.properties.messageID)))
            }
        }
        let arrived = Set(received.compactMap(\.properties.messageID))
        #expect(confirmed.subtracting(arrived).isEmpty, "confirmed but lost: \(confirmed.subtracting(arrived).count)")
        #expect(confirmed.count >= 100)
        try await publisher.deleteQueue(queue)
        await publisher.close()
    }
}
