import AMQP
import FileStore
import Foundation
import KilnCore
import KilnTasks
import Logging
import Metrics
import ServiceKit
import ServiceLifecycle

/// kiln-worker: the external (or signing) worker. It talks only AMQP — never the database — through the
/// restricted worker account: it writes to kiln.gateway and reads its own server-named queue. Settings and
/// protocol: deploy/docs/worker.md.
public enum WorkerMain {
    /// The executable's whole life (its `main.swift` calls this): settings, token, host probe, then the
    /// service group — ops endpoints, publisher heartbeats, the private queue's consumer and the agent — until
    /// SIGTERM drains it (a second signal aborts what runs; see ``WorkerAgentService``).
    public static func main() async {
        let service = "kiln-worker"
        let environment = EnvironmentReader()
        ServiceCommandLine.handle(
            executable: service,
            about: """
                A Kiln build worker: it enrolls with the worker-gateway over AMQP (never the database, through the \
                restricted worker account), reports its host's tags, runs the work requests it is assigned and \
                reports their results. Attach one per build host. See deploy/docs/worker.md.
                """,
            settings: WorkerSettings.all)
        let configuration: WorkerConfiguration
        do {
            try LoggingBootstrap.bootstrap(service: service, environment: environment)
            configuration = try WorkerConfiguration(environment: environment)
        } catch {
            ServiceMain.failConfiguration(error, service: service)
        }
        let logger: Logger = {
            var logger = Logger(label: service)
            logger[metadataKey: "worker"] = "\(configuration.fqdn)"
            return logger
        }()
        logger.info(
            "starting",
            metadata: [
                "version": "\(WorkerMetadata.workerVersion)",
                "settings": "\(environment.describe(WorkerSettings.all).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))",
            ])

        let token: String
        do {
            let loaded = try WorkerTokenFile.loadOrCreate(at: configuration.tokenFile)
            token = loaded.token
            if loaded.created {
                logger.notice(
                    "new token generated and saved; the gateway registers this worker disabled until an admin enables it",
                    metadata: ["token_file": "\(configuration.tokenFile)"])
            }
            if let warning = loaded.permissionWarning { logger.warning("\(warning)") }
        } catch {
            ServiceMain.failConfiguration(error, service: service)
        }

        let host: HostFacts
        let registry: TaskRegistry
        let amqpConfiguration: AMQPConnectionConfiguration
        do {
            host = try HostProbe.probe(architectureOverride: configuration.architectures)
            registry = try KilnTasks.registry()
            amqpConfiguration = try AMQPConnectionConfiguration(url: configuration.amqpURL)
        } catch {
            ServiceMain.failConfiguration(error, service: service)
        }
        // Only the tasks this worker really executes are advertised: every runner's once a file store is set,
        // else noop alone.
        var execution: TaskExecutionEnvironment?
        if let fileStoreURL = configuration.fileStoreURL {
            do {
                try FileManager.default.createDirectory(at: configuration.workDirectory, withIntermediateDirectories: true)
                var fileStore = FileStoreClient(baseURL: fileStoreURL, token: token)
                fileStore.patience = configuration.fileStorePatience
                fileStore.onRetry = { [logger] failure, pause in
                    logger.warning(
                        "file store request failed; retrying",
                        metadata: ["error": "\(failure)", "retry_in_ms": "\(pause.wholeMilliseconds)"])
                }
                execution = TaskExecutionEnvironment(
                    fileStore: fileStore,
                    environments: try EnvironmentCache(
                        root: configuration.cacheDirectory, maximumBytes: configuration.cacheMaxSize),
                    workDirectory: configuration.workDirectory)
            } catch {
                ServiceMain.failConfiguration(error, service: service)
            }
        }
        let executable = execution == nil ? [NoopTask.taskName] : WorkerTaskRunners.executable
        let advertised = registry.restricted(toNames: executable)
        let metadata = WorkerMetadata.dynamicMetadata(
            workerType: configuration.workerType, host: host, registry: advertised, extraTags: configuration.extraTags)
        logger.info(
            "host probed",
            metadata: [
                "provided_tags": "\(metadata["provided_tags"]?.compactJSON ?? "[]")",
                "architectures": "\(host.architectures.joined(separator: ","))",
                "commands": "\(host.capabilities.installedCommands.sorted().joined(separator: ","))",
                "executes": "\(executable.sorted().joined(separator: ","))",
            ])
        if execution == nil {
            logger.warning("KILN_FILE_STORE_URL is not set: this worker runs noop only and advertises no other task")
        }

        let readiness = Readiness(conditions: ["gateway"])
        let metricsRegistry = MetricsBootstrap.bootstrap()
        let publisher = AMQPPublisher(configuration: amqpConfiguration, logger: logger)
        let consumer = AMQPConsumer(configuration: amqpConfiguration, logger: logger)
        let agent = WorkerAgent(
            configuration: configuration, token: token, metadata: metadata, registry: registry, publisher: publisher,
            readiness: readiness, execution: execution, logger: logger)
        do {
            try await consumer.addServerNamedQueueConsumer(prefetch: 10) { queue in
                await agent.queueDeclared(queue)
            } handler: { delivery in
                await agent.handle(delivery)
                delivery.ack()
            }
        } catch {
            ServiceMain.failConfiguration(error, service: service)
        }
        // Shut down in reverse order: the agent drains first while the consumer and the publisher still run.
        var services: [any Service] = []
        if let port = configuration.opsPort {
            services.append(
                OpsServer(host: configuration.opsHost, port: port, readiness: readiness, registry: metricsRegistry, logger: logger))
        }
        services += [
            PublisherHeartbeatService(publisher: publisher), WorkerQueueConsumerService(consumer: consumer),
            WorkerAgentService(
                agent: agent, logger: logger,
                metadataRefresh: (
                    configuration.metadataInterval,
                    { [configuration, executors = host.capabilities.availableExecutors] in
                        // Probed as at start, keeping the executors found working then (HostProbe.probe); a probe
                        // that fails keeps the metadata sent before.
                        guard
                            let probed = try? HostProbe.probe(
                                architectureOverride: configuration.architectures, knownExecutors: executors)
                        else {
                            return nil
                        }
                        return WorkerMetadata.dynamicMetadata(
                            workerType: configuration.workerType, host: probed, registry: advertised,
                            extraTags: configuration.extraTags)
                    }
                )),
        ]
        // No grace period: a drain waits for the running builds; the second signal is the way to cut it short.
        await ServiceMain.run(services: services, logger: logger, gracePeriod: nil) {
            await publisher.close()
        }
    }
}
