import AMQP
import Foundation
import KilnCore
import KilnRuntime
import KilnTestSupport
import Store
import Testing

@Suite("Outbox rows the real broker refuses", .serialized)
struct OutboxRefusalTests {
    @Test("an unroutable row records the broker's 312 NO_ROUTE and waits; it is published once a queue is bound")
    func unroutableRowRecordsReasonAndWaits() async throws {
        try await RuntimeHarness.with { harness in
            let relay = OutboxRelay(
                pool: harness.pool,
                publisher: AMQPOutboxPublisher(publisher: harness.publisher, appID: "test", logger: TestServers.logger),
                logger: TestServers.logger)
            // The default exchange routes by queue name: a queue that does not exist yet is unroutable.
            let missingQueue = harness.queues.inbox + ".later"
            try await harness.pool.withTransaction { conn in
                try await EventOutbox.enqueue(
                    .pending(7), on: conn, exchange: "", routingKey: missingQueue)
            }
            #expect(try await relay.relayOnce() == OutboxRelay.Round(claimed: 1, published: 0, refused: 1))
            let nextAttempt = try await harness.pool.query(
                "SELECT extract(epoch FROM next_attempt_at)::float8 FROM outbox WHERE published_at IS NULL"
            ).rows[0].decode(Double.self, at: 0)
            let claimed = try await relay.relayOnce().claimed
            // Judged only when the round ended before the row's time (a slow machine may be past it).
            let ended = try await harness.pool.query("SELECT extract(epoch FROM clock_timestamp())::float8").rows[0]
                .decode(Double.self, at: 0)
            if ended < nextAttempt { #expect(claimed == 0, "the refused row waits instead of being retried at once") }
            let error = try #require(
                try await harness.pool.query("SELECT last_error FROM outbox WHERE published_at IS NULL").first
            ).decode(String.self, at: 0)
            #expect(error.contains("312"), "the broker's own reason, not a generic one: \(error)")
            #expect(error.contains("NO_ROUTE"))

            // A queue appears; once the row's wait is over it is published.
            let publisher = AMQPPublisher(
                configuration: harness.amqp,
                topology: Topology(queues: [QueueDeclaration(name: missingQueue, durable: false, arguments: ["x-expires": .int(600_000)])]),
                logger: TestServers.logger)
            try await publisher.connect()
            defer { Task { await publisher.close() } }
            #expect(await eventually(timeout: .seconds(30)) {
                (try? await relay.relayOnce())?.published == 1
            })
            try? await publisher.deleteQueue(missingQueue)
        }
    }
}
