import Foundation
import KilnCore
import KilnRuntime
import KilnTasks
import ServiceKit

/// The lookup-resolver (deploy/docs/services/lookup-resolver.md):
///
/// - `wr.unblocked` → resolves the `Stage.pending` input fields (`PendingTransition.resolvePendingInputs`),
///   stores them and moves the work request to pending stage `inputs-resolved` (`wr.inputs-resolved`);
/// - `wr.assigned` → resolves `Stage.running` fields from the configured task data and calls
///   `computeDynamicData()` (`WorkRequestAssignment.computeDynamicData`), then `wr.dispatch`;
/// - a failure of either completes the work request with `error` (`configure-failed` /
///   `dynamic-data-failed`);
/// - `lookup-resolver.rpc` answers `kiln lookup`;
/// - two re-drive sweeps (`RedriveStage.unblockingRequested`, `.awaitingDynamicData`) re-send a lost event.
public enum LookupResolverService {
    static let about = """
        Resolves the lookups in work requests' task data: the inputs needed to become pending, and the \
        dynamic data of each assignment before it is dispatched; answers kiln lookup over RPC. See \
        deploy/docs/services/lookup-resolver.md.
        """

    /// The executable's whole life: settings, connections, services, until SIGTERM (its `main.swift` calls this).
    public static func main() async {
        let service = KilnServiceName.lookupResolver.rawValue
        let runtime = await ServiceBootstrap.start(
            service: service, about: about, settings: LookupResolverSettings.all)
        let configuration = runtime.setting { try LookupResolverConfiguration(environment: $0) }
        let registry: TaskRegistry
        do {
            registry = try KilnTasks.registry()
        } catch {
            runtime.logger.critical("cannot build the task registry", metadata: ["error": "\(error)"])
            exit(1)
        }
        let handler = ResolverEventHandler(
            pipelines: ResolverPipelines(registry: registry, settings: configuration.inputSettings))
        // Two lanes, one set of handlers: `wr.assigned` has its own queue so assigned work never waits behind
        // new work.
        let consumers = [KilnTopology.lookupResolver, KilnTopology.lookupResolverAssigned].map { lane in
            runtime.eventConsumer(queues: lane, batched: true, handlers: handler.handlers)
        }
        let rpc = LookupRPCServer(
            amqp: runtime.configuration.amqp, responder: LookupRPCResponder(pool: runtime.pool),
            publisher: runtime.publisher, concurrency: runtime.configuration.concurrency, logger: runtime.logger)
        await runtime.run(
            consumers + [
                rpc,
                runtime.redriveSweeper(.unblockingRequested),
                runtime.redriveSweeper(.awaitingDynamicData),
            ])
    }
}
