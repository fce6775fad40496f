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
    public static func create(prefix: String) throws -> TestVirtualHost {
        let name = "\(prefix)-\(TestServers.uniqueSuffix())"
        let output = try runScript(["vhost", name])
        guard let url = output.split(separator: "\n").last.map(String.init), url.hasPrefix("amqp://") else {
            throw HarnessError("\(TestServers.rabbitmqScript) vhost \(name) printed no URL: \(output)")
        }
        return TestVirtualHost(name: name, serviceURL: url)
    }

    /// Deletes the vhost with everything in it (best effort: clean-up never hides the test's own failure).
    public func delete() {
        _ = try? Self.runScript(["delete-vhost", name])
    }

    /// Runs the RabbitMQ helper script and returns what it printed.
    static func runScript(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestServers.rabbitmqScript)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw HarnessError(
                "\(TestServers.rabbitmqScript) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)"
            )
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
