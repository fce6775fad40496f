import AMQP
import Foundation
import KilnTestSupport
import Store
import Synchronization

/// One lookup-resolver test's private world: a fresh migrated schema and vhost (``TestSchema``,
/// ``TestVirtualHost``) and the replicas of the executable started against both (``ServiceProcess``).
/// ``with(executable:_:)`` removes everything afterwards.
final class ServiceHarness: Sendable {
    let executable: String
    let database: TestSchema
    let broker: TestVirtualHost
    let amqp: AMQPConnectionConfiguration
    private let replicas = Mutex<[ServiceProcess]>([])

    var pool: PGPool { database.pool }

    private init(executable: String, database: TestSchema, broker: TestVirtualHost) throws {
        self.executable = executable
        self.database = database
        self.broker = broker
        var amqp = try AMQPConnectionConfiguration(url: broker.serviceURL)
        amqp.reconnectBackoff = Backoff(initial: .milliseconds(200), maximum: .seconds(2))
        self.amqp = amqp
    }

    /// Runs `body` in a fresh world and always removes the schema, the vhost and the processes started.
    static func with<T: Sendable>(executable: String, _ body: (ServiceHarness) async throws -> T) async throws -> T {
        let prefix = "kiln_\(executable.replacingOccurrences(of: "-", with: "_"))"
        let database = try await TestSchema.create(prefix: prefix, poolSize: 3)
        let broker: TestVirtualHost
        do { broker = try await TestVirtualHost.create(prefix: "test-\(executable)") } catch {
            await database.drop()
            throw error
        }
        let harness: ServiceHarness
        do { harness = try ServiceHarness(executable: executable, database: database, broker: broker) } catch {
            await database.drop()
            await broker.delete()
            throw error
        }
        do {
            let result = try await body(harness)
            await harness.tearDown()
            await broker.delete()
            return result
        } catch {
            await harness.tearDown()
            await broker.delete()
            throw error
        }
    }

    private func tearDown() async {
        for replica in replicas.withLock({ $0 }) { await replica.kill() }
        await database.drop()
    }

    /// Starts one replica with the world's servers and `environment` added.
    func start(environment: [String: String] = [:]) throws -> ServiceProcess {
        var env = [
            "KILN_AMQP_URL": broker.serviceURL, "KILN_POSTGRES_URL": database.serviceURL,
            "KILN_OPS_HOST": "127.0.0.1", "KILN_OPS_PORT": String(FreePort.next()), "KILN_STARTUP_TIMEOUT": "30s",
            "KILN_LOG_FORMAT": "json",
        ]
        env.merge(environment) { $1 }
        let replica = try ServiceProcess.start(executable, environment: env)
        replicas.withLock { $0.append(replica) }
        return replica
    }

    /// Polls `condition` until it holds or `timeout` passes (see ``KilnTestSupport/waitUntil(_:timeout:_:)``).
    func waitUntil(
        _ what: String,
        timeout: Duration = .seconds(40),
        _ condition: () async throws -> Bool
    ) async throws {
        try await KilnTestSupport.waitUntil(what, timeout: timeout, condition)
    }
}
