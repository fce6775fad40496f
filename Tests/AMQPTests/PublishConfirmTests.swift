import AMQP
import Foundation
import Testing

/// Integration tests against the real private RabbitMQ node (`deploy/local/rabbitmq start`).
/// Each test uses its own queues, so they run in parallel; the broker restart lives in its own
/// "Disruptive" suite, which `deploy/test` runs last and alone.
@Suite("AMQP against RabbitMQ", .timeLimit(.minutes(2)))
struct AMQPIntegrationTests {
    @Test("a persistent mandatory publish is confirmed and arrives with its properties")
    func confirmedPublish() async throws {
        let queue = TestBroker.uniqueName("confirm")
        let topology = Topology(queues: [.classic(name: queue, arguments: TestBroker.expiring)])
        let publisher = AMQPPublisher(configuration: try TestBroker.configuration(), topology: topology)
        let properties = MessageProperties(
            messageID: "m-\(UUID())", type: "wr.pending", appID: "tests", correlationID: "c-1",
            headers: ["schema": 1, "origin": "test", "flags": .array([true, "x"])])
        try await publisher.publish(
            OutgoingMessage(exchange: "", routingKey: queue, text: #"{"x":1}"#, properties: properties))

        let consumer = AMQPConsumer(configuration: try TestBroker.configuration(), topology: topology)
        let collector = DeliveryCollector()
        try await consumer.addConsumer(queue: queue, prefetch: 10) { delivery in
            delivery.ack()
            await collector.add(delivery)
        }
        let received = try await withRunningConsumer(consumer) {
            await collector.wait { $0.count == 1 }
        }
        let delivery = try #require(received.first)
        #expect(delivery.text == #"{"x":1}"#)
        #expect(delivery.properties.messageID == properties.messageID)
        #expect(delivery.properties.type == "wr.pending")
        #expect(delivery.properties.appID == "tests")
        #expect(delivery.properties.correlationID == "c-1")
        #expect(delivery.properties.contentType == "application/json")
        #expect(delivery.properties.persistent)
        #expect(delivery.properties.timestamp == properties.timestamp)
        #expect(delivery.properties.headers == properties.headers)
        #expect(!delivery.redelivered)
        await publisher.close()
    }

    @Test("readyMessages counts what waits in a queue; a missing queue is a 404 that leaves the publisher working")
    func readyMessagesOfAQueue() async throws {
        let queue = TestBroker.uniqueName("depth")
        let topology = Topology(queues: [.classic(name: queue, arguments: TestBroker.expiring)])
        let publisher = AMQPPublisher(configuration: try TestBroker.configuration(), topology: topology)
        for index in 1...3 { try await publisher.publish(OutgoingMessage(exchange: "", routingKey: queue, text: "m\(index)")) }
        #expect(try await publisher.readyMessages(queue: queue) == 3)
        await #expect(throws: AMQPError.self) { try await publisher.readyMessages(queue: TestBroker.uniqueName("missing")) }
        try await publisher.publish(OutgoingMessage(exchange: "", routingKey: queue, text: "after the 404"))
        #expect(try await publisher.readyMessages(queue: queue) == 4)
        try await publisher.deleteQueue(queue)
        await publisher.close()
    }

    @Test("a replicated (quorum) declaration of a queue that exists as classic keeps the classic one; anything else still fails")
    func replicatedDeclarationAcceptsAnOlderClassicQueue() async throws {
        let name = TestBroker.uniqueName("was-classic")
        let classic = AMQPPublisher(
            configuration: try TestBroker.configuration(),
            topology: Topology(queues: [.classic(name: name, arguments: TestBroker.expiring)]))
        try await classic.connect()
        try await classic.publish(OutgoingMessage(exchange: "", routingKey: name, text: "kept"))
        await classic.close()
        let upgraded = AMQPPublisher(
            configuration: try TestBroker.configuration(),
            topology: Topology(queues: [.replicated(name: name, arguments: TestBroker.expiring)]))
        try await upgraded.connect()
        #expect(try await upgraded.readyMessages(queue: name) == 1)
        await upgraded.close()
        var strict = QueueDeclaration.replicated(name: name, arguments: TestBroker.expiring)
        strict.acceptsExistingArguments = false
        let refused = AMQPPublisher(configuration: try TestBroker.configuration(), topology: Topology(queues: [strict]))
        await #expect(throws: AMQPError.self) { try await refused.connect() }
        await refused.close()
        try await upgraded.deleteQueue(name)
        await upgraded.close()
    }

    @Test("a mandatory publish no queue takes fails as unroutable")
    func unroutable() async throws {
        let publisher = AMQPPublisher(configuration: try TestBroker.configuration())
        let message = OutgoingMessage(exchange: "", routingKey: TestBroker.uniqueName("nowhere"), text: "{}")
        await #expect(throws: AMQPError.unroutable(code: 312, text: "NO_ROUTE", messageID: message.properties.messageID)) {
            try await publisher.publish(message)
        }
        // The channel stays usable: a batch mixing routable and unroutable messages gets one outcome each.
        let queue = TestBroker.uniqueName("routable")
        try await AMQPPublisher(
            configuration: try TestBroker.configuration(),
            topology: Topology(queues: [.classic(name: queue, arguments: TestBroker.expiring)])
        ).connect()
        let results = try await publisher.publish(
            [
                OutgoingMessage(exchange: "", routingKey: queue, text: "1"), message,
                OutgoingMessage(exchange: "", routingKey: queue, text: "3"),
            ], window: 3)
        #expect((try? results[0].get()) != nil)
        #expect((try? results[1].get()) == nil)
        #expect((try? results[2].get()) != nil)
        await publisher.close()
    }

    @Test("a topology's unbindings remove a binding an earlier declaration made; removing a missing one is fine")
    func unbindingRemovesBinding() async throws {
        let queue = TestBroker.uniqueName("lane")
        let key = TestBroker.uniqueName("moved.key")
        // amq.topic always exists, so nothing is left behind but the expiring queue.
        let binding = QueueBinding(queue: queue, exchange: "amq.topic", routingKey: key)
        let declared = Topology(queues: [.classic(name: queue, arguments: TestBroker.expiring)], bindings: [binding])
        let first = AMQPPublisher(configuration: try TestBroker.configuration(), topology: declared)
        try await first.publish(OutgoingMessage(exchange: "amq.topic", routingKey: key, text: "bound"))
        // The next version of the topology retires the binding; declaring it twice is as good as once.
        var retired = declared
        retired.bindings = []
        retired.unbindings = [binding, binding]
        let second = AMQPPublisher(configuration: try TestBroker.configuration(), topology: retired)
        try await second.connect()
        let message = OutgoingMessage(exchange: "amq.topic", routingKey: key, text: "unbound")
        await #expect(throws: AMQPError.unroutable(code: 312, text: "NO_ROUTE", messageID: message.properties.messageID)) {
            try await second.publish(message)
        }
        try? await second.deleteQueue(queue)
        await first.close()
        await second.close()
    }

