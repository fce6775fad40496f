import KilnTestSupport
import Foundation
import KilnRuntime
import Logging
import ServiceKit
import Testing

@Suite("ServiceBootstrap")
struct ServiceBootstrapTests {
    /// The error reading `variables` as a scheduler's runtime configuration gives, or nil when it is valid.
    static func configurationError(_ variables: [String: String]) -> ConfigurationError? {
        do {
            _ = try RuntimeConfiguration(service: "scheduler", environment: EnvironmentReader(variables: variables))
            return nil
        } catch {
            return error
        }
    }

    @Test("a bad AMQP URL stops start-up with a message naming KILN_AMQP_URL, password masked")
    func badAMQPURL() throws {
        let error = try #require(Self.configurationError(["KILN_AMQP_URL": "http://kiln:s3cret@broker:5672/kiln"]))
        guard case .invalid(let variable, let value, let expected) = error else {
            Issue.record("expected .invalid, got \(error)")
            return
        }
        #expect(variable == "KILN_AMQP_URL")
        #expect(!value.contains("s3cret"))
        #expect(expected.contains("unsupported scheme 'http'"))
        #expect(error.description.hasPrefix("configuration error: KILN_AMQP_URL="))
        #expect(!error.description.contains("\n"))
    }

    @Test("a bad PostgreSQL URL or number names its variable")
    func otherBadSettings() throws {
        let postgres = try #require(Self.configurationError(["KILN_POSTGRES_URL": "mysql://kiln:pw@db/kiln"]))
        #expect(postgres.description.contains("KILN_POSTGRES_URL"))
        #expect(!postgres.description.contains("pw@"))
        let concurrency = try #require(Self.configurationError(["KILN_SERVICE_CONCURRENCY": "0"]))
        #expect(concurrency.description.contains("KILN_SERVICE_CONCURRENCY"))
        let interval = try #require(Self.configurationError(["KILN_SWEEP_INTERVAL": "soon"]))
        #expect(interval.description.contains("KILN_SWEEP_INTERVAL"))
    }

    @Test("defaults give a complete configuration")
    func defaults() throws {
        let configuration = try RuntimeConfiguration(service: "scheduler", environment: EnvironmentReader(variables: [:]))
        #expect(configuration.concurrency == 8)
        #expect(configuration.sweepInterval == .seconds(30))
        #expect(configuration.postgres.applicationName == "scheduler")
        #expect(configuration.amqp.url.port == 56720)
        let described = EnvironmentReader(variables: [:]).describe(RuntimeSettings.all)
        #expect(described["KILN_AMQP_URL"] == "amqp://kiln:***@127.0.0.1:56720/kiln")
        #expect(described["KILN_POSTGRES_URL"] == "postgresql://kiln:***@127.0.0.1:55432/kiln")
    }

    @Test("an unreachable server fails start-up after the start-up timeout, naming it")
    func unreachableServer() async throws {
        let configuration = try RuntimeConfiguration(
            service: "scheduler",
            environment: EnvironmentReader(variables: [
                "KILN_POSTGRES_URL": "postgresql://kiln:kiln@127.0.0.1:1/kiln", "KILN_STARTUP_TIMEOUT": "1s",
            ]))
        await #expect {
            _ = try await ServiceBootstrap.connect(configuration: configuration, logger: TestServers.logger)
        } throws: { error in
            guard case StartupError.unreachable(let what, _, _)? = error as? StartupError else { return false }
            return what.contains("PostgreSQL") && what.contains("127.0.0.1:1")
        }
    }

    @Test("connect declares the topology, marks readiness and wires consumer, relay and sweeper")
    func connectsAndMarksReadiness() async throws {
        try await TestServers.ensureRunning()
        let configuration = try RuntimeConfiguration(
            service: "test-bootstrap",
            environment: EnvironmentReader(variables: [
                "KILN_POSTGRES_URL": TestServers.postgresURL, "KILN_AMQP_URL": TestServers.amqpURL,
            ]))
        let runtime = try await ServiceBootstrap.connect(
            configuration: configuration, topology: .init(exchanges: KilnTopology.exchanges), logger: TestServers.logger)
        #expect(runtime.readiness.isReady)
        let services = runtime.services([runtime.sweeper(name: "noop") { 0 }])
        #expect(services.count == 5, "ops, readiness, relay, message pruning, the noop sweeper")
        await runtime.publisher.close()
        await runtime.pool.close()
    }
}

@Suite("Sweeper")
struct SweeperTests {
    @Test("pauses stay within interval ± jitter")
    func jitterBounds() {
        let sweeper = Sweeper(service: "s", name: "n", interval: .seconds(10), jitter: 0.2, logger: TestServers.logger) { 0 }
        #expect(sweeper.pause(random: 0) == .seconds(8))
        #expect(sweeper.pause(random: 0.5) == .seconds(10))
        #expect(sweeper.pause(random: 1) == .seconds(12))
    }

    @Test("a failing sweep is reported, not thrown; a working one returns its count")
    func sweepOutcomes() async {
        struct Boom: Error {}
        let failing = Sweeper(service: "s", name: "n", interval: .seconds(1), logger: TestServers.logger) { throw Boom() }
        #expect(await failing.sweepOnce() == nil)
        let working = Sweeper(service: "s", name: "n", interval: .seconds(1), logger: TestServers.logger) { 3 }
        #expect(await working.sweepOnce() == 3)
    }
}
