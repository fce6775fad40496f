import Foundation
import KilnTestSupport
import Logging
import Store
import Testing

/// The real private cluster, one fresh schema per test.
///
/// `KILN_POSTGRES_URL` picks the server (default: the local cluster of `deploy/local/postgres start`, which
/// these tests never start, stop or restart, since other suites share it).
enum CLITestDatabase {
    static var url: String { TestServers.postgresURL }

    /// Runs `body` with a pool on a fresh schema (migrated unless asked not to), then drops the schema.
    @discardableResult
    static func withSchema<Result: Sendable>(
        migrated: Bool = true,
        _ body: (PGPool, String) async throws -> Result
    ) async throws -> Result {
        let database = try await TestSchema.create(prefix: "kiln_cli_test", migrate: migrated)
        do {
            let result = try await body(database.pool, database.name)
            await database.drop()
            return result
        } catch {
            await database.drop()
            throw error
        }
    }
}

/// What one `kiln` run printed (the suites' shared record of a finished process).
typealias CLIRun = ExecutableRun

/// Runs the built `kiln` executable as a real process.
enum KilnBinary {
    /// `.build/debug/kiln` next to this package (the build directory `swift build` used).
    static var url: URL { TestServers.builtExecutable("kiln") }

    /// Runs `kiln arguments…` against `schema`, with `environment` added (`ExecutableRun.run`: output
    /// through files, a hung run terminated after five minutes).
    static func run(
        _ arguments: [String],
        schema: String,
        environment: [String: String] = [:],
        stdin: String? = nil
    ) async throws -> CLIRun {
        var env = ["KILN_POSTGRES_URL": CLITestDatabase.url, "KILN_POSTGRES_SCHEMA": schema, "USER": "tester"]
        env.merge(environment) { $1 }
        return try await ExecutableRun.run("kiln", arguments: arguments, environment: env, stdin: stdin)
    }

    /// Runs and requires exit status 0, returning stdout.
    @discardableResult
    static func succeed(
        _ arguments: [String],
        schema: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let result = try await run(arguments, schema: schema)
        #expect(
            result.status == 0,
            "kiln \(arguments.joined(separator: " ")) failed: \(result)",
            sourceLocation: sourceLocation
        )
        return result.stdout
    }

    /// Runs with `--json` output expected and parses stdout.
    static func json(
        _ arguments: [String],
        schema: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Any {
        let text = try await succeed(arguments, schema: schema, sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }
}

/// The CLI suites share the real cluster, each test in its own schema. They run one test at a time: each test
/// starts several `kiln` processes, and with the suite's dozens of tests at once a 2-core machine was so loaded
/// that other suites' PostgreSQL connections timed out opening (libpq's 5 s `connect_timeout`) in a fresh-clone
/// phase 1. (The wait for each `kiln` happens off Swift's cooperative pool, ``ExecutableRun``, so the tests
/// beside them keep their threads.)
@Suite("kiln CLI and repositories (real cluster)", .serialized, .timeLimit(.minutes(3)))
struct CLIIntegration {}
