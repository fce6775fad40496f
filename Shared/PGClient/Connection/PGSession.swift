/// Synchronous access to one connection's session, for code that must not suspend between statements.
///
/// Lookup resolution (`LookupResolver` over a `LookupStore`) is synchronous by design: a whole lookup is
/// one walk of plain questions. `PGConnection.withSynchronousAccess` lends a `PGSession` to such code while
/// the connection actor is running on its own serial queue, so each statement blocks that queue (never
/// Swift's cooperative pool) and nothing else can use the session in between.
///
/// A session is not `Sendable`, so it cannot be handed to another task or actor; it also checks, on every
/// statement, that it runs on its connection's executor and that the access that lent it is still going
/// on, so a copy kept past the closure fails with `PGError.sessionExpired` instead of racing.
public final class PGSession {
    private let connection: PGConnection
    private var isLent = true
    /// How many statements this session has sent: lets callers and tests check a walk's round trips.
    public private(set) var statementCount = 0

    fileprivate init(connection: PGConnection) {
        self.connection = connection
    }

    /// Runs one parameterized statement and returns its rows (see `PGConnection.query(_:_:)`).
    ///
    /// - Throws: `PGError.sessionExpired` after the lending call returned, or what the statement throws.
    @discardableResult
    public func query(_ sql: String, _ parameters: any PGEncodable...) throws -> PGQueryResult {
        try run(sql, parameters)
    }

    /// `query(_:_:)` with the parameters as an array (for statements built from a list).
    @discardableResult
    public func query(_ sql: String, parameters: [any PGEncodable]) throws -> PGQueryResult {
        try run(sql, parameters)
    }

    /// Runs one parameterized command and returns how many rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: any PGEncodable...) throws -> Int {
        try run(sql, parameters).affectedRows
    }

    private func run(_ sql: String, _ parameters: [any PGEncodable]) throws -> PGQueryResult {
        guard isLent else { throw PGError.sessionExpired }
        statementCount += 1
        // `assumeIsolated` traps when called off the connection's queue: the guarantee that no two threads
        // ever touch the PGconn does not rest on the caller's good behaviour.
        return try connection.assumeIsolated { connection in try connection.run(sql, parameters) }
    }

    fileprivate func expire() {
        isLent = false
    }
}

@available(*, unavailable, message: "a PGSession belongs to the withSynchronousAccess call that lent it")
extension PGSession: Sendable {}

extension PGConnection {
    /// Runs `body` on this connection's own queue with a synchronous `PGSession`, for synchronous code (a
    /// `LookupStore` walk) that needs several statements on one session without suspending.
    ///
    /// ```swift
    /// let result = try await conn.withSynchronousAccess { session in
    ///     try LookupResolver(store: PGLookupStore(session)).lookupSingle(lookup, expect: .artifact,
    ///                                                                   defaultCategory: nil, context: context)
    /// }
    /// ```
    ///
    /// The session does not open a transaction: each statement sees what was committed before it began.
    /// When `body` throws after opening one itself, it is rolled back.
    ///
    /// - Throws: whatever `body` throws.
    public func withSynchronousAccess<Result: Sendable>(_ body: (PGSession) throws -> Result) throws -> Result {
        let wasInTransaction = isInTransaction
        let session = PGSession(connection: self)
        defer { session.expire() }
        do {
            return try body(session)
        } catch {
            if !wasInTransaction { rollbackIfOpen() }
            throw error
        }
    }
}

extension PGPool {
    /// Borrows a connection and runs `body` with its synchronous session (see
    /// `PGConnection.withSynchronousAccess`).
    ///
    /// - Throws: `PGError.poolClosed`, `CancellationError` while waiting, or what `body` throws.
    public nonisolated func withSynchronousAccess<Result: Sendable>(
        _ body: @Sendable (PGSession) throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in try await connection.withSynchronousAccess(body) }
    }
}
