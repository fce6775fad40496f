import AMQP
import Foundation
import KilnCore
@testable import KilnRuntime
import KilnTestSupport
import Store
import Testing

/// Writes one `applied` row per handled event, with the id of the transaction that applied it.
let recordAppliedWithTransaction: EventHandler = { context, conn in
    try await conn.execute(
        "INSERT INTO applied (message_id, work_request_id) VALUES ($1, txid_current())", context.messageID)
}

/// Batches of real deliveries (taken from the broker, not yet acked) handed to `EventConsumer.process(_:)`,
/// so each test says exactly which events share a batch.
@Suite("EventConsumer batches against the real broker and database", .serialized)
struct EventBatchTests {
    @Test("a batch is applied in one transaction, each event once, a repeated message id as a duplicate")
    func batchSharesOneTransaction() async throws {
        try await RuntimeHarness.with { harness in
            let consumer = harness.consumer(batchSize: 16, handler: recordAppliedWithTransaction)
            for index in 1...8 { try await harness.publishEvent(workRequestID: index, messageID: "event-\(index)") }
            try await harness.publishEvent(workRequestID: 3, messageID: "event-3")
            try await harness.withDeliveries(count: 9) { deliveries in
                await consumer.process(deliveries)
            }
            let rows = try await harness.appliedRows()
            #expect(rows.map(\.messageID) == (1...8).map { "event-\($0)" })
            #expect(Set(rows.map(\.workRequestID)).count == 1, "one transaction for the whole batch")
            #expect(consumer.statistics.handled == 8)
            #expect(consumer.statistics.duplicates == 1)
            #expect(consumer.statistics.batches == 1)
            #expect(consumer.statistics.batchesRetriedAlone == 0)
            #expect(try await harness.inboxCount() == 8)
            #expect(try await harness.readyMessages() == 0, "every delivery of the batch was acked")
        }
    }

    @Test("one rejected event in a batch is dead-lettered alone and the others are applied one by one")
    func poisonEventDoesNotTakeItsBatchWithIt() async throws {
        try await RuntimeHarness.with { harness in
            let consumer = harness.consumer(batchSize: 16) { context, conn in
                try await recordAppliedWithTransaction(context, conn)
                if context.event.workRequestID == 404 { throw EventRejected("work request 404 does not exist") }
            }
            for id in [1, 2, 404, 4, 5] { try await harness.publishEvent(workRequestID: id, messageID: "wr-\(id)") }
            try await harness.withDeliveries(count: 5) { deliveries in
                await consumer.process(deliveries)
            }
            let rows = try await harness.appliedRows()
            #expect(rows.map(\.messageID) == ["wr-1", "wr-2", "wr-4", "wr-5"])
            #expect(Set(rows.map(\.workRequestID)).count == 4, "each applied alone after the batch failed")
            #expect(consumer.statistics.batchesRetriedAlone == 1)
            #expect(consumer.statistics.batches == 0)
            #expect(consumer.statistics.handled == 4)
            #expect(consumer.statistics.deadLettered == 1)
            let dead = try await harness.deadLetters(count: 1)
            #expect(dead.first?.properties.headers["x-kiln-reason"]?.stringValue
                == "rejected by handler: work request 404 does not exist")
        }
    }

    @Test("the events of a batch share one transaction cache; an event applied alone has its own")
    func batchSharesTheTransactionCache() async throws {
        try await RuntimeHarness.with { harness in
            let caches = Collector<TransactionCache>()  // kept alive, so no two can share an address
            let consumer = harness.consumer(batchSize: 16) { context, conn in
                await caches.add(context.cache)
                try await recordApplied(context, conn)
            }
            for id in 1...4 { try await harness.publishEvent(workRequestID: id) }
            try await harness.withDeliveries(count: 4) { deliveries in
                await consumer.process(deliveries)
            }
            try await harness.publishEvent(workRequestID: 5)
            try await harness.withDeliveries(count: 1) { deliveries in await consumer.process(deliveries) }
            let seen = await caches.values
            #expect(seen.count == 5)
            #expect(seen.prefix(4).allSatisfy { $0 === seen[0] })
            #expect(seen[4] !== seen[0])
        }
    }

    @Test("a consumer with a batch size drains a backlog with batches and applies every event once")
    func runningConsumerDrainsBacklogInBatches() async throws {
        try await RuntimeHarness.with { harness in
            for id in 1...200 { try await harness.publishEvent(workRequestID: id, messageID: String(format: "m-%03d", id)) }
            let consumer = harness.consumer(concurrency: 2, batchSize: 32, handler: recordApplied)
            try await withRunning(consumer) {
                #expect(await eventually { consumer.statistics.handled == 200 })
            }
            #expect(try await harness.appliedRows().map(\.messageID) == (1...200).map { String(format: "m-%03d", $0) })
            #expect(consumer.statistics.duplicates == 0)
            #expect(consumer.statistics.batches >= 1)
        }
    }
}
