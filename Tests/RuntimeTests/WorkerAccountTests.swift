import AMQP
import Foundation
import KilnTestSupport
import Testing

/// The restricted worker account of the local broker (deploy/local/rabbitmq; compose uses the same policy
/// from deploy/rabbitmq/definitions.json).
@Suite("The worker account's broker limits")
struct WorkerAccountTests {
    @Test("a queue the worker account declares falls under the kiln-worker-queues policy; the account has user limits")
    func workerQueuesAreBounded() async throws {
        try await TestServers.ensureRunning()
        let workerURL = TestServers.amqpURL.replacingOccurrences(of: "//kiln:kiln@", with: "//kiln-worker:kiln-worker@")
        let configuration = try AMQPConnectionConfiguration(url: workerURL)
        let consumer = AMQPConsumer(configuration: configuration, logger: TestServers.logger)
        let names = Collector<String>()
        try await consumer.addServerNamedQueueConsumer(prefetch: 1) { name in await names.add(name) } handler: { delivery in
            delivery.ack()
        }
        let running = Task { try await consumer.run() }
        defer { running.cancel() }
        // Generous: on a busy 2-core machine the connection and declaration can take tens of seconds.
        let queue = try #require(await names.wait(timeout: .seconds(120)) { !$0.isEmpty }.first)
        let listing = try LocalServerScript.output(
            "rabbitmq", ["ctl", "list_queues", "-p", configuration.url.virtualHost, "name", "policy"])
        let line = listing.split(separator: "\n").first { $0.hasPrefix(queue) }
        #expect(line?.contains("kiln-worker-queues") == true, "policy of \(queue): \(line ?? "not listed")")
        let limits = try LocalServerScript.output("rabbitmq", ["ctl", "list_user_limits", "--user", "kiln-worker"])
        #expect(limits.contains("\"max-connections\":1000"), "\(limits)")
        #expect(limits.contains("\"max-channels\":4000"), "\(limits)")
        running.cancel()
        _ = await running.result
    }
}
