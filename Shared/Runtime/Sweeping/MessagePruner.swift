import Foundation
import KilnCore
import Logging
import Metrics
import Store

/// Deletes `outbox` and `inbox` rows older than their ``MessageRetention``, in bounded batches, so the two
/// tables stop growing with every event. Every service runs one (``ServiceRuntime/services(_:)`` registers
/// it as the `message-retention` sweeper).
///
/// Each statement deletes at most ``MessageRetention/batchSize`` rows and commits on its own; a round loops
/// until a statement deletes fewer, so a huge backlog is worked off in many short statements. Replicas may
/// prune at the same time: each batch skips rows another one is deleting (`SKIP LOCKED`) and a row deleted
/// twice is deleted once, so they only share the work. Rows deleted are counted in
/// `kiln_messages_pruned_total{service,table}` and a round that deleted any logs one `pruned old messages`
/// line.
public struct MessagePruner: Sendable {
    /// What one round deleted.
    public struct Round: Sendable, Hashable {
        /// Published outbox rows deleted.
        public var outbox = 0
        /// Inbox rows deleted.
        public var inbox = 0
        /// DELETE statements run (at least one per table), to show that a backlog went in batches.
        public var statements = 0

        /// A round's counts (tests compare whole rounds).
        public init(outbox: Int = 0, inbox: Int = 0, statements: Int = 0) {
            self.outbox = outbox
            self.inbox = inbox
            self.statements = statements
        }
    }

    private let pool: PGPool
    private let retention: MessageRetention
    private let service: String
    private let logger: Logger

    /// Creates a pruner of `pool`'s `outbox` and `inbox` tables; `service` labels the metric.
    public init(pool: PGPool, retention: MessageRetention, service: String, logger: Logger) {
        self.pool = pool
        self.retention = retention
        self.service = service
        self.logger = logger
    }

    /// Deletes every row older than its retention, measured back from `now`.
    ///
    /// - Throws: a database error (rows deleted by earlier statements stay deleted and counted), or
    ///   `CancellationError` between two batches at shutdown.
    @discardableResult
    public func pruneOnce(now: Date = Date()) async throws -> Round {
        var round = Round()
        let limit = retention.batchSize
        let outboxCutoff = now.addingTimeInterval(-retention.outbox.timeInterval)
        round.outbox = try await prune(table: "outbox", statements: &round.statements) { conn in
            try await Outbox.prunePublished(olderThan: outboxCutoff, limit: limit, on: conn)
        }
        let inboxCutoff = now.addingTimeInterval(-retention.inbox.timeInterval)
        round.inbox = try await prune(table: "inbox", statements: &round.statements) { conn in
            try await Inbox.prune(olderThan: inboxCutoff, limit: limit, on: conn)
        }
        if round.outbox + round.inbox > 0 {
            logger.notice(
                "pruned old messages",
                metadata: [
                    "outbox_rows": "\(round.outbox)", "inbox_rows": "\(round.inbox)",
                    "statements": "\(round.statements)", "outbox_retention": "\(retention.outbox)",
                    "inbox_retention": "\(retention.inbox)",
                ])
        } else {
            logger.debug("no message old enough to prune")
        }
        return round
    }

    /// Runs `deleteBatch` until it deletes fewer than a full batch, each in its own autocommit statement.
    private func prune(
        table: String, statements: inout Int, _ deleteBatch: @Sendable (PGConnection) async throws -> Int
    ) async throws -> Int {
        let counter = Counter(label: "kiln_messages_pruned_total", dimensions: [("service", service), ("table", table)])
        var total = 0
        while true {
            try Task.checkCancellation()
            let deleted = try await pool.withConnection { conn in try await deleteBatch(conn) }
            statements += 1
            total += deleted
            counter.increment(by: deleted)
            if deleted < retention.batchSize { return total }
        }
    }
}
