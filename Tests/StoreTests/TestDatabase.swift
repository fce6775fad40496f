import Foundation
import KilnTestSupport
import Logging
import Store

/// Access to the real private cluster for the integration tests.
///
/// `KILN_POSTGRES_URL` picks the server; when it is unset the tests use the project's local cluster and
/// start it first with `deploy/local/postgres start` (idempotent), so `swift test` works in a fresh clone.
/// Every test works in its own schema (`kiln_test_<random>`), dropped at the end, so tests never share rows.
enum TestDatabase {
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var url: String {
        ProcessInfo.processInfo.environment["KILN_POSTGRES_URL"] ?? "postgresql://kiln:kiln@127.0.0.1:55432/kiln"
    }

    /// Starts the local cluster once per test process when no URL was given.
    private static let serverStart: Result<Void, LocalServerScript.Failure> = {
        guard ProcessInfo.processInfo.environment["KILN_POSTGRES_URL"] == nil else { return .success(()) }
        return Result { try runPostgresScript("start") }.mapError {
            $0 as? LocalServerScript.Failure ?? LocalServerScript.Failure(script: "postgres", output: "\($0)")
        }
    }()

    /// Runs `deploy/local/postgres <command>` and waits for it.
    static func runPostgresScript(_ command: String) throws {
        try LocalServerScript.run("postgres", command)
    }

    static func ensureServer() throws {
        try serverStart.get()
    }

    static var logger: Logger {
        var logger = Logger(label: "kiln.store.tests")
        logger.logLevel = .warning
        return logger
    }

    static func newSchemaName() -> String {
        "kiln_test_" + UUID().uuidString.prefix(8).lowercased()
    }

    static func makePool(schema: String?, size: Int = 2) -> PGPool {
        PGPool(
            configuration: PGConfiguration(
                url: url,
                applicationName: "kiln-store-tests",
                searchPath: schema.map { [$0] }
            ),
            size: size,
            logger: logger
        )
    }

    /// Runs `body` with a pool bound to a fresh schema (migrated when asked), then drops the schema.
    @discardableResult
    static func withSchema<Result: Sendable>(
        migrated: Bool = true,
        poolSize: Int = 2,
        _ body: (PGPool, String) async throws -> Result
    ) async throws -> Result {
        try ensureServer()
        let schema = newSchemaName()
        let pool = makePool(schema: schema, size: poolSize)
        do {
            if migrated {
                try await Migrator.migrate(pool, logger: logger)
            } else {
                try await pool.query("CREATE SCHEMA \(schema)")
            }
            let result = try await body(pool, schema)
            await drop(schema: schema, pool: pool)
            return result
        } catch {
            await drop(schema: schema, pool: pool)
            throw error
        }
    }

    private static func drop(schema: String, pool: PGPool) async {
        _ = try? await pool.query("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        await pool.close()
    }
}

/// Counts calls and records what a fake publisher saw, safely across tasks.
actor PublishLog {
    private(set) var calls = 0
    private(set) var confirmedIDs: [Int] = []
    private(set) var seenMessageIDs: [UUID] = []

    func nextCall() -> Int {
        calls += 1
        return calls
    }

    func record(confirmed: some Sequence<Int>, batch: [OutboxRecord]) {
        confirmedIDs.append(contentsOf: confirmed)
        seenMessageIDs.append(contentsOf: batch.map(\.message.messageID))
    }
}

struct FakeBrokerDown: Error {}
