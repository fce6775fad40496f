import Foundation
import KilnTestSupport
import Testing

/// A `kiln` process running in the background (for `kiln watch`), with its output in temporary files so
/// the test can read it while the process runs.
final class BackgroundKiln {
    let process: Process
    let directory: URL

    /// Starts `kiln arguments…` against `schema` with `environment` added.
    init(_ arguments: [String], schema: String, environment: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let out = directory.appendingPathComponent("out")
        let err = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process = Process()
        process.executableURL = KilnBinary.url
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["KILN_POSTGRES_URL"] = CLITestDatabase.url
        env["KILN_POSTGRES_SCHEMA"] = schema
        env["USER"] = "tester"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: directory)
    }

    var stdout: String { (try? String(contentsOf: directory.appendingPathComponent("out"), encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: directory.appendingPathComponent("err"), encoding: .utf8)) ?? "" }

    /// Waits (polling) until stdout satisfies `condition`; `false` if it has not within `timeout`.
    func waitForOutput(timeout: Duration = .seconds(30), _ condition: (String) -> Bool) async throws -> Bool {
        try await Eventually.wait(timeout: timeout) { condition(self.stdout) }
    }

    /// Waits for the process to exit and returns its status, or `nil` (after killing it) if it has not
    /// exited within `timeout`.
    func exitStatus(timeout: Duration = .seconds(30)) async throws -> Int32? {
        guard try await Eventually.wait(timeout: timeout, { !self.process.isRunning }) else {
            process.terminate()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Polling for a condition with a deadline (never a timing assertion: only a bound on how long to wait).
enum Eventually {
    static func wait(timeout: Duration, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }
}

/// A private RabbitMQ vhost per test (``TestVirtualHost``), deleted afterwards.
enum CLITestBroker {
    /// Runs `body` with the URL of a fresh vhost, then deletes the vhost.
    static func withVHost<Result: Sendable>(_ body: (String) async throws -> Result) async throws -> Result {
        let vhost = try await TestVirtualHost.create(prefix: "kiln-cli-test")
        do {
            let result = try await body(vhost.serviceURL)
            await vhost.delete()
            return result
        } catch {
            await vhost.delete()
            throw error
        }
    }
}
