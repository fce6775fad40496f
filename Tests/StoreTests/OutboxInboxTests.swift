import Foundation
import KilnCore
import Store
import Testing

extension StoreIntegration {
    @Suite("Outbox relay and inbox de-duplication")
    struct OutboxInboxTests {
        static func message(_ index: Int) -> OutboxMessage {
            OutboxMessage(
                exchange: "kiln.events",
                routingKey: "wr.pending",
                type: "wr.pending",
                body: ["schema": 1, "work_request_id": .int(index)],
                headers: ["x-kiln-test": "yes"]
            )
        }

        static func enqueue(_ count: Int, on pool: PGPool) async throws -> [OutboxMessage] {
            let messages = (1...count).map(message)
            try await pool.withTransaction { conn in
                for message in messages { try await Outbox.enqueue(message, on: conn) }
            }
            return messages
        }

        @Test("the relay publishes every row exactly once although the publisher fails some batches")
        func relayPublishesEachRowOnce() async throws {
            try await TestDatabase.withSchema { pool, _ in
                let messages = try await Self.enqueue(25, on: pool)
                let log = PublishLog()
                // Call 1 fails outright, call 2 confirms only even ids, later calls confirm everything.
                let publisher = OutboxPublisher { batch in
                    let call = await log.nextCall()
                    if call == 1 { throw FakeBrokerDown() }
                    let confirmed = call == 2 ? Set(batch.map(\.id).filter { $0 % 2 == 0 }) : Set(batch.map(\.id))
                    await log.record(confirmed: confirmed, batch: batch)
                    return confirmed
                }
                let relay = OutboxRelay(
                    pool: pool,
                    publisher: publisher,
                    configuration: .init(batchSize: 10),
                    logger: TestDatabase.logger
                )
                var rounds = 0
                while try await pool.withConnection({ try await Outbox.unpublishedCount(on: $0) }) > 0, rounds < 20 {
                    try await relay.relayOnce()
                    rounds += 1
                }
                let confirmed = await log.confirmedIDs
                #expect(confirmed.count == 25, "each row confirmed once: \(confirmed.sorted())")
                #expect(Set(confirmed).count == 25)
                let published = try await pool.query(
                    "SELECT message_id, attempts, last_error FROM outbox WHERE published_at IS NOT NULL ORDER BY id"
                )
                #expect(
                    Set(try published.rows.map { try $0.decode(UUID.self, at: 0) }) == Set(messages.map(\.messageID))
                )
                // Row 1: failed batch, then unconfirmed (odd), then confirmed. Row 2: failed batch, then confirmed.
                let attempts = try published.rows.prefix(2).map { try $0.decode(Int.self, at: 1) }
                #expect(attempts == [3, 2])
                #expect(try published.rows[0].decode(String?.self, at: 2)?.isEmpty == false)
            }
        }

        @Test("a row the broker refuses records the broker's reason and waits, doubling, instead of being retried every round")
        func refusedRowBacksOff() async throws {
            try await TestDatabase.withSchema { pool, _ in
                _ = try await Self.enqueue(3, on: pool)
                let attempts = PublishLog()
                // The row of work request 2 is unroutable every time; the others are confirmed.
                let relay = OutboxRelay(
                    pool: pool,
                    publisher: OutboxPublisher(result: { batch in
                        _ = await attempts.nextCall()
                        let refusedID = batch.first { $0.message.body.objectValue?["work_request_id"] == 2 }?.id
                        return OutboxPublishResult(
                            confirmed: Set(batch.map(\.id).filter { $0 != refusedID }),
                            refused: refusedID.map { [$0: "message returned as unroutable: 312 NO_ROUTE"] } ?? [:])
                    }),
                    logger: TestDatabase.logger)
                // Times are the database's, read around each round, so a slow machine cannot fail the test.
                func databaseNow() async throws -> Double {
                    try await pool.query("SELECT extract(epoch FROM clock_timestamp())::float8").rows[0].decode(Double.self, at: 0)
                }
                func nextAttempt() async throws -> (attempts: Int, error: String?, at: Double) {
                    let row = try #require(
                        try await pool.query(
                            """
                            SELECT attempts, last_error, extract(epoch FROM next_attempt_at)::float8
                              FROM outbox WHERE published_at IS NULL
                            """
                        ).first)
                    return (try row.decode(Int.self, at: 0), try row.decode(String?.self, at: 1), try row.decode(Double.self, at: 2))
                }
                let before = try await databaseNow()
                #expect(try await relay.relayOnce() == OutboxRelay.Round(claimed: 3, published: 2, refused: 1))
                let after = try await databaseNow()
                let first = try await nextAttempt()
                #expect(first.attempts == 1)
                #expect(first.error == "message returned as unroutable: 312 NO_ROUTE")
                #expect(first.at - before >= 0.99 && first.at - after <= 1.01, "1 s after the first refusal")

                // Rounds that end before that time claim nothing: the refused row waits. (A round that ends
                // later may have started after it, on a slow machine: its claim is counted, not judged.)
                var extraCalls = 0
                for _ in 0..<5 {
                    let claimed = try await relay.relayOnce().claimed
                    if try await databaseNow() < first.at { #expect(claimed == 0) } else { extraCalls += claimed }
                }

                // Once its time has come it is tried again, refused again, and waits longer.
                try await pool.query("UPDATE outbox SET next_attempt_at = now() - interval '1 second' WHERE published_at IS NULL")
                let beforeSecond = try await databaseNow()
                #expect(try await relay.relayOnce() == OutboxRelay.Round(claimed: 1, published: 0, refused: 1))
                let afterSecond = try await databaseNow()
                let second = try await nextAttempt()
                #expect(second.attempts == 2 + extraCalls)
                if extraCalls == 0 {
                    #expect(second.at - beforeSecond >= 1.99 && second.at - afterSecond <= 2.01, "2 s after the second")
                }
                #expect(await attempts.calls == 2 + extraCalls, "one publish per attempt, not one per round")
            }
        }

