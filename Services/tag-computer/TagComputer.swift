import Foundation
import KilnCore
import KilnRuntime
import KilnTasks
import Logging
import ServiceKit
import Store

/// `tag-computer`: task configuration and tag sets with provenance (ARCHITECTURE.md "Who owns what").
///
/// Consumes `wr.inputs-resolved` (configure the work request, freeze TP/TR, set it PENDING → `wr.pending`,
/// or complete it with `configure-failed` → `wr.completed`) and `worker.metadata` (compute WP/WR →
/// `worker.ready`). Sweeps re-drive work requests stuck at `inputs-resolved` and workers whose tags are
/// older than their metadata. See deploy/docs/services/tag-computer.md.
public enum TagComputer {
    static let about = """
        Applies task-configuration collections to work requests whose inputs are resolved, freezes their \
        provided and required tags and makes them pending; computes each worker's tags from its metadata, \
        with provenance. See deploy/docs/services/tag-computer.md.
        """

    /// The executable's whole life: settings, connections, services, until SIGTERM (its `main.swift` calls this).
    public static func main() async {
        let runtime = await ServiceBootstrap.start(
            service: KilnServiceName.tagComputer.rawValue, about: about, settings: TagComputerSettings.all)
        let configuration = runtime.setting { try TagComputerConfiguration(environment: $0) }
        let registry: TaskRegistry
        do {
            registry = try KilnTasks.registry()
        } catch {
            runtime.logger.critical("the task registry is inconsistent", metadata: ["error": "\(error)"])
            exit(1)
        }
        let configurer = WorkRequestConfigurer(registry: registry, settings: configuration.inputSettings)
        let tagger = WorkerTagger()
        var handlers = EventHandlers()
        handlers.on(.inputsResolved) { id, context, conn in try await configurer.handle(id, context, on: conn) }
        handlers.on(.workerMetadata) { worker, context, conn in try await tagger.handle(worker, context, on: conn) }
        // Two lanes, one set of handlers: `worker.metadata` has its own queue so a connecting worker never waits
        // behind a backlog of new work.
        let consumers = [KilnTopology.tagComputer, KilnTopology.tagComputerWorkers].map { lane in
            runtime.eventConsumer(queues: lane, batched: true, handlers: handlers)
        }
        let pool = runtime.pool
        let relay = runtime.relay
        let grace = runtime.configuration.redriveGrace
        let batch = runtime.configuration.sweepBatch
        // Workers are not work requests, so their re-drive has its own query, with the same grace and batch.
        let staleWorkers = runtime.sweeper(name: "stale-worker-tags") {
            let ids = try await pool.withTransaction { conn in
                try await WorkerRepository.redriveStaleTags(stuckAfter: grace, limit: batch, on: conn)
            }
            if !ids.isEmpty { relay.wake() }
            return ids.count
        }
        await runtime.run(consumers + [runtime.redriveSweeper(.inputsResolved), staleWorkers])
    }
}
