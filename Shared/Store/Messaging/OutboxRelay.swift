import Foundation
import KilnCore
import Logging

/// Moves outbox rows to the broker: claim a batch, publish it with confirms, mark the confirmed rows.
///
/// Each round is one transaction: `SELECT … FOR UPDATE SKIP LOCKED` claims up to `batchSize` unpublished
/// rows in id order (so several relay replicas split the work instead of publishing twice), the publisher
/// runs while the rows stay locked, confirmed rows get `published_at`, the others get `attempts + 1` and
/// the error: a row the broker refused (unroutable, nacked) also gets `next_attempt_at`, 1 s doubling to
/// 60 s later, and is not claimed before then; a row that got no answer is tried at the next round. A crash after the broker confirmed but before COMMIT republishes
/// those rows: delivery is at least once, and consumers de-duplicate by message id.
///
/// `run()` loops until its task is cancelled: rounds back to back while there is a full batch to move,
/// otherwise it sleeps until `wake()` (call it after committing a transaction that enqueued messages), a
/// `kiln_outbox` notification (a row committed by any other session: the CLI, another service), or the poll
/// interval, so a missed wake-up only delays events.
public final class OutboxRelay: Sendable {
    /// Tuning for the relay loop.
    public struct Configuration: Sendable, Hashable {
        /// Most rows claimed and published per round.
        public var batchSize: Int
        /// Longest sleep between rounds without a wake-up; also the back-off after a failed round.
        public var pollInterval: Duration
        /// Whether to LISTEN for other sessions' outbox inserts (one extra PostgreSQL session per relay).
        /// Without it a row written elsewhere waits for the next poll.
        public var listens: Bool

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - batchSize: at least 1 (default 100).
        ///   - pollInterval: default 1 second.
        ///   - listens: default true.
        public init(batchSize: Int = 100, pollInterval: Duration = .seconds(1), listens: Bool = true) {
            self.batchSize = batchSize
            self.pollInterval = pollInterval
            self.listens = listens
        }
    }

    /// What one round did.
    public struct Round: Sendable, Hashable {
        /// Rows claimed from the outbox.
        public var claimed: Int
        /// Rows the publisher confirmed and that are now marked published.
        public var published: Int
        /// Rows the broker refused (unroutable, nacked): they wait before their next attempt.
        public var refused: Int

        /// Creates a round summary.
        public init(claimed: Int, published: Int, refused: Int = 0) {
            self.claimed = claimed
            self.published = published
            self.refused = refused
        }
    }

    private let pool: PGPool
    private let publisher: any OutboxPublishing
    private let configuration: Configuration
    private let logger: Logger
    private let signal = WakeSignal()

    /// Creates a relay.
    ///
    /// - Parameters:
    ///   - pool: where the `outbox` table is (the pool's search path picks the schema).
    ///   - publisher: publishes a batch and returns the confirmed ids.
    ///   - configuration: batch size and poll interval.
    ///   - logger: a warning per failed round.
    public init(
        pool: PGPool,
        publisher: any OutboxPublishing,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "kiln.store.outbox")
    ) {
        precondition(configuration.batchSize >= 1, "OutboxRelay batchSize must be at least 1")
        self.pool = pool
        self.publisher = publisher
        self.configuration = configuration
        self.logger = logger
    }

    /// Asks the running loop for a round now (e.g. after committing a transaction that enqueued events).
    public func wake() {
        signal.signal()
    }

    /// Relays until the task is cancelled. Never throws: failed rounds are logged and retried after the
    /// poll interval. Beside the loop an ``OutboxNotificationListener`` wakes it when any session commits
    /// an outbox row (migration 7's trigger), unless ``Configuration/listens`` is off.
    public func run() async {
        guard configuration.listens else { return await relayLoop() }
        let listener = OutboxNotificationListener(configuration: pool.configuration, logger: logger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [signal] in await listener.run { signal.signal() } }
            await relayLoop()
            group.cancelAll()
        }
    }

    private func relayLoop() async {
        while !Task.isCancelled {
            var again = false
            do {
                let round = try await relayOnce()
                again = round.claimed == configuration.batchSize && round.published > 0
            } catch {
                logger.warning("outbox relay round failed", metadata: ["error": "\(error)"])
            }
            if !again { await signal.wait(timeout: configuration.pollInterval) }
        }
    }

    /// Runs one claim → publish → mark round.
    ///
    /// - Returns: how many rows were claimed and how many were confirmed.
    /// - Throws: `PGError` when the database fails; publisher errors are recorded on the rows, not thrown.
    @discardableResult
    public func relayOnce() async throws -> Round {
        try await pool.withTransaction { conn in
            let batch = try conn.query(
                """
                SELECT id, message_id, exchange, routing_key, type, body, headers, created_at, attempts
                FROM outbox WHERE published_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
                """,
                configuration.batchSize
            ).rows.map(OutboxRecord.init(row:))
            guard !batch.isEmpty else { return Round(claimed: 0, published: 0) }
            let ids = Set(batch.map(\.id))
            var confirmed: Set<Int> = []
            var refused: [Int: String] = [:]
            var failure: String?
            do {
                let result = try await publisher.publish(batch)
                confirmed = result.confirmed.intersection(ids)
                refused = result.refused.filter { ids.contains($0.key) && !confirmed.contains($0.key) }
                if confirmed.count + refused.count < ids.count { failure = "no confirm from the broker" }
            } catch {
                failure = "\(error)"
                logger.warning(
                    "outbox publish failed; rows stay for the next round",
                    metadata: ["error": "\(error)", "outbox.batch": "\(batch.count)"]
                )
            }
            if !confirmed.isEmpty {
                try conn.query(
                    "UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1)",
                    confirmed.sorted()
                )
            }
            if !refused.isEmpty {
                // Refused by the broker: wait 1 s, doubling per attempt up to 60 s, before the next try.
                let rows = refused.sorted { $0.key < $1.key }
                try conn.query(
                    """
                    UPDATE outbox o SET attempts = o.attempts + 1, last_error = r.reason,
                           next_attempt_at = now() + least(interval '60 seconds',
                                                           interval '1 second' * power(2, least(o.attempts, 6)))
                      FROM unnest($1::bigint[], $2::text[]) AS r(id, reason)
                     WHERE o.id = r.id
                    """,
                    rows.map(\.key), rows.map(\.value)
                )
            }
            let unconfirmed = ids.subtracting(confirmed).subtracting(refused.keys)
            if !unconfirmed.isEmpty, let failure {
                try conn.query(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1)",
                    unconfirmed.sorted(),
                    failure
                )
            }
            return Round(claimed: batch.count, published: confirmed.count, refused: refused.count)
        }
    }
}
