import Foundation

/// Runs one of the local server scripts (`deploy/local/postgres`, `deploy/local/rabbitmq`) the way a test
/// that restarts or stops a server needs: waits for it, and fails with its output when it fails.
public enum LocalServerScript {
    /// `deploy/local/<script> <command>` failed.
    public struct Failure: Error, CustomStringConvertible {
        public var script: String
        public var output: String
        public var description: String { "deploy/local/\(script) failed:\n\(output)" }

        public init(script: String, output: String) {
            self.script = script
            self.output = output
        }
    }

    /// Runs `deploy/local/<script> <command>` and waits for it. Output goes to a temporary file, not a pipe:
    /// the server it starts is a daemon, and a pipe would only reach EOF when every holder closed it.
    public static func run(_ script: String, _ command: String) throws {
        _ = try output(script, [command])
    }

    /// Runs `deploy/local/<script> <arguments…>`, waits for it and returns what it printed (stdout and stderr).
    public static func output(_ script: String, _ arguments: [String]) throws -> String {
        let command = arguments.first ?? ""
        let logURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiln-\(script)-\(command)-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil) else {
            throw Failure(script: script, output: "cannot create \(logURL.path)")
        }
        defer { try? FileManager.default.removeItem(at: logURL) }
        let log = try FileHandle(forWritingTo: logURL)
        defer { try? log.close() }
        let process = Process()
        process.executableURL = TestServers.repositoryRoot.appendingPathComponent("deploy/local/\(script)")
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let output = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw Failure(script: script, output: "exit status \(process.terminationStatus)\n\(output)")
        }
        return output
    }
}
