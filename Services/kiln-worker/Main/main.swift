import AMQP
import Foundation
import KilnCore
import KilnTasks
import KilnWorker
import Logging
import Metrics
import ServiceKit
import UnixSignals

// kiln-worker: the external (or signing) worker. It talks only AMQP — never the database — through the
// restricted worker account: it writes to kiln.gateway and reads its own server-named queue.
// Settings and protocol: deploy/docs/worker.md.

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
let metadata = WorkerMetadata.dynamicMetadata(
    workerType: configuration.workerType, host: host, registry: registry, extraTags: configuration.extraTags)
logger.info(
    "host probed",
    metadata: [
        "provided_tags": "\(metadata["provided_tags"]?.compactJSON ?? "[]")",
        "architectures": "\(host.architectures.joined(separator: ","))",
        "commands": "\(host.capabilities.installedCommands.sorted().joined(separator: ","))",
    ])
let unexecutable = WorkerMetadata.capabilityTags(workerType: configuration.workerType, host: host, registry: registry)
if !unexecutable.isEmpty {
    logger.warning(
        "this host advertises capabilities of tasks this build cannot execute (only noop runs); such work will be reported as error",
        metadata: ["tags": "\(unexecutable.joined(separator: ","))"])
}

let readiness = Readiness(conditions: ["gateway"])
let metricsRegistry = MetricsBootstrap.bootstrap()
let publisher = AMQPPublisher(configuration: amqpConfiguration, logger: logger)
let consumer = AMQPConsumer(configuration: amqpConfiguration, logger: logger)
let agent = WorkerAgent(
    configuration: configuration, token: token, metadata: metadata, registry: registry, publisher: publisher,
    readiness: readiness, logger: logger)
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

let consuming = Task {
    do {
        try await consumer.run()
    } catch {
        logger.critical("cannot consume the private queue", metadata: ["error": "\(error)"])
        exit(1)
    }
}
let publisherHeartbeats = Task { await publisher.runHeartbeats() }
let control = Task { await agent.runControlLoop() }
if let port = configuration.opsPort {
    let ops = OpsServer(host: configuration.opsHost, port: port, readiness: readiness, registry: metricsRegistry, logger: logger)
    Task {
        do {
            try await ops.run()
        } catch {
            logger.error("ops server stopped", metadata: ["error": "\(error)"])
        }
    }
}

/// Stops consuming and sending, closes both connections and exits.
func finish(_ status: Int32) async -> Never {
    consuming.cancel()
    control.cancel()
    publisherHeartbeats.cancel()
    _ = await consuming.result
    await publisher.close()
    logger.notice("stopped")
    exit(status)
}

// SIGTERM/SIGINT once: stop taking assignments, let running ones finish and their results be confirmed, exit.
// A second signal: abort what runs (nothing is reported; the lease expiry retries it) and exit.
let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
var signalCount = 0
for await signal in signals {
    signalCount += 1
    if signalCount == 1 {
        logger.notice("signal received; draining", metadata: ["signal": "\(signal)"])
        await agent.beginDrain()
        Task {
            while !(await agent.isIdle) { try? await Task.sleep(for: .milliseconds(100)) }
            await finish(0)
        }
    } else {
        logger.warning("second signal; aborting running assignments", metadata: ["signal": "\(signal)"])
        await agent.abortAll()
        let unsent = await agent.pendingResultCount
        if unsent > 0 { logger.warning("results not confirmed by the broker are dropped", metadata: ["unsent": "\(unsent)"]) }
        await finish(0)
    }
}
