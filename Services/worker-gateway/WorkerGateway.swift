import KilnRuntime
import ServiceKit

/// worker-gateway: the only service workers talk to (registration, tokens, metadata, heartbeats, dispatch,
/// results, aborts). See deploy/docs/services/worker-gateway.md.
public struct WorkerGateway {
    static let about = """
        The only service workers talk to: registration and tokens, worker metadata, heartbeats and liveness, \
        dispatching assigned work requests, results, aborts. It consumes kiln.gateway (from workers) and its \
        inbox (events). See deploy/docs/services/worker-gateway.md.
        """

    /// The executable's whole life: settings, connections, services, until SIGTERM (its `main.swift` calls this).
    public static func main() async {
        let service = "worker-gateway"
        ServiceCommandLine.handle(executable: service, about: about, settings: RuntimeSettings.all + GatewaySettings.all)
        // The gateway's own settings are checked before connecting, so a bad one stops it at once (exit 78).
        let settings: GatewaySettings
        do {
            settings = try GatewaySettings(environment: EnvironmentReader())
        } catch {
            ServiceMain.failConfiguration(error, service: service)
        }
        let runtime = await ServiceBootstrap.start(service: service, about: about, settings: GatewaySettings.all)
        let mailbox = WorkerMailbox(publisher: runtime.publisher, service: runtime.service)
        let events = GatewayEventHandler(mailbox: mailbox, lease: settings.lease)
        await runtime.run([
            runtime.eventConsumer(queues: KilnTopology.workerGateway, batched: false, handlers: events.handlers),
            WorkerMessageConsumer(runtime: runtime, settings: settings, mailbox: mailbox),
            GatewaySweeps.silentWorkers(runtime: runtime, silence: settings.silence),
            runtime.redriveSweeper(.awaitingDispatch),
        ])
    }
}
