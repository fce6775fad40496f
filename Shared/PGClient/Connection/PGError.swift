/// Everything the store can throw.
///
/// Callers mostly ask three questions, answered by properties rather than by matching cases: is it worth
/// retrying the transaction (`isRetryable`), did an idempotent insert hit a duplicate (`isUniqueViolation`),
/// and is the connection gone (`isConnectionLost`).
public enum PGError: Error, CustomStringConvertible, Sendable {
    /// A connection could not be opened (bad URL, server down, bad password). `target` has no password.
    case connectionFailed(target: String, message: String)
    /// The connection broke before or during a statement (server restart, network). The statement's outcome
    /// is unknown if it was a COMMIT; the next use of the connection opens a new session.
    case connectionLost(message: String)
    /// The server rejected a statement.
    case server(PGServerError)
    /// A parameter cannot be sent (e.g. text containing a NUL byte).
    case invalidParameter(index: Int, reason: String)
    /// A configuration value is unusable.
    case invalidConfiguration(String)
    /// A column's value cannot be decoded as the requested Swift type.
    case decoding(column: String, targetType: String, value: String?, reason: String)
    /// A row has no column with this name.
    case columnNotFound(name: String, available: [String])
    /// A row has fewer columns than the index asked for.
    case columnIndexOutOfRange(index: Int, count: Int)
    /// libpq returned a result kind the store does not handle (e.g. COPY).
    case unexpectedResult(status: String, message: String)
    /// The pool was closed while a caller waited for or asked for a connection.
    case poolClosed
    /// An operation that must run inside the caller's transaction was called outside one.
    case notInTransaction(operation: String)
    /// `withTransaction` was called on a connection that already has a transaction open.
    case transactionAlreadyOpen
    /// A transaction body returned normally although one of its statements had failed (its error caught and
    /// dropped): the transaction was rolled back, nothing of it committed.
    case transactionFailed
    /// A `PGSession` was used after the `withSynchronousAccess` call that lent it had returned.
    case sessionExpired

    /// The server's error, when the server produced this error.
    public var serverError: PGServerError? {
        if case .server(let error) = self { return error }
        return nil
    }

    /// The classified SQLSTATE, when the server produced this error.
    public var code: PGErrorCode? { serverError?.code }

    /// Whether running the whole transaction again may succeed: serialization failures (40001) and
    /// deadlocks (40P01). A lost connection is not included: a COMMIT in flight may have succeeded.
    public var isRetryable: Bool {
        switch code {
        case .serializationFailure?, .deadlockDetected?: true
        default: false
        }
    }

    /// Whether a unique constraint rejected the statement (23505): the duplicate case of idempotent inserts.
    public var isUniqueViolation: Bool { code == .uniqueViolation }

    /// Whether the connection is gone (the next use reconnects).
    public var isConnectionLost: Bool {
        if case .connectionLost = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .connectionFailed(let target, let message): "cannot connect to PostgreSQL at \(target): \(message)"
        case .connectionLost(let message): "PostgreSQL connection lost: \(message)"
        case .server(let error): error.description
        case .invalidParameter(let index, let reason): "parameter $\(index + 1) cannot be sent: \(reason)"
        case .invalidConfiguration(let reason): "invalid PostgreSQL configuration: \(reason)"
        case .decoding(let column, let targetType, let value, let reason):
            "column '\(column)' value \(value.map { "'\($0)'" } ?? "NULL") is not a valid \(targetType): \(reason)"
        case .columnNotFound(let name, let available):
            "no column named '\(name)' (columns: \(available.joined(separator: ", ")))"
        case .columnIndexOutOfRange(let index, let count): "column index \(index) out of range (row has \(count))"
        case .unexpectedResult(let status, let message): "unexpected libpq result \(status): \(message)"
        case .poolClosed: "the PostgreSQL pool is closed"
        case .notInTransaction(let operation): "\(operation) must run inside a transaction"
        case .transactionAlreadyOpen: "a transaction is already open on this connection (nesting is not supported)"
        case .transactionFailed:
            "a statement of the transaction failed but its error was not passed on; the transaction was rolled back"
        case .sessionExpired: "a PGSession was used after its withSynchronousAccess call returned"
        }
    }
}

/// An error reported by the PostgreSQL server, with the fields libpq exposes.
public struct PGServerError: Sendable, Hashable, CustomStringConvertible {
    /// The five-character SQLSTATE, e.g. `23505`.
    public var sqlState: String
    /// `sqlState` classified.
    public var code: PGErrorCode { PGErrorCode(sqlState: sqlState) }
    /// `ERROR`, `FATAL` or `PANIC`.
    public var severity: String
    /// The primary message.
    public var message: String
    /// The optional detail (for a unique violation: which key already exists).
    public var detail: String?
    /// The optional hint.
    public var hint: String?
    /// The violated constraint's name, for integrity errors.
    public var constraint: String?
    /// The table involved, when the server names one.
    public var table: String?
    /// The column involved, when the server names one.
    public var column: String?
    /// The schema involved, when the server names one.
    public var schema: String?

    /// Creates a server error value (the store fills it from libpq's diagnostic fields).
    public init(
        sqlState: String,
        severity: String,
        message: String,
        detail: String? = nil,
        hint: String? = nil,
        constraint: String? = nil,
        table: String? = nil,
        column: String? = nil,
        schema: String? = nil
    ) {
        self.sqlState = sqlState
        self.severity = severity
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.schema = schema
    }

    public var description: String {
        var text = "PostgreSQL \(severity) \(sqlState): \(message)"
        if let detail { text += " (detail: \(detail))" }
        if let constraint { text += " [constraint \(constraint)]" }
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}

/// The SQLSTATE codes the services act on; everything else is `.other`.
public enum PGErrorCode: Hashable, Sendable {
    /// 23505: a duplicate key.
    case uniqueViolation
    /// 23503: a referenced row is missing (or still referenced).
    case foreignKeyViolation
    /// 23502: NULL in a NOT NULL column.
    case notNullViolation
    /// 23514: a CHECK constraint failed (e.g. an unknown status string).
    case checkViolation
    /// 40001: a serializable transaction lost a conflict; retry it.
    case serializationFailure
    /// 40P01: the transaction was picked as a deadlock victim; retry it.
    case deadlockDetected
    /// 55P03: `NOWAIT` / `lock_timeout` could not get a lock.
    case lockNotAvailable
    /// 57014: cancelled (statement_timeout or a cancel request).
    case queryCanceled
    /// 57P01: the server is shutting down and ended the session.
    case adminShutdown
    /// 42P01: a table does not exist (e.g. migrations not applied).
    case undefinedTable
    /// 22P02: a value's text is not valid for its type.
    case invalidTextRepresentation
    /// Any other SQLSTATE.
    case other(String)

    /// Classifies a SQLSTATE.
    public init(sqlState: String) {
        switch sqlState {
        case "23505": self = .uniqueViolation
        case "23503": self = .foreignKeyViolation
        case "23502": self = .notNullViolation
        case "23514": self = .checkViolation
        case "40001": self = .serializationFailure
        case "40P01": self = .deadlockDetected
        case "55P03": self = .lockNotAvailable
        case "57014": self = .queryCanceled
        case "57P01": self = .adminShutdown
        case "42P01": self = .undefinedTable
        case "22P02": self = .invalidTextRepresentation
        default: self = .other(sqlState)
        }
    }
}
