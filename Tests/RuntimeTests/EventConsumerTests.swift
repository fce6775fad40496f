import KilnTestSupport
import AMQP
import Foundation
import KilnCore
import KilnRuntime
import Store
import Testing

/// Writes one `applied` row per handled event.
let recordApplied: EventHandler = { context, conn in
    try await conn.execute(
        "INSERT INTO applied (message_id, work_request_id) VALUES ($1, $2)", context.messageID,
        context.event.workRequestID ?? -1)
}

@Suite("EventConsumer against the real broker and database", .serialized)
struct EventConsumerTests {
    @Test("an event relayed from the outbox twice (same message_id) takes effect once")
    func outboxEventTakesEffectOnceWhenDeliveredTwice() async throws {
        try await RuntimeHarness.with { harness in
            let consumer = harness.consumer(handler: recordApplied)
            try await withRunning(consumer) {
                let messageID = try await harness.pool.withTransaction { conn in
                    try await EventOutbox.enqueue(
                        .pending(41), on: conn, exchange: "",
                        routingKey: harness.queues.inbox)
                }
                let relay = OutboxRelay(
                    pool: harness.pool,
                    publisher: AMQPOutboxPublisher(publisher: harness.publisher, appID: "test", logger: TestServers.logger),
                    logger: TestServers.logger)
                #expect(try await relay.relayOnce() == OutboxRelay.Round(claimed: 1, published: 1))
                // The relay's crash window: confirmed by the broker, but the commit marking the row was lost.
                try await harness.pool.query("UPDATE outbox SET published_at = NULL")
                #expect(try await relay.relayOnce() == OutboxRelay.Round(claimed: 1, published: 1))

                #expect(await eventually { consumer.statistics.handled + consumer.statistics.duplicates == 2 })
                let rows = try await harness.appliedRows()
                #expect(rows.map(\.messageID) == [messageID.uuidString.lowercased()])
                #expect(rows.map(\.workRequestID) == [41])
                #expect(consumer.statistics.handled == 1)
                #expect(consumer.statistics.duplicates == 1)
                #expect(try await harness.inboxCount() == 1)
            }
        }
    }

