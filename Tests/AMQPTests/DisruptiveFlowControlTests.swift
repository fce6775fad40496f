import AMQP
import Foundation
import Logging
import Synchronization
import Testing

/// Raises a memory alarm on the shared private node, so `deploy/test` runs it in its "Disruptive" phase, alone.
@Suite("Disruptive: RabbitMQ memory alarm", .serialized, .timeLimit(.minutes(3)))
struct DisruptiveFlowControlTests {
    @Test("connection.blocked is asked for at login, logged when a resource alarm blocks a publisher, and the publish completes once it clears")
    func blockedPublisherIsLoggedAndCompletes() async throws {
        let lines = LogLines()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
        let queue = TestBroker.uniqueName("blocked")
        let topology = Topology(queues: [.classic(name: queue, arguments: TestBroker.expiring)])
        let publisher = AMQPPublisher(configuration: try TestBroker.configuration(), topology: topology, logger: logger)
        try await publisher.connect()
        #expect(try await TestBroker.runNodeScript(["ctl", "set_vm_memory_high_watermark", "absolute", "10MB"]) == 0)
        let publishing = Task { try await publisher.publish(OutgoingMessage(exchange: "", routingKey: queue, text: "during the alarm")) }
        let blocked = await lines.wait(timeout: .seconds(60)) { $0.contains { $0.hasPrefix("the broker blocked this connection") } }
        #expect(try await TestBroker.runNodeScript(["ctl", "set_vm_memory_high_watermark", "0.4"]) == 0)
        #expect(blocked, "no connection.blocked logged: \(lines.all)")
        try await publishing.value
        #expect(await lines.wait(timeout: .seconds(60)) { $0.contains("the broker unblocked this connection") })
        try await publisher.deleteQueue(queue)
        await publisher.close()
    }
}

/// Log messages, collected for a test to wait on.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }

    /// Polls until `condition` holds or `timeout` passes; returns whether it held.
    func wait(timeout: Duration, until condition: ([String]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(all) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return condition(all)
    }
}

struct CapturingLogHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { lines.add(event.message.description) }
}
