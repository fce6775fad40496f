import Logging

/// A small set of `PGConnection`s shared by one service's tasks.
///
/// A service needs few sessions (2–4 on our 2-core machines): each statement holds one only for its round
/// trip. Connections open lazily; when all are busy, callers wait in FIFO order (cancellable). A session
/// that broke reconnects on its next use, so the pool never needs rebuilding after a server restart.
///
/// ```swift
/// let pool = PGPool(configuration: .init(url: url, applicationName: "scheduler"), size: 4)
/// let count = try await pool.withConnection { conn in
///     try await conn.query("SELECT count(*) FROM work_requests").rows[0].decode(Int.self, at: 0)
/// }
/// ```
public actor PGPool {
    /// The settings every connection of the pool opens with.
    public nonisolated let configuration: PGConfiguration
    /// The most connections the pool opens.
    public nonisolated let size: Int
    private let logger: Logger
    private var idle: [PGConnection] = []
    private var all: [PGConnection] = []
    private var waiters: [(id: Int, continuation: CheckedContinuation<PGConnection, any Error>)] = []
    private var nextWaiterID = 0
    private var closed = false

    /// Creates a pool; nothing connects until first use.
    ///
    /// - Parameters:
    ///   - configuration: shared by every connection.
    ///   - size: the most connections open at once, at least 1.
    ///   - logger: passed to each connection.
    public init(configuration: PGConfiguration, size: Int = 4, logger: Logger = Logger(label: "kiln.store")) {
        precondition(size >= 1, "a PGPool needs at least one connection, got size \(size)")
        self.configuration = configuration
        self.size = size
        self.logger = logger
    }

    /// Lends a connection to `body` for its duration, then takes it back (rolling back any transaction
    /// `body` left open).
    ///
    /// - Throws: `PGError.poolClosed`, `CancellationError` if cancelled while waiting, or what `body` throws.
    @discardableResult
    public nonisolated func withConnection<Result: Sendable>(
        _ body: (PGConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await checkOut()
        do {
            let result = try await body(connection)
            await checkIn(connection)
            return result
        } catch {
            await checkIn(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction on a pooled connection (see `PGConnection.withTransaction`).
    @discardableResult
    public nonisolated func withTransaction<Result: Sendable>(
        isolation level: PGIsolationLevel = .readCommitted,
        _ body: (isolated PGConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in try await connection.withTransaction(isolation: level, body) }
    }

    /// Runs `body` in a transaction retried on serialization failure or deadlock (see
    /// `PGConnection.withRetryingTransaction`).
    @discardableResult
    public nonisolated func withRetryingTransaction<Result: Sendable>(
        isolation level: PGIsolationLevel = .readCommitted,
        maxAttempts: Int = 5,
        _ body: (isolated PGConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            try await connection.withRetryingTransaction(isolation: level, maxAttempts: maxAttempts, body)
        }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public nonisolated func query(_ sql: String, _ parameters: any PGEncodable...) async throws -> PGQueryResult {
        try await withConnection { connection in try await connection.query(sql, parameters: parameters) }
    }

    /// Closes every connection and fails current and future waiters with `PGError.poolClosed`.
    public func close() async {
        closed = true
        let pending = waiters
        waiters.removeAll()
        for waiter in pending { waiter.continuation.resume(throwing: PGError.poolClosed) }
        for connection in all { await connection.close() }
        idle.removeAll()
    }

    private func checkOut() async throws -> PGConnection {
        guard !closed else { throw PGError.poolClosed }
        if let connection = idle.popLast() { return connection }
        if all.count < size {
            let connection = PGConnection(configuration: configuration, logger: logger)
            all.append(connection)
            return connection
        }
        let id = nextWaiterID
        nextWaiterID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            // The handler is synchronous and cannot enter the actor; hop in to remove the waiter.
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    private func checkIn(_ connection: PGConnection) async {
        await connection.rollbackIfOpen()
        if closed {
            await connection.close()
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: connection)
        } else {
            idle.append(connection)
        }
    }
}