    @Test("a message the broker refuses (full queue, reject-publish) fails as nacked")
    func nacked() async throws {
        let queue = TestBroker.uniqueName("full")
        var arguments = TestBroker.expiring
        arguments["x-max-length"] = 0
        arguments["x-overflow"] = "reject-publish"
        let publisher = AMQPPublisher(
            configuration: try TestBroker.configuration(),
            topology: Topology(queues: [.classic(name: queue, arguments: arguments)]))
        let message = OutgoingMessage(exchange: "", routingKey: queue, text: "{}")
        await #expect(throws: AMQPError.nacked(messageID: message.properties.messageID)) {
            try await publisher.publish(message)
        }
        await publisher.close()
    }

    @Test("a publish to a missing exchange fails with the broker's 404, and the next publish works")
    func missingExchange() async throws {
        let queue = TestBroker.uniqueName("after404")
        let publisher = AMQPPublisher(
            configuration: try TestBroker.configuration(),
            topology: Topology(queues: [.classic(name: queue, arguments: TestBroker.expiring)]))
        await #expect {
            try await publisher.publish(OutgoingMessage(exchange: TestBroker.uniqueName("nope"), routingKey: "k", text: "{}"))
        } throws: { error in
            guard case .channelClosed(404, let text) = error as? AMQPError else { return false }
            return text.contains("NOT_FOUND")
        }
        try await publisher.publish(OutgoingMessage(exchange: "", routingKey: queue, text: "{}"))
        #expect(await publisher.connectionsOpened == 1)
        await publisher.close()
    }

    @Test("the restricted worker account may not publish to the default exchange (deploy/local/rabbitmq)")
    func workerAccountIsRestricted() async throws {
        guard let service = URLComponents(string: TestBroker.url), let host = service.host else {
            Issue.record("KILN_AMQP_URL is not a URL: \(TestBroker.url)")
            return
        }
        let worker = AMQPURL(
            host: host, port: service.port ?? 5672, user: "kiln-worker", password: "kiln-worker",
            virtualHost: "kiln")
        let publisher = AMQPPublisher(configuration: AMQPConnectionConfiguration(url: worker))
        await #expect {
            try await publisher.publish(OutgoingMessage(exchange: "", routingKey: "scheduler.inbox", text: "{}"))
        } throws: { error in
            if case .channelClosed(403, let text) = error as? AMQPError { text.contains("ACCESS_REFUSED") } else { false }
        }
        await publisher.close()
    }

    @Test("an oversize message is refused before publishing, and on receipt it is rejected without requeue")
    func oversize() async throws {
        let queue = TestBroker.uniqueName("big")
        let deadExchange = TestBroker.uniqueName("big.dlx")
        let deadQueue = TestBroker.uniqueName("big.dead")
        var arguments = TestBroker.expiring
        arguments["x-dead-letter-exchange"] = .string(deadExchange)
        let topology = Topology(
            exchanges: [ExchangeDeclaration(name: deadExchange, kind: .fanout, durable: false, autoDelete: true)],
            queues: [
                .classic(name: queue, arguments: arguments), .classic(name: deadQueue, arguments: TestBroker.expiring),
            ],
            bindings: [QueueBinding(queue: deadQueue, exchange: deadExchange, routingKey: "")])
        let capped = AMQPPublisher(configuration: try TestBroker.configuration(maxMessageSize: 1024), topology: topology)
        let big = OutgoingMessage(exchange: "", routingKey: queue, body: [UInt8](repeating: 7, count: 4096))
        await #expect(throws: AMQPError.messageTooLarge(size: 4096, limit: 1024)) { try await capped.publish(big) }

        // A sender with a larger cap gets it to the queue; a consumer with the 1 KiB cap must refuse it.
        let generous = AMQPPublisher(configuration: try TestBroker.configuration(), topology: topology)
        try await generous.publish(big)
        let consumer = AMQPConsumer(configuration: try TestBroker.configuration(maxMessageSize: 1024), topology: topology)
        let handled = DeliveryCollector()
        try await consumer.addConsumer(queue: queue, prefetch: 5) { delivery in
            delivery.ack()
            await handled.add(delivery)
        }
        // The dead-letter queue is read by a consumer with the default (1 MiB) cap.
        let deadReader = AMQPConsumer(configuration: try TestBroker.configuration(), topology: topology)
        let dead = DeliveryCollector()
        try await deadReader.addConsumer(queue: deadQueue, prefetch: 5) { delivery in
            delivery.ack()
            await dead.add(delivery)
        }
        let deadLettered = try await withRunningConsumer(consumer) {
            try await withRunningConsumer(deadReader) { await dead.wait { $0.count == 1 } }
        }
        #expect(await handled.deliveries.isEmpty)
        #expect(await consumer.oversizeRejections == 1)
        #expect(deadLettered.first?.body.count == 4096)
        #expect(deadLettered.first?.deaths.first?["reason"]?.stringValue == "rejected")
        await capped.close()
        await generous.close()
    }
}
