import KilnBase
import CLibPQ
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One PostgreSQL session (`PGconn`), owned by an actor that runs on its own serial queue.
///
/// Every libpq call blocks its thread for a network round trip, so the actor never runs on Swift's
/// cooperative pool (see `QueueExecutor`), and its methods touching the handle are synchronous: no
/// suspension point can interleave two statements on one session.
///
/// The session opens lazily and heals itself: before each statement outside a transaction it checks
/// whether the server has closed an idle session (a restart sends a FATAL notice then EOF) and, if so,
/// opens a new one. A statement whose session breaks mid-flight throws `PGError.connectionLost`; the server
/// closing the socket ends the blocking call, and TCP keepalives bound the wait when the server vanishes.
///
/// ```swift
/// let conn = PGConnection(configuration: .init(url: "postgresql://kiln:kiln@127.0.0.1:55432/kiln"))
/// let rows = try await conn.query("SELECT id FROM workers WHERE enabled = $1", true).rows
/// ```
public actor PGConnection {
    /// The settings this session opens with.
    public nonisolated let configuration: PGConfiguration
    private let logger: Logger
    private let executor: PGConnectionExecutor
    private let noticeSink: NoticeSink
    /// The `PGconn *`; `nil` until first use and after a loss.
    private var handle: OpaquePointer? {
        didSet { preparedStatements.removeAll() }  // prepared statements live and die with their session
    }
    /// Statements prepared on the current session, by text and parameter types, with their names.
    private var preparedStatements: [PreparedStatementKey: String] = [:]
    /// Numbers the prepared statements of this connection (names are never reused, even across sessions).
    private var preparedCounter = 0

    /// Runs every job of this actor on its private queue.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Creates a connection that opens on first use.
    ///
    /// - Parameters:
    ///   - configuration: where and how to connect.
    ///   - logger: receives reconnects (warning) and server notices (debug).
    public init(configuration: PGConfiguration, logger: Logger = Logger(label: "kiln.store")) {
        self.configuration = configuration
        self.logger = logger
        self.executor = PGConnectionExecutor(label: "kiln.store.pg.\(configuration.applicationName)")
        self.noticeSink = NoticeSink(logger: logger)
    }

    isolated deinit {
        // Runs on the connection's own queue. PQfinish only writes a tiny Terminate message.
        if let handle { PQfinish(handle) }
    }

    /// Opens the session now (instead of on first use), so a service fails fast on a bad URL or password.
    ///
    /// - Throws: `PGError.connectionFailed` with libpq's message.
    public func connect() throws {
        _ = try liveHandle()
    }

    /// Closes the session; the next statement opens a new one.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// Whether a session is currently open and healthy as far as libpq knows.
    public var isConnected: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Whether a transaction is open (or failed and awaiting ROLLBACK) on the session.
    public var isInTransaction: Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Whether the open transaction has failed (a statement errored and nobody rolled back): PostgreSQL
    /// would answer COMMIT with ROLLBACK, silently.
    public var isTransactionFailed: Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return false }
        return PQtransactionStatus(handle) == PQTRANS_INERROR
    }

    /// The server process id of the open session, or `nil` when none is open (useful in tests and logs).
    public var backendPID: Int32? {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return nil }
        return PQbackendPID(handle)
    }

    /// Runs one parameterized statement and returns its rows.
    ///
    /// - Parameters:
    ///   - sql: one SQL statement with `$1`, `$2`, … placeholders; values are never spliced into it.
    ///   - parameters: bound in order (`nil` optionals bind NULL).
    /// - Throws: `PGError.server` (with SQLSTATE, message, detail, constraint), `.connectionLost`,
    ///   `.connectionFailed`, `.invalidParameter`.
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
    ///
    /// - Throws: as `query(_:_:)`.
    @discardableResult
    public func execute(_ sql: String, _ parameters: any PGEncodable...) throws -> Int {
        try run(sql, parameters).affectedRows
    }

    /// Waits up to `timeout` for notifications on channels this session LISTENs to, and returns those that
    /// arrived (none after a timeout). Blocks only this connection's own queue.
    ///
    /// It never opens a session: a LISTEN belongs to the session that ran it, and a silent reconnect would
    /// leave the caller listening to nothing. With no open session, or when the server ends it while
    /// waiting, it throws `PGError.connectionLost`; the caller runs LISTEN again (which opens a new session).
    public func waitForNotifications(timeout: Duration) throws -> [PGNotification] {
        guard let connection = handle, PQstatus(connection) == CONNECTION_OK else {
            throw PGError.connectionLost(message: "no open session to wait for notifications on")
        }
        var received = takeNotifications(connection)
        guard received.isEmpty else { return received }
        let socket = PQsocket(connection)
        guard socket >= 0 else {
            dropHandle(reason: "the session has no socket")
            throw PGError.connectionLost(message: "the session has no socket")
        }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: max(0, timeout.wholeMilliseconds))
        guard poll(&descriptor, 1, milliseconds) > 0 else { return [] }  // timeout, or EINTR: the caller waits again
        if PQconsumeInput(connection) == 0 || PQstatus(connection) != CONNECTION_OK {
            let message = errorMessage(connection)
            dropHandle(reason: message)
            throw PGError.connectionLost(message: message)
        }
        received = takeNotifications(connection)
        return received
    }

    private func takeNotifications(_ connection: OpaquePointer) -> [PGNotification] {
        var received: [PGNotification] = []
        while let notification = PQnotifies(connection) {
            let note = notification.pointee
            received.append(
                PGNotification(
                    channel: note.relname.map { String(cString: $0) } ?? "",
                    payload: note.extra.map { String(cString: $0) } ?? "", senderPID: note.be_pid))
            PQfreemem(notification)
        }
        return received
    }

    /// Rolls back whatever transaction is open (after a caller's failure); a broken session is just closed.
    func rollbackIfOpen() {
        guard isInTransaction else { return }
        do {
            _ = try run("ROLLBACK", [])
        } catch {
            logger.warning("rollback failed; closing the session", metadata: ["error": "\(error)"])
            close()
        }
    }

    // MARK: - libpq

    /// Runs one statement on the session; the one place statements reach libpq (also used by `PGSession`).
    func run(_ sql: String, _ parameters: [any PGEncodable]) throws -> PGQueryResult {
        let texts = parameters.map(\.pgText)
        for (index, text) in texts.enumerated() where text?.utf8.contains(0) == true {
            throw PGError.invalidParameter(index: index, reason: "text contains a NUL byte, which PostgreSQL rejects")
        }
        let types = parameters.map(\.pgTypeOID)
        let connection = try liveHandle()
        let cStrings: [UnsafeMutablePointer<CChar>?] = texts.map { $0.flatMap { strdup($0) } }
        defer { for pointer in cStrings { free(pointer) } }
        let borrowed = cStrings.map { UnsafePointer($0) }
        let statement = try preparedName(for: sql, types: types, on: connection)
        let result = types.withUnsafeBufferPointer { typeBuffer in
            borrowed.withUnsafeBufferPointer { valueBuffer in
                if let statement {
                    PQexecPrepared(
                        connection, statement, Int32(parameters.count), valueBuffer.baseAddress, nil, nil, 0)
                } else {
                    PQexecParams(
                        connection,
                        sql,
                        Int32(parameters.count),
                        typeBuffer.baseAddress,
                        valueBuffer.baseAddress,
                        nil,
                        nil,
                        0
                    )
                }
            }
        }
        guard let result else {
            throw lossOrFailure(connection, fallback: "libpq returned no result: \(errorMessage(connection))")
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return copyResult(result)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
            throw mapError(result, connection: connection)
        default:
            let name = String(cString: PQresStatus(status))
            throw PGError.unexpectedResult(status: name, message: errorMessage(connection))
        }
    }

    /// The name of `sql` prepared on this session with these parameter types, preparing it on first use;
    /// `nil` for a statement that is not worth preparing (see ``PreparedStatementKey/isPreparable(_:)``)
    /// or once ``PreparedStatementKey/limit`` statements are prepared.
    ///
    /// Why: parsing, analysing and planning every statement afresh was half of PostgreSQL's CPU in the
    /// pending transition (perf, deploy/docs/benchmarks.md). A prepared statement is parsed once per
    /// session, and after five executions PostgreSQL plans it once too when a generic plan is as good.
    /// Keyed by the types too, so each execution is typed exactly as `PQexecParams` would have typed it.
    ///
    /// - Throws: the error preparing it raised (the same one executing it would have raised).
    private func preparedName(for sql: String, types: [PGTypeOID], on connection: OpaquePointer) throws -> String? {
        let key = PreparedStatementKey(sql: sql, types: types)
        if let name = preparedStatements[key] { return name }
        guard preparedStatements.count < PreparedStatementKey.limit, PreparedStatementKey.isPreparable(sql) else {
            return nil
        }
        preparedCounter += 1
        let name = "kiln_\(preparedCounter)"
        let result = types.withUnsafeBufferPointer { typeBuffer in
            PQprepare(connection, name, sql, Int32(types.count), typeBuffer.baseAddress)
        }
        guard let result else {
            throw lossOrFailure(connection, fallback: "libpq returned no result preparing: \(errorMessage(connection))")
        }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw mapError(result, connection: connection) }
        preparedStatements[key] = name
        return name
    }

    private func copyResult(_ result: OpaquePointer) -> PGQueryResult {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { index in
            PGColumn(name: PQfname(result, index).map { String(cString: $0) } ?? "?", typeOID: PQftype(result, index))
        }
        var rows: [PGRow] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            let values: [String?] = (0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
            rows.append(PGRow(columns: columns, values: values))
        }
        let tag = PQcmdTuples(result).map { String(cString: $0) } ?? ""
        return PGQueryResult(columns: columns, rows: rows, affectedRows: Int(tag) ?? 0)
    }

    private func mapError(_ result: OpaquePointer, connection: OpaquePointer) -> PGError {
        func field(_ code: Character) -> String? {
            guard let ascii = code.asciiValue, let pointer = PQresultErrorField(result, Int32(ascii)) else {
                return nil
            }
            return String(cString: pointer)
        }
        let message = field("M") ?? errorMessage(connection)
        guard PQstatus(connection) == CONNECTION_OK else {
            dropHandle(reason: message)
            return .connectionLost(message: message)
        }
        guard let sqlState = field("C") else {
            return .unexpectedResult(status: "error without SQLSTATE", message: message)
        }
        if sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" {
            dropHandle(reason: message)
            return .connectionLost(message: "\(sqlState): \(message)")
        }
        return .server(
            PGServerError(
                sqlState: sqlState,
                severity: field("V") ?? field("S") ?? "ERROR",
                message: message,
                detail: field("D"),
                hint: field("H"),
                constraint: field("n"),
                table: field("t"),
                column: field("c"),
                schema: field("s")
            )
        )
    }

    private func lossOrFailure(_ connection: OpaquePointer, fallback: String) -> PGError {
        if PQstatus(connection) != CONNECTION_OK {
            let message = errorMessage(connection)
            dropHandle(reason: message)
            return .connectionLost(message: message)
        }
        return .unexpectedResult(status: "no result", message: fallback)
    }

    private func errorMessage(_ connection: OpaquePointer) -> String {
        guard let pointer = PQerrorMessage(connection) else { return "unknown libpq error" }
        return String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func dropHandle(reason: String) {
        guard let handle else { return }
        logger.warning(
            "PostgreSQL session lost; the next statement reconnects",
            metadata: ["pg.reason": "\(reason)", "pg.target": "\(configuration.redactedURL)"]
        )
        PQfinish(handle)
        self.handle = nil
    }

    /// The open session, after making sure it is still alive; opens a new one when needed.
    private func liveHandle() throws -> OpaquePointer {
        if let handle {
            if PQstatus(handle) == CONNECTION_OK, !idleSessionWasClosedByServer(handle) { return handle }
            dropHandle(reason: errorMessage(handle))
        }
        return try open()
    }

    /// An idle session has nothing to read unless the server ended it (or sent a notification). Reading
    /// what is there tells: on EOF libpq marks the session bad. Sessions inside a transaction are not
    /// checked: a loss there must surface as an error, never be papered over by a new session.
    private func idleSessionWasClosedByServer(_ connection: OpaquePointer) -> Bool {
        guard PQtransactionStatus(connection) == PQTRANS_IDLE else { return false }
        let socket = PQsocket(connection)
        guard socket >= 0 else { return true }
        for _ in 0..<8 {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 0)
            if ready == 0 { break }
            if ready < 0 { return errno != EINTR }
            if PQconsumeInput(connection) == 0 || PQstatus(connection) != CONNECTION_OK { return true }
            while let notification = PQnotifies(connection) { PQfreemem(notification) }
        }
        return PQstatus(connection) != CONNECTION_OK
    }

    private func open() throws -> OpaquePointer {
        let parameters = try configuration.connectionParameters()
        let keywords = parameters.map { strdup($0.0) }
        let values = parameters.map { strdup($0.1) }
        defer {
            for pointer in keywords + values { free(pointer) }
        }
        let keywordPointers = keywords.map { UnsafePointer($0) } + [nil]
        let valuePointers = values.map { UnsafePointer($0) } + [nil]
        guard let connection = PQconnectdbParams(keywordPointers, valuePointers, 1) else {
            throw PGError.connectionFailed(target: configuration.redactedURL, message: "libpq could not allocate")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = errorMessage(connection)
            PQfinish(connection)
            throw PGError.connectionFailed(target: configuration.redactedURL, message: message)
        }
        PQsetNoticeReceiver(connection, noticeReceiver, Unmanaged.passUnretained(noticeSink).toOpaque())
        handle = connection
        logger.debug(
            "PostgreSQL session opened",
            metadata: ["pg.target": "\(configuration.redactedURL)", "pg.pid": "\(PQbackendPID(connection))"]
        )
        return connection
    }
}

/// Receives server notices (warnings, and the FATAL a restart sends to idle sessions) and logs them
/// instead of letting libpq print to stderr.
private final class NoticeSink: Sendable {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
}

private func noticeReceiver(_ context: UnsafeMutableRawPointer?, _ result: OpaquePointer?) {
    guard let context, let result, let message = PQresultErrorMessage(result) else { return }
    let sink = Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue()
    sink.logger.debug(
        "PostgreSQL notice",
        metadata: ["pg.notice": "\(String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines))"]
    )
}
