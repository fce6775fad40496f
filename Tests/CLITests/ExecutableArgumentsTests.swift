import Foundation
import KilnTestSupport
import ServiceKit
import Testing

/// Every long-running executable answers --help and --version and refuses other arguments, without reading
/// its configuration or connecting: the servers named in the environment here do not exist.
@Suite("Executables' command line")
struct ExecutableArgumentsTests {
    static let executables = ["lookup-resolver", "tag-computer", "scheduler", "worker-gateway", "kiln-worker"]

    /// Runs the built executable with `arguments` against unreachable servers.
    static func run(_ executable: String, _ arguments: [String]) async throws -> ExecutableRun {
        try await ExecutableRun.run(
            executable,
            arguments: arguments,
            environment: [
                "KILN_AMQP_URL": "amqp://nobody:nothing@127.0.0.1:1/none",
                "KILN_POSTGRES_URL": "postgresql://nobody:nothing@127.0.0.1:1/none", "KILN_STARTUP_TIMEOUT": "1s",
            ],
            inheritEnvironment: false,
            timeout: .seconds(120)
        )
    }

    @Test("--help says what it does and lists its variables, exit 0", arguments: executables)
    func help(executable: String) async throws {
        let result = try await Self.run(executable, ["--help"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("Usage: \(executable) [--help | --help-env | --version]"), "\(result)")
        #expect(result.stdout.contains("Environment:"))
        #expect(result.stdout.contains(executable == "kiln-worker" ? "KILN_AMQP_URL=" : "KILN_POSTGRES_URL="))
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test("--version prints the version, exit 0", arguments: executables)
    func version(executable: String) async throws {
        let result = try await Self.run(executable, ["--version"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("\(executable) "), "\(result)")
    }

    @Test("an unknown argument is refused with exit 64, naming it", arguments: executables)
    func unknown(executable: String) async throws {
        let result = try await Self.run(executable, ["--frobnicate"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("unknown argument '--frobnicate'"), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test("kiln, the CLI, answers --version and --help without connecting, and refuses an unknown command with 64")
    func cli() async throws {
        let version = try await Self.run("kiln", ["--version"])
        #expect(
            version.status == 0
                && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == KilnVersion.current,
            "\(version)"
        )
        let help = try await Self.run("kiln", ["--help"])
        #expect(help.status == 0 && help.stdout.contains("SUBCOMMANDS:"), "\(help)")
        let unknown = try await Self.run("kiln", ["frobnicate"])
        #expect(unknown.status == 64 && unknown.stderr.contains("frobnicate"), "\(unknown)")
    }
}
