/// The isolation level a transaction runs at.
public enum PGIsolationLevel: String, Sendable {
    /// PostgreSQL's default: each statement sees what was committed before it began.
    case readCommitted = "READ COMMITTED"
    /// One snapshot for the whole transaction.
    case repeatableRead = "REPEATABLE READ"
    /// As if transactions ran one at a time; conflicts fail with 40001 and must be retried.
    case serializable = "SERIALIZABLE"
}

extension PGConnection {
    /// Runs `body` in one transaction: BEGIN, then COMMIT when it returns, ROLLBACK when it throws.
    ///
    /// This is where compare-and-set state changes and their outbox rows are written together.
    ///
    /// `body` runs isolated to this connection, on its serial queue: its statements need no `await` and no
    /// thread hop, and (with the package's `NonisolatedNonsendingByDefault`) so do the nonisolated async
    /// functions it calls — repositories, handlers — which run on the caller's executor. A transaction of
    /// twenty statements used to cost forty hops between the queue and Swift's pool, the largest part of a
    /// service's CPU per event.
    ///
    /// ```swift
    /// try await conn.withTransaction { conn in
    ///     let won = try await conn.execute("UPDATE work_requests SET status = 'running' WHERE id = $1 AND status = 'pending'", id)
    ///     if won == 1 { try await Outbox.enqueue(message, on: conn) }
    /// }
    /// ```
    ///
    /// - Throws: `PGError.transactionAlreadyOpen` when called inside another transaction; whatever `body`
    ///   throws (after rolling back); `PGError.transactionFailed` when `body` returned although one of its
    ///   statements failed (the transaction is rolled back); `PGError` from BEGIN/COMMIT (a COMMIT can fail
    ///   with 40001).
    @discardableResult
    public nonisolated func withTransaction<Result: Sendable>(
        isolation level: PGIsolationLevel = .readCommitted,
        _ body: (isolated PGConnection) async throws -> Result
    ) async throws -> Result {
        guard await !isInTransaction else { throw PGError.transactionAlreadyOpen }
        try await execute("BEGIN ISOLATION LEVEL \(level.rawValue)")
        let result: Result
        do {
            result = try await body(self)
        } catch {
            await rollbackIfOpen()
            throw error
        }
        // A body that caught a statement's error and returned would otherwise "commit" a rolled-back
        // transaction: PostgreSQL answers COMMIT with ROLLBACK and no error.
        // And one whose session was lost and replaced mid-body (its error swallowed too) has no transaction
        // left to commit: COMMIT on the new session would "succeed" with nothing in it.
        let failed = await isTransactionFailed
        let open = await isInTransaction
        if failed || !open {
            await rollbackIfOpen()
            throw PGError.transactionFailed
        }
        do {
            try await execute("COMMIT")
        } catch {
            await rollbackIfOpen()
            throw error
        }
        return result
    }

    /// `withTransaction`, run again (with a short, growing, jittered pause) when it fails with a
    /// serialization failure or a deadlock, up to `maxAttempts` times in all.
    ///
    /// `body` must be safe to run more than once: everything it did in a failed attempt was rolled back,
    /// but effects outside PostgreSQL were not.
    ///
    /// - Throws: the last error when attempts run out, or the first non-retryable error at once.
    @discardableResult
    public nonisolated func withRetryingTransaction<Result: Sendable>(
        isolation level: PGIsolationLevel = .readCommitted,
        maxAttempts: Int = 5,
        _ body: (isolated PGConnection) async throws -> Result
    ) async throws -> Result {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        var attempt = 1
        while true {
            do {
                return try await withTransaction(isolation: level, body)
            } catch let error as PGError where error.isRetryable && attempt < maxAttempts {
                let pauseMilliseconds = Int.random(in: 5...20) << (attempt - 1)
                try await Task.sleep(for: .milliseconds(pauseMilliseconds))
                attempt += 1
            }
        }
    }
}
