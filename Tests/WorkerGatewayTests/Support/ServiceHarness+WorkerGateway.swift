import AMQP
import Foundation
import KilnTestSupport
import Logging
import Store
import Testing

/// One test's private world for the real `worker-gateway` process: a fresh PostgreSQL schema (migrated), a
/// fresh RabbitMQ vhost (created by `deploy/local/rabbitmq vhost`), the executable started against both
/// with its log captured, stopped with SIGTERM at the end (its exit status is checked), and everything
/// removed afterwards.
final class GatewayHarness {
    let database: TestSchema
    let broker: TestVirtualHost
    let service: ServiceProcess

    var pool: PGPool { database.pool }
    var serviceAMQPURL: String { broker.serviceURL }
    /// The restricted worker account on this test's vhost.
    var workerAMQPURL: String { broker.workerURL }

    private init(database: TestSchema, broker: TestVirtualHost, service: ServiceProcess) {
        self.database = database
        self.broker = broker
        self.service = service
    }

    /// Runs `body` with a started gateway; always tears down, and expects the gateway to exit 0 on SIGTERM.
    static func run(
        environment extra: [String: String] = [:],
        _ body: (GatewayHarness) async throws -> Void
    ) async throws {
        let harness = try await start(environment: extra)
        do {
            try await body(harness)
        } catch {
            Issue.record("gateway log:\n\(harness.log.suffix(6000))")
            await harness.tearDown()
            throw error
        }
        let status = await harness.tearDown()
        #expect(status == 0, "worker-gateway exited \(status ?? -1) on SIGTERM; log:\n\(harness.log.suffix(4000))")
    }

    static func start(environment extra: [String: String]) async throws -> GatewayHarness {
        let database = try await TestSchema.create(prefix: "kiln_gw_test")
        let broker: TestVirtualHost
        do { broker = try await TestVirtualHost.create(prefix: "kiln-gw-test") } catch {
            await database.drop()
            throw error
        }
        var env = [
            "KILN_AMQP_URL": broker.serviceURL, "KILN_POSTGRES_URL": database.serviceURL, "KILN_OPS_HOST": "127.0.0.1",
            "KILN_OPS_PORT": String(FreePort.next()), "KILN_SWEEP_INTERVAL": "1s", "KILN_WORKER_HEARTBEAT": "1s",
            "KILN_LEASE_DURATION": "60s", "KILN_WORKER_SILENCE": "10m", "KILN_STARTUP_TIMEOUT": "30s",
            "KILN_SERVICE_CONCURRENCY": "4",
        ]
        env.merge(extra) { $1 }
        let service: ServiceProcess
        do { service = try ServiceProcess.start("worker-gateway", environment: env) } catch {
            await database.drop()
            await broker.delete()
            throw error
        }
        let harness = GatewayHarness(database: database, broker: broker, service: service)
        let ready = await eventually(timeout: .seconds(40)) {
            let log = service.log
            return log.contains("consuming worker messages") && log.contains("consuming events") || !service.isRunning
        }
        guard ready, service.isRunning else {
            let log = harness.log
            await harness.tearDown()
            throw HarnessError("worker-gateway did not start; log:\n\(log.suffix(4000))")
        }
        return harness
    }

    /// Everything the gateway printed so far.
    var log: String { service.log }

    /// The gateway's log lines, parsed.
    var logLines: [[String: Any]] { service.logLines() }

    /// Sends SIGTERM, waits for the exit, and removes the schema and the vhost.
    @discardableResult
    func tearDown() async -> Int32? {
        let status = try? await service.terminate()
        await database.drop()
        await broker.delete()
        return status
    }
}