        @Test("unpublished rows survive a relay restart and the next relay publishes them in id order")
        func unpublishedRowsSurviveRelayRestart() async throws {
            try await TestDatabase.withSchema { pool, _ in
                let messages = try await Self.enqueue(7, on: pool)
                let downRelay = OutboxRelay(
                    pool: pool,
                    publisher: OutboxPublisher { _ -> Set<Int> in throw FakeBrokerDown() },
                    logger: TestDatabase.logger
                )
                for _ in 0..<3 { try await downRelay.relayOnce() }
                #expect(try await pool.withConnection { try await Outbox.unpublishedCount(on: $0) } == 7)

                let log = PublishLog()
                let healthyRelay = OutboxRelay(
                    pool: pool,
                    publisher: OutboxPublisher { batch in
                        await log.record(confirmed: batch.map(\.id), batch: batch)
                        return Set(batch.map(\.id))
                    },
                    logger: TestDatabase.logger
                )
                let round = try await healthyRelay.relayOnce()
                #expect(round == OutboxRelay.Round(claimed: 7, published: 7))
                #expect(await log.seenMessageIDs == messages.map(\.messageID), "published in enqueue order")
                #expect(try await pool.withConnection { try await Outbox.unpublishedCount(on: $0) } == 0)
                #expect(try await healthyRelay.relayOnce() == OutboxRelay.Round(claimed: 0, published: 0))
            }
        }

        @Test("two relays running at once never publish the same row (SKIP LOCKED)")
        func concurrentRelaysSplitWork() async throws {
            try await TestDatabase.withSchema(poolSize: 4) { pool, _ in
                _ = try await Self.enqueue(60, on: pool)
                let log = PublishLog()
                let publisher = OutboxPublisher { batch in
                    try await Task.sleep(for: .milliseconds(20))  // hold the claim while the other relay runs
                    await log.record(confirmed: batch.map(\.id), batch: batch)
                    return Set(batch.map(\.id))
                }
                let relays = (0..<2).map { _ in
                    OutboxRelay(
                        pool: pool,
                        publisher: publisher,
                        configuration: .init(batchSize: 5),
                        logger: TestDatabase.logger
                    )
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for relay in relays {
                        group.addTask {
                            for _ in 0..<40 where try await relay.relayOnce().claimed > 0 {}
                        }
                    }
                    try await group.waitForAll()
                }
                let confirmed = await log.confirmedIDs
                #expect(confirmed.count == 60)
                #expect(Set(confirmed).count == 60, "no row was published twice")
            }
        }

