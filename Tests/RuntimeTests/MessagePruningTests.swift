import Foundation
import KilnRuntime
import KilnTestSupport
import ServiceKit
import Store
import Testing

@Suite("Message pruning (outbox and inbox retention)")
struct MessagePruningTests {
    static let retention = MessageRetention(outbox: .seconds(86_400), inbox: .seconds(7 * 86_400), batchSize: 10)

    /// Outbox rows created and published `age` ago (`published: false` leaves them unpublished).
    static func seedOutbox(_ count: Int, age: String, published: Bool = true, on pool: PGPool) async throws {
        try await pool.query(
            """
            INSERT INTO outbox (message_id, exchange, routing_key, type, body, created_at, published_at)
            SELECT gen_random_uuid(), 'kiln.events', 'wr.pending', 'wr.pending', '{}'::jsonb,
                   now() - $2::interval, CASE WHEN $3 THEN now() - $2::interval END
            FROM generate_series(1, $1)
            """,
            count, age, published)
    }

    /// Inbox rows of `consumer` received `age` ago.
    static func seedInbox(_ count: Int, age: String, consumer: String, on pool: PGPool) async throws {
        try await pool.query(
            """
            INSERT INTO inbox (consumer, message_id, received_at)
            SELECT $3, gen_random_uuid()::text, now() - $2::interval FROM generate_series(1, $1)
            """,
            count, age, consumer)
    }

    static func count(_ sql: String, on pool: PGPool) async throws -> Int {
        try await pool.query(sql).rows[0].decode(Int.self, at: 0)
    }

    @Test("old published outbox and old inbox rows are pruned in batches until none is left; recent and unpublished rows stay")
    func prunesOldRowsInBatches() async throws {
        try await RuntimeHarness.with { harness in
            let pool = harness.pool
            try await Self.seedOutbox(25, age: "2 days", on: pool)
            try await Self.seedOutbox(3, age: "23 hours", on: pool)
            try await Self.seedOutbox(4, age: "30 days", published: false, on: pool)
            try await Self.seedInbox(7, age: "8 days", consumer: "scheduler", on: pool)
            try await Self.seedInbox(5, age: "30 days", consumer: "tag-computer", on: pool)
            try await Self.seedInbox(2, age: "6 days", consumer: "scheduler", on: pool)
            let pruner = MessagePruner(pool: pool, retention: Self.retention, service: "test", logger: TestServers.logger)

            let first = try await pruner.pruneOnce()
            #expect(first.outbox == 25)
            #expect(first.inbox == 12)
            #expect(first.statements == 5, "outbox 10 + 10 + 5, inbox 10 + 2: each table loops until a short batch")
            #expect(try await Self.count("SELECT count(*) FROM outbox WHERE published_at IS NULL", on: pool) == 4)
            #expect(try await Self.count("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL", on: pool) == 3)
            #expect(try await Self.count("SELECT count(*) FROM inbox", on: pool) == 2)

            let second = try await pruner.pruneOnce()
            #expect(second == MessagePruner.Round(outbox: 0, inbox: 0, statements: 2))
        }
    }

    @Test("a backlog exactly a multiple of the batch size ends with one empty statement, not a loop")
    func exactMultipleOfBatchSize() async throws {
        try await RuntimeHarness.with { harness in
            try await Self.seedOutbox(20, age: "2 days", on: harness.pool)
            let pruner = MessagePruner(pool: harness.pool, retention: Self.retention, service: "test", logger: TestServers.logger)
            let round = try await pruner.pruneOnce()
            #expect(round == MessagePruner.Round(outbox: 20, inbox: 0, statements: 4))
        }
    }

    @Test("replicas pruning at the same time share the work: every old row is deleted exactly once, no error")
    func concurrentPrunersAreHarmless() async throws {
        try await RuntimeHarness.with { harness in
            let pool = harness.pool
            try await Self.seedOutbox(60, age: "2 days", on: pool)
            try await Self.seedInbox(60, age: "8 days", consumer: "scheduler", on: pool)
            let retention = MessageRetention(outbox: .seconds(86_400), inbox: .seconds(7 * 86_400), batchSize: 7)
            let rounds = try await withThrowingTaskGroup(of: MessagePruner.Round.self) { group in
                for replica in 0..<3 {
                    group.addTask {
                        try await MessagePruner(
                            pool: pool, retention: retention, service: "replica-\(replica)", logger: TestServers.logger
                        ).pruneOnce()
                    }
                }
                var rounds: [MessagePruner.Round] = []
                for try await round in group { rounds.append(round) }
                return rounds
            }
            #expect(rounds.map(\.outbox).reduce(0, +) == 60)
            #expect(rounds.map(\.inbox).reduce(0, +) == 60)
            #expect(try await Self.count("SELECT count(*) FROM outbox", on: pool) == 0)
            #expect(try await Self.count("SELECT count(*) FROM inbox", on: pool) == 0)
        }
    }

    @Test("retentions default to 24h (published outbox) and 168h (inbox) and parse like every duration setting")
    func retentionSettings() throws {
        let defaults = try RuntimeConfiguration(service: "scheduler", environment: EnvironmentReader(variables: [:]))
        #expect(defaults.messageRetention == MessageRetention(outbox: .seconds(86_400), inbox: .seconds(604_800)))
        let custom = try RuntimeConfiguration(
            service: "scheduler",
            environment: EnvironmentReader(variables: ["KILN_OUTBOX_RETENTION": "30m", "KILN_INBOX_RETENTION": "720h"]))
        #expect(custom.messageRetention.outbox == .seconds(1800))
        #expect(custom.messageRetention.inbox == .seconds(720 * 3600))
        #expect(RuntimeSettings.all.map(\.name).contains("KILN_OUTBOX_RETENTION"))
        #expect(RuntimeSettings.all.map(\.name).contains("KILN_INBOX_RETENTION"))
    }

    @Test("a bad retention stops start-up with an error naming its variable", arguments: [
        ("KILN_OUTBOX_RETENTION", "forever"), ("KILN_OUTBOX_RETENTION", "-1h"), ("KILN_OUTBOX_RETENTION", "10s"),
        ("KILN_INBOX_RETENTION", "7d"), ("KILN_INBOX_RETENTION", "30m"), ("KILN_INBOX_RETENTION", "9000h"),
    ])
    func badRetention(variable: String, value: String) throws {
        let error = try #require(ServiceBootstrapTests.configurationError([variable: value]))
        guard case .invalid(let named, let shown, let expected) = error else {
            Issue.record("expected .invalid, got \(error)")
            return
        }
        #expect(named == variable)
        #expect(shown == value)
        #expect(expected.contains("duration"))
    }
}
