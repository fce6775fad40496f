import AMQP
import Foundation
import Testing

extension AMQPIntegrationTests {
    @Test("unacked deliveries come back with the redelivered flag after their channel closes")
    func redeliveryAfterChannelClose() async throws {
        let queue = TestBroker.uniqueName("redeliver")
        let topology = Topology(queues: [.classic(name: queue, arguments: TestBroker.expiring)])
        let publisher = AMQPPublisher(configuration: try TestBroker.configuration(), topology: topology)
        let sent = (0..<3).map { OutgoingMessage(exchange: "", routingKey: queue, text: "\($0)") }
        for result in try await publisher.publish(sent, window: 3) { try result.get() }

        let first = AMQPConsumer(configuration: try TestBroker.configuration(), topology: topology)
        let seenFirst = DeliveryCollector()
        try await first.addConsumer(queue: queue, prefetch: 10) { delivery in
            await seenFirst.add(delivery)  // never settled
        }
        let firstRound = try await withRunningConsumer(first) { await seenFirst.wait { $0.count == 3 } }
        #expect(firstRound.count == 3)
        #expect(firstRound.allSatisfy { !$0.redelivered })
        // run() ended: its connection, and with it the channel holding the unacked deliveries, is closed.

        let second = AMQPConsumer(configuration: try TestBroker.configuration(), topology: topology)
        let seenSecond = DeliveryCollector()
        try await second.addConsumer(queue: queue, prefetch: 10) { delivery in
            delivery.ack()
            await seenSecond.add(delivery)
        }
        let secondRound = try await withRunningConsumer(second) { await seenSecond.wait { $0.count == 3 } }
        #expect(Set(secondRound.map(\.text)) == ["0", "1", "2"])
        #expect(secondRound.allSatisfy { $0.redelivered })
        #expect(
            Set(secondRound.compactMap(\.properties.messageID)) == Set(sent.compactMap(\.properties.messageID)))
        await publisher.close()
    }

    @Test("a quorum queue dead-letters a message past its delivery limit with reason delivery_limit")
    func deadLetterAfterDeliveryLimit() async throws {
        let inbox = TestBroker.uniqueName("inbox")
        let deadExchange = TestBroker.uniqueName("dlx")
        let deadQueue = TestBroker.uniqueName("dead")
        let topology = Topology(
            exchanges: [ExchangeDeclaration(name: deadExchange, kind: .fanout, durable: true)],
            queues: [
                .quorum(name: inbox, deliveryLimit: 1, deadLetterExchange: deadExchange, arguments: TestBroker.expiring),
                .classic(name: deadQueue, arguments: TestBroker.expiring),
            ],
            bindings: [QueueBinding(queue: deadQueue, exchange: deadExchange, routingKey: "")])
        let publisher = AMQPPublisher(configuration: try TestBroker.configuration(), topology: topology)
        let message = OutgoingMessage(exchange: "", routingKey: inbox, text: "poison")
        try await publisher.publish(message)

        let consumer = AMQPConsumer(configuration: try TestBroker.configuration(), topology: topology)
        let attempts = DeliveryCollector()
        try await consumer.addConsumer(queue: inbox, prefetch: 1) { delivery in
            await attempts.add(delivery)
            delivery.nack(requeue: true)  // a handler that always fails
        }
        let dead = DeliveryCollector()
        try await consumer.addConsumer(queue: deadQueue, prefetch: 1) { delivery in
            delivery.ack()
            await dead.add(delivery)
        }
        let deadLettered = try await withRunningConsumer(consumer) { await dead.wait { $0.count == 1 } }
        let tries = await attempts.deliveries
        #expect(tries.count == 2)
        #expect(tries.first?.deliveryCount == nil)
        #expect(tries.last?.deliveryCount == 1)
        #expect(tries.last?.redelivered == true)
        let letter = try #require(deadLettered.first)
        #expect(letter.properties.messageID == message.properties.messageID)
        #expect(letter.deaths.first?["reason"]?.stringValue == "delivery_limit")
        #expect(letter.deaths.first?["queue"]?.stringValue == inbox)
        try await publisher.deleteQueue(inbox)
        await publisher.close()
    }

    @Test("request/reply over direct reply-to answers, and times out when nobody answers")
    func requestReply() async throws {
        let serviceQueue = TestBroker.uniqueName("rpc")
        let topology = Topology(queues: [.classic(name: serviceQueue, arguments: TestBroker.expiring)])
        let replies = AMQPPublisher(configuration: try TestBroker.configuration(), topology: topology)
        let server = AMQPConsumer(configuration: try TestBroker.configuration(), topology: topology)
        try await server.addConsumer(queue: serviceQueue, prefetch: 10) { request in
            var properties = MessageProperties(correlationID: request.properties.correlationID)
            properties.persistent = false
            let answer = OutgoingMessage(
                exchange: "", routingKey: request.properties.replyTo ?? "", text: "echo:" + request.text,
                properties: properties)
            try? await replies.publish(answer)
            request.ack()
        }
        try await replies.connect()  // declares the service queue before the first request
        let client = AMQPRequestReplyClient(configuration: try TestBroker.configuration())
        let reply = try await withRunningConsumer(server) {
            try await client.call(
                OutgoingMessage(exchange: "", routingKey: serviceQueue, text: "ping"), timeout: .seconds(120))
        }
        #expect(reply.text == "echo:ping")

        // Nobody consumes this queue: the request is routed, but no answer comes.
        await #expect(throws: AMQPError.replyTimeout(.seconds(1))) {
            try await client.call(
                OutgoingMessage(exchange: "", routingKey: serviceQueue, text: "anyone?"), timeout: .seconds(1))
        }
        // And no queue at all: unroutable, straight away.
        await #expect {
            try await client.call(
                OutgoingMessage(exchange: "", routingKey: TestBroker.uniqueName("void"), text: "?"), timeout: .seconds(5))
        } throws: { error in
            if case .unroutable(312, _, _) = error as? AMQPError { true } else { false }
        }
        await client.close()
        await replies.close()
    }
}
