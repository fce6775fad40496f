import AMQP
import Foundation
import KilnCore
import KilnRuntime
import KilnTestSupport
import Logging
import Store

/// The broker side of the shared test servers for the in-process runtime tests (the database side and the
/// repository root come from ``KilnTestSupport/TestServers``): `KILN_AMQP_URL`, else the local runner's.
extension TestServers {
    static let amqpURL = ProcessInfo.processInfo.environment["KILN_AMQP_URL"] ?? "amqp://kiln:kiln@127.0.0.1:56720/kiln"

    static var logger: Logger { logger("kiln.runtime.tests") }

    static func amqpConfiguration() throws -> AMQPConnectionConfiguration {
        var configuration = try AMQPConnectionConfiguration(url: amqpURL)
        configuration.reconnectBackoff = Backoff(initial: .milliseconds(200), maximum: .seconds(2))
        return configuration
    }

    /// Starts a local server only if none answers.
    static func ensureRunning() async throws {
        let probe = PGPool(configuration: PGConfiguration(url: postgresURL), size: 1, logger: logger)
        if (try? await probe.query("SELECT 1")) == nil { try LocalServerScript.run("postgres", "start") }
        await probe.close()
        let publisher = AMQPPublisher(configuration: try amqpConfiguration())
        do {
            try await publisher.connect()
        } catch {
            try LocalServerScript.run("rabbitmq", "start")
        }
        await publisher.close()
    }
}

/// One test's world: a unique service (so its inbox and dead queues are its own), a fresh migrated schema
/// with an `applied` table the handlers write to, and a confirming publisher. Cleaned up by ``with(_:)``.
struct RuntimeHarness: Sendable {
    let queues: ServiceQueues
    let database: TestSchema
    var pool: PGPool { database.pool }
    let publisher: AMQPPublisher
    let amqp: AMQPConnectionConfiguration

    /// Runs `body` with a fresh harness, then deletes its queues and schema.
    static func with<T: Sendable>(
        consumes keys: [RoutingKey] = [.workRequestPending], deliveryLimit: Int = 10,
        _ body: (RuntimeHarness) async throws -> T
    ) async throws -> T {
        try await TestServers.ensureRunning()
        let id = UUID().uuidString.prefix(8).lowercased()
        // Test queues expire ten minutes after last use, so an aborted run leaves nothing behind for long.
        let queues = ServiceQueues(
            service: "test-\(id)", consumes: keys, deliveryLimit: deliveryLimit,
            inboxArguments: ["x-expires": .int(600_000)], deadArguments: ["x-expires": .int(600_000)])
        let database = try await TestSchema.create(prefix: "kiln_rt", poolSize: 4)
        let amqp = try TestServers.amqpConfiguration()
        let publisher = AMQPPublisher(configuration: amqp, topology: KilnTopology.only(queues), logger: TestServers.logger)
        let harness = RuntimeHarness(queues: queues, database: database, publisher: publisher, amqp: amqp)
        do {
            try await database.pool.query("CREATE TABLE applied (message_id text NOT NULL, work_request_id bigint NOT NULL)")
            try await publisher.connect()
            let result = try await body(harness)
            await harness.cleanUp()
            return result
        } catch {
            await harness.cleanUp()
            throw error
        }
    }

    private func cleanUp() async {
        try? await publisher.deleteQueue(queues.inbox)
        try? await publisher.deleteQueue(queues.dead)
        await publisher.close()
        await database.drop()
    }

    /// A consumer of this harness's inbox.
    func consumer(concurrency: Int = 4, batchSize: Int = 1, handler: @escaping EventHandler) -> EventConsumer {
        consumer(options: EventConsumer.Options(concurrency: concurrency, batchSize: batchSize), handler: handler)
    }

    /// A consumer of this harness's inbox with the given options, `handler` registered for every kind the
    /// inbox accepts.
    func consumer(options: EventConsumer.Options, handler: @escaping EventHandler) -> EventConsumer {
        var handlers = EventHandlers()
        handlers.on(Array(queues.accepted), handler)
        return EventConsumer(
            queues: queues, amqp: amqp, pool: pool, deadLetterPublisher: publisher, options: options,
            logger: TestServers.logger, handlers: handlers)
    }

    /// Takes `count` deliveries from the inbox without settling them, runs `body` with them (which must
    /// settle each), then closes that consumer, flushing the settlements.
    func withDeliveries(count: Int, _ body: ([Delivery]) async throws -> Void) async throws {
        let collector = Collector<Delivery>()
        let consumer = AMQPConsumer(configuration: amqp, logger: TestServers.logger)
        try await consumer.addConsumer(queue: queues.inbox, prefetch: UInt16(count)) { delivery in
            await collector.add(delivery)
        }
        let running = Task { try await consumer.run() }
        let deliveries = await collector.wait(timeout: .seconds(60)) { $0.count >= count }
        do {
            guard deliveries.count == count else {
                throw HarnessError("expected \(count) deliveries, got \(deliveries.count)")
            }
            try await body(deliveries)
        } catch {
            running.cancel()
            _ = await running.result
            throw error
        }
        running.cancel()
        _ = await running.result
    }

