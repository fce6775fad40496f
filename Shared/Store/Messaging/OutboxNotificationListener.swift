import Logging

/// Listens for `kiln_outbox` notifications (migration 7's trigger rings on every insert into `outbox`) and
/// calls back for those about this pool's schema, so an ``OutboxRelay`` publishes a row as soon as the
/// transaction that wrote it commits — whoever wrote it, the `kiln` CLI included — instead of at its next
/// poll.
///
/// It holds one session of its own, outside the pool (a LISTEN belongs to a session, and a pooled session
/// is shared). When that session is lost it waits `retryDelay`, opens a new one, LISTENs again and calls
/// back once, because rows committed meanwhile rang nobody. A relay keeps polling beside it, so a listener
/// that cannot connect only costs latency.
public final class OutboxNotificationListener: Sendable {
    /// The channel migration 7's trigger notifies.
    public static let channel = "kiln_outbox"

    private let configuration: PGConfiguration
    private let retryDelay: Duration
    private let logger: Logger

    /// Creates a listener; nothing connects until ``run(onNotification:)``.
    ///
    /// - Parameters:
    ///   - configuration: the relay pool's configuration (its search path names the schema to follow); the
    ///     session's application name gets a `-listen` suffix, so `pg_stat_activity` tells it apart.
    ///   - retryDelay: the wait before reconnecting after a lost or refused session.
    public init(configuration: PGConfiguration, retryDelay: Duration = .seconds(1), logger: Logger) {
        var configuration = configuration
        configuration.applicationName += "-listen"
        self.configuration = configuration
        self.retryDelay = retryDelay
        self.logger = logger
    }

    /// Listens until the task is cancelled, calling `onNotification` for each notification about the
    /// outbox of this configuration's schema (and once after every (re)connection). Never throws.
    public func run(onNotification: @escaping @Sendable () -> Void) async {
        let connection = PGConnection(configuration: configuration, logger: logger)
        var failures = 0
        while !Task.isCancelled {
            do {
                let schema = try await listen(on: connection)
                if failures > 0 { logger.info("outbox notifications resumed", metadata: ["pg.schema": "\(schema)"]) }
                failures = 0
                onNotification()  // rows committed while nobody listened
                while !Task.isCancelled {
                    let received = try await connection.waitForNotifications(timeout: .milliseconds(250))
                    if received.contains(where: { $0.channel == Self.channel && $0.payload == schema }) {
                        onNotification()
                    }
                }
            } catch {
                failures += 1
                // The first failure is worth a warning; a database that stays down is reported by every
                // other part of the service, once a retry is enough here.
                logger.log(
                    level: failures == 1 ? .warning : .debug,
                    "outbox notifications unavailable; the relay polls meanwhile",
                    metadata: ["error": "\(error)"])
                try? await Task.sleep(for: retryDelay)
            }
        }
        await connection.close()
    }

    /// Runs LISTEN on a (new, when needed) session and returns the schema the unqualified `outbox` table is
    /// in for this configuration — the payload its trigger sends.
    private func listen(on connection: PGConnection) async throws -> String {
        let row = try await connection.query(
            """
            SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = to_regclass('outbox')
            """
        ).rows.first
        guard let schema = try row?.decode(String.self, named: "schema") else {
            throw PGError.invalidConfiguration(
                "no outbox table on the search path of \(configuration.redactedURL); run kiln migrate")
        }
        try await connection.execute("LISTEN \(Self.channel)")
        return schema
    }
}
