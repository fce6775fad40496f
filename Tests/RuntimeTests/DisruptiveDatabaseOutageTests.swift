import AMQP
import Foundation
import KilnCore
import KilnRuntime
import KilnTestSupport
import Store
import Testing

/// Stops and starts the shared PostgreSQL cluster, so `deploy/test` runs it last and alone with the other
/// "Disruptive" suites.
@Suite("Disruptive: PostgreSQL outage under a consumer", .serialized, .timeLimit(.minutes(5)))
struct DisruptiveDatabaseOutageTests {
    @Test("events arriving while PostgreSQL is down are held and applied when it is back: none dead-lettered")
    func outageDeadLettersNothing() async throws {
        // Delivery limit 2: before, every handler requeued at once and two failures dead-lettered an event.
        try await RuntimeHarness.with(deliveryLimit: 2) { harness in
            let options = EventConsumer.Options(
                concurrency: 4, outageBackoff: Backoff(initial: .milliseconds(100), maximum: .seconds(1)))
            let consumer = harness.consumer(options: options, handler: recordApplied)
            try await withRunning(consumer) {
                for id in 1...10 { try await harness.publishEvent(workRequestID: id, messageID: "before-\(id)") }
                #expect(await eventually { consumer.statistics.handled == 10 })
                try LocalServerScript.run("postgres", "stop")
                do {
                    for id in 1...20 { try await harness.publishEvent(workRequestID: id, messageID: "during-\(id)") }
                    // The consumer meets the outage (its probes fail) before the database comes back.
                    #expect(await eventually(timeout: .seconds(60)) { consumer.isHoldingForDatabase })
                    #expect(consumer.statistics.handled == 10)
                } catch {
                    try LocalServerScript.run("postgres", "start")
                    throw error
                }
                try LocalServerScript.run("postgres", "start")
                #expect(await eventually(timeout: .seconds(120)) { consumer.statistics.handled == 30 })
            }
            #expect(consumer.statistics.deadLettered == 0)
            #expect(consumer.statistics.heldThroughOutage >= 1)
            #expect(try await harness.appliedRows().count == 30)
            #expect(try await harness.readyMessages() == 0)
        }
    }
}
