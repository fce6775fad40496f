import AMQP
import Foundation
import Testing

extension AMQPIntegrationTests {
    /// The services ack from their handler's task, after the consumer loop has gone back to waiting for the
    /// next frame. That wait used to run to its end (250 ms) before the ack was written, and with the prefetch
    /// window full the broker sent nothing meanwhile: every service moved at most `prefetch` deliveries per
    /// wait (32 work requests a second at prefetch 8). Here the idle wait is 30 s, so a consumer that still
    /// waited it out would need over four minutes for these ten deliveries at prefetch 1; the deadline below
    /// is one minute, generous for a loaded machine and far short of that.
    @Test("an ack queued from another task ends the consumer's wait at once (prefetch 1, 30 s idle wait)")
    func ackFromAnotherTaskEndsTheWait() async throws {
        let queue = TestBroker.uniqueName("ack-wakes")
        let topology = Topology(queues: [.classic(name: queue, arguments: TestBroker.expiring)])
        let configuration = try TestBroker.configuration(heartbeat: .zero)
        let publisher = AMQPPublisher(configuration: configuration, topology: topology)
        let count = 10
        let sent = (0..<count).map { OutgoingMessage(exchange: "", routingKey: queue, text: "\($0)") }
        for result in try await publisher.publish(sent, window: count) { try result.get() }

        let consumer = AMQPConsumer(configuration: configuration, topology: topology, idleWait: .seconds(30))
        let (handed, handOff) = AsyncStream.makeStream(of: Delivery.self)
        try await consumer.addConsumer(queue: queue, prefetch: 1) { delivery in
            handOff.yield(delivery)  // the receive loop only hands over, as BoundedDeliveryLoop does
        }
        let acked = DeliveryCollector()
        let handlers = Task {
            for await delivery in handed {
                try? await Task.sleep(for: .milliseconds(1))  // the handler's work
                delivery.ack()
                await acked.add(delivery)
            }
        }
        let handled = try await withRunningConsumer(consumer) {
            await acked.wait(timeout: .seconds(60)) { $0.count == count }
        }
        handOff.finish()
        await handlers.value
        #expect(handled.count == count, "only \(handled.count) of \(count) handled: acks waited for the idle wait")
        #expect(Set(handled.map(\.text)) == Set((0..<count).map { "\($0)" }))
        try await publisher.deleteQueue(queue)
        await publisher.close()
    }
}
