import Foundation
import Logging

/// Where the real servers and the built executables are for tests that run Kiln's processes: the shared
/// PostgreSQL (`KILN_POSTGRES_URL`), the RabbitMQ helper script (`KILN_RABBITMQ_SCRIPT`) that makes private
/// vhosts, and `.build/…/debug`. One place, so every suite isolates itself the same way.
public enum TestServers {
    /// The repository root, from this file's path (Tests/KilnTestSupport/TestServers.swift).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `KILN_POSTGRES_URL`, else the local runner's cluster (`deploy/local/postgres`).
    public static var postgresURL: String {
        ProcessInfo.processInfo.environment["KILN_POSTGRES_URL"] ?? "postgresql://kiln:kiln@127.0.0.1:55432/kiln"
    }

    /// `KILN_RABBITMQ_SCRIPT`, else this repository's `deploy/local/rabbitmq`.
    public static var rabbitmqScript: String {
        ProcessInfo.processInfo.environment["KILN_RABBITMQ_SCRIPT"]
            ?? repositoryRoot.appending(path: "deploy/local/rabbitmq").path
    }

    /// A logger for the test plumbing itself: warnings only, so test output stays readable.
    public static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        return logger
    }

    /// A child process's environment: this process's plus `extra` (or, when `inherit` is false, only `HOME`
    /// plus `extra`, e.g. to control `PATH` exactly).
    public static func childEnvironment(_ extra: [String: String], inherit: Bool) -> [String: String] {
        var environment =
            inherit
            ? ProcessInfo.processInfo.environment : ProcessInfo.processInfo.environment.filter { $0.key == "HOME" }
        environment.merge(extra) { $1 }
        return environment
    }

    /// The built executable `name`: `.build/debug/<name>`, else the first `.build/<triple>/debug/<name>`.
    public static func builtExecutable(_ name: String) -> URL {
        let build = repositoryRoot.appending(path: ".build")
        let candidates =
            [build.appending(path: "debug/\(name)")]
            + ((try? FileManager.default.contentsOfDirectory(atPath: build.path)) ?? []).sorted().map {
                build.appending(path: "\($0)/debug/\(name)")
            }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// A short random suffix for names of private schemas, vhosts and folders.
    public static func uniqueSuffix() -> String { String(UUID().uuidString.prefix(8)).lowercased() }
}