    /// Messages waiting in the inbox, read by a consumer that takes whatever comes within a moment and
    /// requeues it (0 when nothing arrives).
    func readyMessages() async throws -> Int {
        let collector = Collector<Delivery>()
        let consumer = AMQPConsumer(configuration: amqp, logger: TestServers.logger)
        try await consumer.addConsumer(queue: queues.inbox, prefetch: 100) { delivery in
            await collector.add(delivery)
            delivery.nack(requeue: true)
        }
        let running = Task { try await consumer.run() }
        let seen = await collector.wait(timeout: .seconds(1)) { !$0.isEmpty }
        running.cancel()
        _ = await running.result
        return seen.count
    }

    /// Publishes straight into the inbox (default exchange), the event kind in `type`.
    func publishDirect(
        type: String = RoutingKey.workRequestPending.rawValue, body: [UInt8], messageID: String? = UUID().uuidString.lowercased()
    ) async throws {
        try await publisher.publish(
            OutgoingMessage(
                exchange: "", routingKey: queues.inbox, body: body,
                properties: MessageProperties(messageID: messageID, type: type)))
    }

    /// Publishes a valid event for `workRequestID` straight into the inbox.
    func publishEvent(workRequestID: Int, messageID: String = UUID().uuidString.lowercased()) async throws {
        try await publishDirect(body: try MessageCodec.encode(EventBody(workRequestID: workRequestID)), messageID: messageID)
    }

    /// Rows the handlers committed.
    func appliedRows() async throws -> [(messageID: String, workRequestID: Int)] {
        try await pool.query("SELECT message_id, work_request_id FROM applied ORDER BY message_id").rows.map {
            (try $0.decode(String.self, at: 0), try $0.decode(Int.self, at: 1))
        }
    }

    /// Inbox rows of this service.
    func inboxCount() async throws -> Int {
        try await pool.query("SELECT count(*) FROM inbox WHERE consumer = $1", queues.service).rows[0].decode(Int.self, at: 0)
    }

    /// Reads (and acks) what reaches the dead queue until `count` messages arrived or `timeout` passed.
    func deadLetters(count: Int, timeout: Duration = .seconds(30)) async throws -> [Delivery] {
        let collector = Collector<Delivery>()
        let consumer = AMQPConsumer(configuration: amqp, logger: TestServers.logger)
        try await consumer.addConsumer(queue: queues.dead, prefetch: 50) { delivery in
            await collector.add(delivery)
            delivery.ack()
        }
        let running = Task { try await consumer.run() }
        let result = await collector.wait(timeout: timeout) { $0.count >= count }
        running.cancel()
        _ = await running.result
        return result
    }
}

/// Runs `consumer` for the duration of `body`, then stops it gracefully and rethrows its failure, if any.
func withRunning<T: Sendable>(_ consumer: EventConsumer, _ body: () async throws -> T) async throws -> T {
    let running = Task { try await consumer.run() }
    do {
        let result = try await body()
        consumer.stop()
        try await running.value
        return result
    } catch {
        consumer.stop()
        _ = await running.result
        throw error
    }
}

/// A harness precondition that did not hold.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Collects values from handlers.
actor Collector<Value: Sendable> {
    private(set) var values: [Value] = []

    func add(_ value: Value) { values.append(value) }

    func wait(timeout: Duration, until condition: @Sendable ([Value]) -> Bool) async -> [Value] {
        let deadline = ContinuousClock.now + timeout
        while !condition(values), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(25))
        }
        return values
    }
}

/// A simulated database outage: the probe fails `failingProbes` times, then the database is back.
actor OutageSwitch {
    private var failingProbes: Int

    init(failingProbes: Int) { self.failingProbes = failingProbes }

    var isDown: Bool { failingProbes > 0 }

    func probe() throws {
        guard failingProbes > 0 else { return }
        failingProbes -= 1
        throw PGError.connectionFailed(target: "simulated", message: "the database restarts")
    }
}

/// Counts handler attempts per message id, across the handler's concurrent invocations.
actor AttemptCounter {
    private var attempts: [String: Int] = [:]

    /// Records one more attempt and returns its number (1 for the first).
    func next(_ id: String) -> Int {
        attempts[id, default: 0] += 1
        return attempts[id, default: 0]
    }

    func count(_ id: String) -> Int { attempts[id] ?? 0 }
}