        @Test("the running relay publishes soon after wake() and stops when cancelled")
        func runLoopWakesUp() async throws {
            try await TestDatabase.withSchema { pool, _ in
                let log = PublishLog()
                let relay = OutboxRelay(
                    pool: pool,
                    publisher: OutboxPublisher { batch in
                        await log.record(confirmed: batch.map(\.id), batch: batch)
                        return Set(batch.map(\.id))
                    },
                    // A poll interval longer than the test's limit: only wake() can explain a prompt publish.
                    configuration: .init(batchSize: 10, pollInterval: .seconds(600)),
                    logger: TestDatabase.logger
                )
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await relay.run() }
                    _ = try await Self.enqueue(3, on: pool)
                    relay.wake()
                    var published = 0
                    for _ in 0..<400 where published < 3 {
                        published = await log.confirmedIDs.count
                        if published < 3 { try await Task.sleep(for: .milliseconds(25)) }
                    }
                    #expect(published == 3)
                    group.cancelAll()
                }
            }
        }

        /// Migration 7's trigger: a row committed by a session the relay knows nothing about (the `kiln` CLI
        /// is one) wakes it through LISTEN/NOTIFY. The poll interval is ten minutes and nobody calls wake(),
        /// so only the notification can explain a publish within the test's limit.
        @Test("a row committed by another session wakes the running relay (NOTIFY), with no wake() and no poll")
        func notificationWakesRelay() async throws {
            try await TestDatabase.withSchema { pool, schema in
                let log = PublishLog()
                // Named after the schema, so this relay's listener session can be told from other tests'.
                let relayPool = PGPool(
                    configuration: PGConfiguration(url: TestDatabase.url, applicationName: schema, searchPath: [schema]),
                    size: 2, logger: TestDatabase.logger)
                let relay = OutboxRelay(
                    pool: relayPool,
                    publisher: OutboxPublisher { batch in
                        await log.record(confirmed: batch.map(\.id), batch: batch)
                        return Set(batch.map(\.id))
                    },
                    configuration: .init(batchSize: 10, pollInterval: .seconds(600)),
                    logger: TestDatabase.logger
                )
                let writer = TestDatabase.makePool(schema: schema, size: 1)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await relay.run() }
                    // Once LISTEN ran, the row can only be news through its notification.
                    try await waitUntilListening(pool: pool, schema: schema)
                    _ = try await Self.enqueue(2, on: writer)
                    var published = 0
                    for _ in 0..<2400 where published < 2 {
                        published = await log.confirmedIDs.count
                        if published < 2 { try await Task.sleep(for: .milliseconds(25)) }
                    }
                    #expect(published == 2)
                    group.cancelAll()
                }
                await writer.close()
                await relayPool.close()
            }
        }

        /// Waits until the relay's listener session has run LISTEN (visible in `pg_stat_activity`).
        private func waitUntilListening(pool: PGPool, schema: String) async throws {
            for _ in 0..<2400 {
                let listening = try await pool.query(
                    """
                    SELECT count(*)::bigint AS n FROM pg_stat_activity
                    WHERE application_name = $1 AND query LIKE 'LISTEN%'
                    """, "\(schema)-listen"
                ).rows.first?.decode(Int.self, named: "n") ?? 0
                if listening > 0 { return }
                try await Task.sleep(for: .milliseconds(25))
            }
            Issue.record("the relay's listener never ran LISTEN")
        }

        @Test("Outbox.enqueue refuses to run outside a transaction")
        func enqueueNeedsTransaction() async throws {
            try await TestDatabase.withSchema { pool, _ in
                let error = await #expect(throws: PGError.self) {
                    try await pool.withConnection { conn in try await Outbox.enqueue(Self.message(1), on: conn) }
                }
                #expect("\(error.map { "\($0)" } ?? "")".contains("must run inside a transaction"))
            }
        }

        @Test("a batch inbox claim returns the ids not seen before, each once, repeats included")
        func inboxBatchClaim() async throws {
            try await TestDatabase.withSchema { pool, _ in
                let first = try await pool.withConnection { conn in
                    try await Inbox.claim(conn, consumer: "scheduler", messageID: "seen")
                }
                #expect(first)
                let claimed = try await pool.withTransaction { conn in
                    try await Inbox.claim(conn, consumer: "scheduler", messageIDs: ["a", "seen", "b", "a", "c"])
                }
                #expect(claimed == ["a", "b", "c"])
                let again = try await pool.withTransaction { conn in
                    try await Inbox.claim(conn, consumer: "scheduler", messageIDs: ["a", "d"])
                }
                #expect(again == ["d"])
                let empty = try await pool.withTransaction { conn in
                    try await Inbox.claim(conn, consumer: "scheduler", messageIDs: [])
                }
                #expect(empty.isEmpty)
            }
        }

        @Test("inbox claim is true once, then false, also when two connections race for the same id")
        func inboxClaimsOnce() async throws {
            try await TestDatabase.withSchema(poolSize: 2) { pool, _ in
                for attempt in 0..<5 {
                    let messageID = UUID().uuidString
                    let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                        for _ in 0..<2 {
                            group.addTask {
                                try await pool.withTransaction { conn in
                                    try await Inbox.claim(conn, consumer: "scheduler", messageID: messageID)
                                }
                            }
                        }
                        var results: [Bool] = []
                        for try await claimed in group { results.append(claimed) }
                        return results
                    }
                    #expect(
                        winners.count == 2 && winners.filter { $0 }.count == 1,
                        "attempt \(attempt): exactly one first claim"
                    )
                    let again = try await pool.withConnection { conn in
                        try await Inbox.claim(conn, consumer: "scheduler", messageID: messageID)
                    }
                    #expect(again == false)
                    let otherConsumer = try await pool.withConnection { conn in
                        try await Inbox.claim(conn, consumer: "tag-computer", messageID: messageID)
                    }
                    #expect(otherConsumer == true, "de-duplication is per consumer")
                }
                let pruned = try await pool.withConnection { conn in
                    try await Inbox.prune(olderThan: Date().addingTimeInterval(3600), limit: 100, on: conn)
                }
                #expect(pruned == 10)
            }
        }
    }
}
