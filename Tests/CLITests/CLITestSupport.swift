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

/// What one run of the `kiln` binary printed and how it exited.
struct CLIRun: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// Runs the built `kiln` executable as a real process.
enum KilnBinary {
    /// `.build/debug/kiln` next to this package (the build directory `swift build` used).
    static var url: URL { TestServers.builtExecutable("kiln") }

    /// Runs `kiln arguments…` against `schema`, with `environment` added; output goes through temporary
    /// files (not pipes) so a large output can never block the child.
    static func run(
        _ arguments: [String],
        schema: String,
        environment: [String: String] = [:],
        stdin: String? = nil
    ) throws -> CLIRun {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["KILN_POSTGRES_URL"] = CLITestDatabase.url
        env["KILN_POSTGRES_SCHEMA"] = schema
        env["USER"] = "tester"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let inURL = directory.appendingPathComponent("in")
            _ = FileManager.default.createFile(atPath: inURL.path, contents: Data(stdin.utf8))
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        return CLIRun(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        )
    }

    /// Runs and requires exit status 0, returning stdout.
    @discardableResult
    static func succeed(
        _ arguments: [String],
        schema: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let result = try run(arguments, schema: schema)
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
    ) throws -> Any {
        let text = try succeed(arguments, schema: schema, sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }
}

/// The CLI suites share the real cluster; each test has its own schema, so they run in parallel.
@Suite("kiln CLI and repositories (real cluster)", .timeLimit(.minutes(3)))
struct CLIIntegration {}
