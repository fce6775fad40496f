import AMQP
import Foundation

/// Where the integration tests find the broker: the private node of `deploy/local/rabbitmq`, or
/// `KILN_AMQP_URL`.
enum TestBroker {
    static let url = ProcessInfo.processInfo.environment["KILN_AMQP_URL"] ?? "amqp://kiln:kiln@127.0.0.1:56720/kiln"

    static func configuration(heartbeat: Duration = .seconds(30), maxMessageSize: Int = 1 << 20) throws
        -> AMQPConnectionConfiguration
    {
        var configuration = try AMQPConnectionConfiguration(url: url, heartbeat: heartbeat)
        configuration.maxMessageSize = maxMessageSize
        configuration.reconnectBackoff = Backoff(initial: .milliseconds(200), maximum: .seconds(2))
        return configuration
    }

    /// A name no other test (or earlier run) uses.
    static func uniqueName(_ purpose: String) -> String {
        "test.\(purpose).\(UUID().uuidString.lowercased())"
    }

    /// Test queues expire two minutes after their last use, so failed runs leave nothing behind for long.
    static let expiring: [String: AMQPFieldValue] = ["x-expires": .int(120_000)]

    /// The repository root, found from this file's path (Tests/AMQPTests/Support/TestBroker.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs `deploy/local/rabbitmq <command>` and returns its exit status, without blocking a pool thread.
    static func runNodeScript(_ command: String) async throws -> Int32 {
        try await runNodeScript([command])
    }

    /// Runs `deploy/local/rabbitmq ARGUMENTS…` (e.g. `ctl …`) and returns its exit status.
    static func runNodeScript(_ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = repositoryRoot.appending(path: "deploy/local/rabbitmq")
        process.arguments = arguments
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        // Foundation on Linux does not keep a running Process alive by itself: without this the object is
        // freed after run() and its termination handler never fires.
        withExtendedLifetime(process) {}
        return status
    }
}

/// Collects deliveries from consumer handlers so a test can wait for them.
actor DeliveryCollector {
    private(set) var deliveries: [Delivery] = []

    func add(_ delivery: Delivery) { deliveries.append(delivery) }

    /// Waits until `condition` holds for the collected deliveries or `timeout` passes; returns them either way.
    func wait(
        timeout: Duration = .seconds(90), until condition: @Sendable ([Delivery]) -> Bool
    ) async -> [Delivery] {
        let deadline = ContinuousClock.now + timeout
        while !condition(deliveries), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return deliveries
    }
}

/// Runs a consumer for the duration of `body`.
func withRunningConsumer<T: Sendable>(
    _ consumer: AMQPConsumer, _ body: () async throws -> T
) async throws -> T {
    let running = Task { try await consumer.run() }
    defer { running.cancel() }
    let result = try await body()
    running.cancel()
    _ = await running.result
    return result
}
