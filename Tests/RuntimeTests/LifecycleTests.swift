import KilnTestSupport
import AMQP
import Foundation
import KilnCore
import KilnRuntime
import Logging
import ServiceLifecycle
import Store
import Testing

@Suite("Runtime services under ServiceLifecycle", .serialized)
struct LifecycleTests {
    @Test("graceful shutdown of a service group drains the consumer and the relay publishes what it enqueued")
    func gracefulShutdownDrainsConsumerThenRelay() async throws {
        try await RuntimeHarness.with { harness in
            let relay = OutboxRelay(
                pool: harness.pool,
                publisher: AMQPOutboxPublisher(publisher: harness.publisher, appID: harness.queues.service, logger: TestServers.logger),
                configuration: .init(pollInterval: .seconds(60)), logger: TestServers.logger)
            let started = Collector<String>()
            // Each handled event enqueues a follow-up for the same inbox (published by the relay on shutdown at
            // the latest); follow-ups are recorded without a further one.
            let consumer = harness.consumer(concurrency: 2) { context, conn in
                await started.add(context.messageID)
                try await Task.sleep(for: .milliseconds(300))
                try await recordApplied(context, conn)
                if let id = context.event.workRequestID, id.rawValue < 100 {
                    try await EventOutbox.enqueue(
                        .pending(WorkRequestID(id.rawValue + 100)), on: conn, exchange: "",
                        routingKey: harness.queues.inbox)
                }
            }
            let group = ServiceGroup(
                services: [RelayService(relay: relay, logger: TestServers.logger), consumer],
                gracefulShutdownSignals: [], cancellationSignals: [], logger: TestServers.logger)
            let running = Task { try await group.run() }
            try await harness.publishEvent(workRequestID: 1, messageID: "first")
            #expect(await eventually { await started.values.contains("first") })
            await group.triggerGracefulShutdown()
            try await running.value

            #expect(consumer.statistics.handled == 1)
            #expect(try await harness.appliedRows().map(\.workRequestID) == [1])
            // The follow-up left the outbox before the relay stopped …
            let unpublished = try await harness.pool.withConnection { try await Outbox.unpublishedCount(on: $0) }
            #expect(unpublished == 0)
            // … and waits in the inbox for the next start.
            let next = harness.consumer(handler: recordApplied)
            try await withRunning(next) {
                #expect(await eventually { next.statistics.handled == 1 })
            }
            #expect(try await harness.appliedRows().map(\.workRequestID).sorted() == [1, 101])
        }
    }

    @Test("outbox rows become persistent JSON messages with message_id, type, timestamp and app_id")
    func outboxMessageProperties() throws {
        let publisher = AMQPPublisher(configuration: try TestServers.amqpConfiguration())
        let outbox = AMQPOutboxPublisher(publisher: publisher, appID: "scheduler", logger: TestServers.logger)
        let id = UUID()
        let record = OutboxRecord(
            id: 7,
            message: OutboxMessage(
                messageID: id, exchange: "kiln.events", routingKey: "wr.pending", type: "wr.pending",
                body: .object(["schema_version": 1, "work_request_id": 12])),
            createdAt: Date(timeIntervalSince1970: 1_700_000_000), attempts: 0)
        let message = outbox.message(for: record)
        #expect(message.exchange == "kiln.events")
        #expect(message.routingKey == "wr.pending")
        #expect(message.mandatory)
        #expect(message.properties.contentType == "application/json")
        #expect(message.properties.persistent)
        #expect(message.properties.messageID == id.uuidString.lowercased())
        #expect(message.properties.type == "wr.pending")
        #expect(message.properties.timestamp == 1_700_000_000)
        #expect(message.properties.appID == "scheduler")
        #expect(String(decoding: message.body, as: UTF8.self) == #"{"schema_version":1,"work_request_id":12}"#)
    }
}