    @Test("a malformed body lands in <service>.dead with x-kiln-reason and the consumer keeps going")
    func malformedBodiesAreDeadLetteredWithReason() async throws {
        try await RuntimeHarness.with { harness in
            let consumer = harness.consumer(concurrency: 1, handler: recordApplied)
            try await withRunning(consumer) {
                try await harness.publishDirect(body: Array("this is not JSON".utf8), messageID: "bad-json")
                try await harness.publishDirect(body: Array(#"{"schema_version": 1}"#.utf8), messageID: "no-wr-id")
                try await harness.publishDirect(
                    type: "wr.exploded", body: try MessageCodec.encode(EventBody(workRequestID: 1)), messageID: "bad-type")
                try await harness.publishEvent(workRequestID: 7, messageID: "good")

                #expect(await eventually { consumer.statistics.handled == 1 && consumer.statistics.deadLettered == 3 })
                #expect(try await harness.appliedRows().map(\.messageID) == ["good"])

                let dead = try await harness.deadLetters(count: 3)
                let reasons = Dictionary(
                    dead.map { ($0.properties.messageID ?? "", $0.properties.headers["x-kiln-reason"]?.stringValue ?? "") },
                    uniquingKeysWith: { first, _ in first })
                #expect(reasons["bad-json"]?.contains("not JSON") == true, "\(reasons)")
                #expect(reasons["no-wr-id"]?.contains("work_request_id") == true, "\(reasons)")
                #expect(reasons["bad-type"]?.contains("wr.exploded") == true, "\(reasons)")
                for delivery in dead {
                    #expect(delivery.properties.headers["x-kiln-service"]?.stringValue == harness.queues.service)
                    #expect(delivery.properties.headers["x-kiln-routing-key"]?.stringValue == harness.queues.inbox)
                }
                // The original body is kept byte for byte.
                #expect(dead.first { $0.properties.messageID == "bad-json" }?.text == "this is not JSON")
            }
        }
    }

    @Test("an event of a kind the queue accepts but no handler is registered for is refused before any transaction")
    func unregisteredKindIsDeadLettered() async throws {
        try await RuntimeHarness.with { harness in
            // Another lane's kind reaching this inbox: accepted by the queue, handled by nobody here.
            var queues = harness.queues
            queues.accepted.insert(.workRequestCompleted)
            var handlers = EventHandlers()
            handlers.on(.pending) { id, context, conn in
                #expect(context.event == .pending(id))
                try await recordApplied(context, conn)
            }
            let consumer = EventConsumer(
                queues: queues, amqp: harness.amqp, pool: harness.pool, deadLetterPublisher: harness.publisher,
                options: EventConsumer.Options(concurrency: 1), logger: TestServers.logger, handlers: handlers)
            try await withRunning(consumer) {
                try await harness.publishDirect(
                    type: "wr.completed", body: try MessageCodec.encode(EventBody(workRequestID: 3)), messageID: "nobody")
                try await harness.publishEvent(workRequestID: 7, messageID: "good")
                #expect(await eventually { consumer.statistics.handled == 1 && consumer.statistics.deadLettered == 1 })
                let dead = try await harness.deadLetters(count: 1)
                #expect(dead.first?.properties.messageID == "nobody")
                #expect(dead.first?.properties.headers["x-kiln-reason"]?.stringValue?.contains("wr.completed") == true)
                #expect(try await harness.inboxCount() == 1)
            }
        }
    }

    @Test("a handler failing transiently once is redelivered and succeeds the second time")
    func transientFailureIsRedelivered() async throws {
        try await RuntimeHarness.with { harness in
            let attempts = AttemptCounter()
            let redeliveries = Collector<Bool>()
            let consumer = harness.consumer { context, conn in
                if await attempts.next(context.messageID) == 1 {
                    throw PGError.connectionLost(message: "simulated: server closed the connection")
                }
                await redeliveries.add(context.redelivered)
                try await recordApplied(context, conn)
            }
            try await withRunning(consumer) {
                try await harness.publishEvent(workRequestID: 5, messageID: "flaky")
                #expect(await eventually { consumer.statistics.handled == 1 })
                #expect(await attempts.count("flaky") == 2)
                #expect(await redeliveries.values == [true])
                #expect(consumer.statistics.requeued == 1)
                #expect(try await harness.appliedRows().map(\.messageID) == ["flaky"])
            }
        }
    }

    @Test("a failure while the database is unreachable holds the delivery until it answers: no requeue, no count")
    func databaseOutageHoldsDeliveries() async throws {
        // Delivery limit 1: one requeue would dead-letter the event, so only holding it can apply it.
        // One delivery at a time: the outage ends after a number of probes, so with two in flight a handler that
        // saw the database down could find it up at its own first probe (the other's probes ended the outage)
        // and rightly requeue, which is a race of the test's switch, not an outage (seen on a loaded machine).
        try await RuntimeHarness.with(deliveryLimit: 1) { harness in
            let outage = OutageSwitch(failingProbes: 3)
            let attempts = AttemptCounter()
            let redeliveries = Collector<Bool>()
            let options = EventConsumer.Options(
                concurrency: 1, outageBackoff: Backoff(initial: .milliseconds(20), maximum: .milliseconds(100)),
                databaseProbe: { try await outage.probe() })
            let consumer = harness.consumer(options: options) { context, conn in
                _ = await attempts.next(context.messageID)
                if await outage.isDown { throw PGError.connectionLost(message: "simulated: the database restarts") }
                await redeliveries.add(context.redelivered)
                try await recordApplied(context, conn)
            }
            try await withRunning(consumer) {
                for id in 1...3 { try await harness.publishEvent(workRequestID: id, messageID: "held-\(id)") }
                #expect(await eventually { consumer.statistics.handled == 3 })
            }
            #expect(consumer.statistics.requeued == 0)
            #expect(consumer.statistics.deadLettered == 0)
            #expect(consumer.statistics.heldThroughOutage >= 1)
            #expect(await redeliveries.values == [false, false, false], "applied from the first delivery")
            #expect(try await harness.appliedRows().map(\.messageID) == ["held-1", "held-2", "held-3"])
            #expect(await attempts.count("held-1") >= 2)
        }
    }

    @Test("a serialization failure is applied again in place, without a requeue")
    func conflictIsRetriedInPlace() async throws {
        try await RuntimeHarness.with(deliveryLimit: 1) { harness in
            let attempts = AttemptCounter()
            let conflicting = harness.consumer { context, conn in
                if await attempts.next(context.messageID) < 3 {
                    throw PGError.server(PGServerError(sqlState: "40001", severity: "ERROR", message: "simulated: could not serialize access"))
                }
                try await recordApplied(context, conn)
            }
            try await withRunning(conflicting) {
                try await harness.publishEvent(workRequestID: 9, messageID: "conflict")
                #expect(await eventually { conflicting.statistics.handled == 1 })
            }
            #expect(conflicting.statistics.conflictRetries == 2)
            #expect(conflicting.statistics.requeued == 0)
            #expect(try await harness.appliedRows().map(\.messageID) == ["conflict"])
        }
    }

    @Test("a handler failing every time is dead-lettered by the consumer at the last delivery, with the error")
    func poisonMessageIsDeadLetteredAfterDeliveryLimit() async throws {
        try await RuntimeHarness.with(deliveryLimit: 2) { harness in
            let attempts = AttemptCounter()
            let consumer = harness.consumer { context, conn in
                _ = await attempts.next(context.messageID)
                try await recordApplied(context, conn)
                throw HandlerBug(message: "simulated: always failing")
            }
            try await withRunning(consumer) {
                try await harness.publishEvent(workRequestID: 9, messageID: "poison")
                let dead = try await harness.deadLetters(count: 1)
                try #require(dead.count == 1)
                #expect(dead[0].properties.messageID == "poison")
                // The consumer gives up at the last delivery the limit allows, so the reason is the error, not
                // the broker's bare `delivery_limit` (issue 10: those were not even counted).
                let reason = dead[0].properties.headers["x-kiln-reason"]?.stringValue ?? ""
                #expect(reason.hasPrefix("handler failed on all 2 deliveries: "), "\(reason)")
                #expect(reason.contains("simulated: always failing"), "\(reason)")
                #expect(dead[0].deaths.isEmpty, "\(dead[0].deaths)")
                #expect(await attempts.count("poison") == 2)
                #expect(consumer.statistics.deadLettered == 1)
                #expect(try await harness.appliedRows().isEmpty)
                #expect(try await harness.inboxCount() == 0)
            }
        }
    }

    @Test("a transient failure at every delivery is not poison: requeued to the broker's own delivery_limit, no work request ended")
    func transientFailureIsLeftToTheBroker() async throws {
        try await RuntimeHarness.with(deliveryLimit: 2) { harness in
            let attempts = AttemptCounter()
            let consumer = harness.consumer { context, conn in
                _ = await attempts.next(context.messageID)
                throw PGError.connectionLost(message: "simulated: the connection keeps dropping")
            }
            try await withRunning(consumer) {
                try await harness.publishEvent(workRequestID: 9, messageID: "transient")
                let dead = try await harness.deadLetters(count: 1)
                try #require(dead.count == 1)
                #expect(dead[0].deaths.contains { $0["reason"]?.stringValue == "delivery_limit" }, "\(dead[0].deaths)")
                #expect(dead[0].properties.headers["x-kiln-reason"] == nil)
                #expect(consumer.statistics.deadLettered == 0)
            }
        }
    }

    @Test("ack only after commit: a handler dying after its write leaves no row and the message comes back")
    func ackOnlyAfterCommit() async throws {
        try await RuntimeHarness.with { harness in
            let attempts = AttemptCounter()
            let rowsSeenByRetry = Collector<Int>()
            let consumer = harness.consumer { context, conn in
                let attempt = await attempts.next(context.messageID)
                try await recordApplied(context, conn)
                if attempt == 1 { throw CancellationError() }  // dies mid-transaction, after writing
                // The retry's own transaction sees no row from the first attempt (nor its inbox claim).
                let count = try await conn.query("SELECT count(*) FROM applied").rows[0].decode(Int.self, at: 0)
                await rowsSeenByRetry.add(count)
            }
            try await withRunning(consumer) {
                try await harness.publishEvent(workRequestID: 3, messageID: "half-done")
                #expect(await eventually { consumer.statistics.handled == 1 })
                #expect(await attempts.count("half-done") == 2)
                #expect(await rowsSeenByRetry.values == [1])
                #expect(try await harness.appliedRows().count == 1)
                #expect(consumer.statistics.duplicates == 0)
            }
        }
    }

    @Test("a handler's EventRejected dead-letters at once with its reason, rolling its writes back")
    func handlerRejectionDeadLettersImmediately() async throws {
        try await RuntimeHarness.with { harness in
            let consumer = harness.consumer { context, conn in
                try await recordApplied(context, conn)
                throw EventRejected("work request \(context.event.workRequestID ?? 0) does not exist")
            }
            try await withRunning(consumer) {
                try await harness.publishEvent(workRequestID: 404, messageID: "missing-wr")
                let dead = try await harness.deadLetters(count: 1)
                try #require(dead.count == 1)
                #expect(
                    dead[0].properties.headers["x-kiln-reason"]?.stringValue
                        == "rejected by handler: work request 404 does not exist")
                #expect(consumer.statistics.requeued == 0)
                #expect(try await harness.appliedRows().isEmpty)
            }
        }
    }

    @Test("graceful stop finishes in-flight handlers and acks them before closing")
    func stopFinishesInFlightWork() async throws {
        try await RuntimeHarness.with { harness in
            let started = Collector<String>()
            let consumer = harness.consumer(concurrency: 2) { context, conn in
                await started.add(context.messageID)
                try await Task.sleep(for: .milliseconds(300))
                try await recordApplied(context, conn)
            }
            let running = Task { try await consumer.run() }
            try await harness.publishEvent(workRequestID: 1, messageID: "in-flight-1")
            try await harness.publishEvent(workRequestID: 2, messageID: "in-flight-2")
            #expect(await eventually { await started.values.count == 2 })
            consumer.stop()
            try await running.value
            #expect(consumer.statistics.handled == 2)
            #expect(try await harness.appliedRows().count == 2)

            // Both were acked before the connection closed: a new consumer gets nothing.
            let second = harness.consumer(handler: recordApplied)
            try await withRunning(second) {
                try await Task.sleep(for: .seconds(1))
                #expect(second.statistics == EventConsumerStatistics())
            }
        }
    }
}

/// A handler's own failure (not the database's, not the broker's): what a poison event looks like.
struct HandlerBug: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
