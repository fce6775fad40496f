import Foundation

/// A private RabbitMQ vhost for one test (`deploy/local/rabbitmq vhost NAME`, same accounts and rights as the
/// shared `kiln` vhost), so the queues of the services a test starts never meet another test's.
public struct TestVirtualHost: Sendable {
    public let name: String
    /// The service account (`kiln`, full rights) on this vhost.
    public let serviceURL: String

    /// The restricted worker account (`kiln-worker`) on this vhost.
    public var workerURL: String {
        serviceURL.replacingOccurrences(of: "//kiln:kiln@", with: "//kiln-worker:kiln-worker@")
    }

    /// Creates `<prefix>-<random>`.
    ///
    /// Whatever goes wrong after the script started (it failed, printed no URL, or the test was cancelled), the
    /// vhost is deleted before the error is thrown.
    public static func create(prefix: String) async throws -> TestVirtualHost {
        let name = "\(prefix)-\(TestServers.uniqueSuffix())"
        let output: String
        do {
            output = try await runScript(["vhost", name])
        } catch {
            await delete(name)
            throw error
        }
        guard let url = output.split(separator: "\n").last.map(String.init), url.hasPrefix("amqp://") else {
            await delete(name)
            throw HarnessError("\(TestServers.rabbitmqScript) vhost \(name) printed no URL: \(output)")
        }
        return TestVirtualHost(name: name, serviceURL: url)
    }

    /// Deletes the vhost with everything in it (best effort: clean-up never hides the test's own failure).
    public func delete() async {
        await Self.delete(name)
    }

    /// Deletes vhost `name` in a task of its own, so the clean-up of a test cancelled past its time limit still
    /// runs to its end instead of being cancelled with the test.
    static func delete(_ name: String) async {
        await Task.detached { _ = try? await runScript(["delete-vhost", name]) }.value
    }

    /// Runs the RabbitMQ helper script (through ``ExecutableRun``, off the cooperative pool: `rabbitmqctl` takes
    /// seconds) and returns what it printed on standard output.
    static func runScript(_ arguments: [String]) async throws -> String {
        let run = try await ExecutableRun.run(
            URL(fileURLWithPath: TestServers.rabbitmqScript),
            arguments: arguments,
            inheritEnvironment: true,
            timeout: .seconds(300)
        )
        guard run.status == 0 else {
            throw HarnessError("\(TestServers.rabbitmqScript) \(arguments.joined(separator: " ")) failed: \(run)")
        }
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
