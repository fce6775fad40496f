import AMQP
import Foundation
import KilnCore
import KilnRuntime
import KilnTestSupport
import Logging
import Store
import Synchronization

/// One tag-computer test's world: a fresh migrated schema and vhost (``TestSchema``, ``TestVirtualHost``),
/// the REAL `tag-computer` executable started against both (``ServiceProcess``), and a publisher/consumer on
/// the vhost for direct inbox messages and the dead queue. Everything is removed by ``with(environment:_:)``,
/// which also returns the service's exit status after SIGTERM.
struct TagComputerHarness: Sendable {
    let database: TestSchema
    let broker: TestVirtualHost
    let service: ServiceProcess
    /// The environment the service was started with (a replica gets the same, with its own ops port).
    let serviceEnvironment: [String: String]

    var pool: PGPool { database.pool }
    var amqpURL: String { broker.serviceURL }

    static let logger = TestServers.logger("kiln.tag-computer.tests")

    /// Runs `body` with a started service; afterwards sends SIGTERM, returns its exit status, and removes the
    /// schema and the vhost.
    static func with(
        environment: [String: String] = [:],
        _ body: (TagComputerHarness) async throws -> Void
    ) async throws -> Int32 {
        let database = try await TestSchema.create(prefix: "kiln_tc")
        var service: ServiceProcess?
        var broker: TestVirtualHost?
        do {
            let vhost = try await TestVirtualHost.create(prefix: "kiln-tc")
            broker = vhost
            let serviceEnvironment = [
                "KILN_AMQP_URL": vhost.serviceURL, "KILN_POSTGRES_URL": database.serviceURL,
                "KILN_OPS_HOST": "127.0.0.1", "KILN_STARTUP_TIMEOUT": "30s", "KILN_LOG_LEVEL": "info",
            ].merging(environment) { $1 }
            let started = try ServiceProcess.start(
                "tag-computer",
                environment: serviceEnvironment.merging(["KILN_OPS_PORT": String(FreePort.next())]) { $1 }
            )
            service = started
            let harness = TagComputerHarness(
                database: database,
                broker: vhost,
                service: started,
                serviceEnvironment: serviceEnvironment
            )
            try await harness.waitUntilConsuming()
            try await body(harness)
            let status = try await started.terminate()
            // The log is kept only when something failed, for the failure message to point at.
            try? FileManager.default.removeItem(at: started.outputURL)
            await database.drop()
            await vhost.delete()
            return status
        } catch {
            if let service { await service.kill() }
            await database.drop()
            await broker?.delete()
            throw error
        }
    }

    /// Waits for the service's "consuming events" log line.
    func waitUntilConsuming() async throws {
        try await Self.waitUntilConsuming(service)
    }

    static func waitUntilConsuming(_ service: ServiceProcess) async throws {
        let consuming = await eventually(timeout: .seconds(60)) {
            service.logLines().contains { $0["msg"] as? String == "consuming events" }
        }
        guard consuming else { throw HarnessError("tag-computer did not start consuming: \(service.log)") }
    }

    /// Starts another replica of the service on the same schema and vhost and waits until it consumes;
    /// the caller terminates it.
    func startReplica() async throws -> ServiceProcess {
        let replica = try ServiceProcess.start(
            "tag-computer",
            environment: serviceEnvironment.merging(["KILN_OPS_PORT": String(FreePort.next())]) { $1 }
        )
        do {
            try await Self.waitUntilConsuming(replica)
        } catch {
            await replica.kill()
            throw error
        }
        return replica
    }

    /// A publisher on the test's vhost.
    func withPublisher<T: Sendable>(_ body: (AMQPPublisher) async throws -> T) async throws -> T {
        let publisher = AMQPPublisher(
            configuration: try AMQPConnectionConfiguration(url: amqpURL),
            topology: KilnTopology.all,
            logger: Self.logger
        )
        try await publisher.connect()
        do {
            let result = try await body(publisher)
            await publisher.close()
            return result
        } catch {
            await publisher.close()
            throw error
        }
    }

    /// Publishes `body` straight into `tag-computer.inbox` with `type` and `messageID`.
    func publishToInbox(type: String, body: [UInt8], messageID: String = UUID().uuidString.lowercased()) async throws {
        try await withPublisher { publisher in
            try await publisher.publish(
                OutgoingMessage(
                    exchange: "",
                    routingKey: KilnTopology.tagComputer.inbox,
                    body: body,
                    properties: MessageProperties(messageID: messageID, type: type)
                )
            )
        }
    }

    /// Reads (and acks) `tag-computer.dead` until `count` messages arrived or `timeout` passed.
    func deadLetters(count: Int, timeout: Duration = .seconds(30)) async throws -> [Delivery] {
        let collected = Mutex<[Delivery]>([])
        let consumer = AMQPConsumer(configuration: try AMQPConnectionConfiguration(url: amqpURL), logger: Self.logger)
        try await consumer.addConsumer(queue: KilnTopology.tagComputer.dead, prefetch: 50) { delivery in
            collected.withLock { $0.append(delivery) }
            delivery.ack()
        }
        let running = Task { try await consumer.run() }
        _ = await eventually(timeout: timeout) { collected.withLock { $0.count >= count } }
        running.cancel()
        _ = await running.result
        return collected.withLock { $0 }
    }

    /// Routing keys of the outbox rows, oldest first.
    func outboxKeys() async throws -> [String] {
        try await pool.query("SELECT routing_key FROM outbox ORDER BY id").rows.map {
            try $0.decode(String.self, at: 0)
        }
    }

    /// Whether every outbox row was published (the service's relay ran after its commits).
    func outboxPublished() async throws -> Bool {
        try await pool.query("SELECT count(*) FROM outbox WHERE published_at IS NULL").rows[0].decode(Int.self, at: 0)
            == 0
    }
}
