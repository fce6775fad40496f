import KilnTestSupport
import AMQP
import KilnCore
import KilnRuntime
import Testing

@Suite("KilnTopology")
struct KilnTopologyTests {
    @Test("each service consumes the routing keys of its stage in the flow")
    func bindingsFollowTheFlow() {
        #expect(KilnTopology.lookupResolver.routingKeys == [.workRequestUnblocked, .workRequestAssigned])
        #expect(KilnTopology.tagComputer.routingKeys == [.workRequestInputsResolved, .workerMetadata])
        #expect(
            KilnTopology.scheduler.routingKeys
                == [.workRequestPending, .workRequestCompleted, .workRequestAborted, .workerReady, .workerGone])
        #expect(KilnTopology.workerGateway.routingKeys == [.workRequestDispatch, .workRequestAborted])
        // No event is published into the void.
        let consumed = Set(KilnTopology.services.flatMap(\.routingKeys))
        #expect(consumed == Set(RoutingKey.allCases))
    }

    @Test("inboxes are quorum queues with a delivery limit dead-lettering through kiln.dlx to <service>.dead")
    func inboxArguments() throws {
        for queues in KilnTopology.services {
            let topology = queues.topology
            let inbox = try #require(topology.queues.first { $0.name == "\(queues.service).inbox" })
            #expect(inbox.arguments["x-queue-type"] == "quorum")
            #expect(inbox.arguments["x-delivery-limit"] == .int(Int64(KilnTopology.defaultDeliveryLimit)))
            #expect(inbox.arguments["x-dead-letter-exchange"] == "kiln.dlx")
            #expect(inbox.arguments["x-dead-letter-routing-key"] == .string("\(queues.service).dead"))
            let dead = try #require(topology.queues.first { $0.name == "\(queues.service).dead" })
            #expect(dead.durable && dead.arguments["x-queue-type"] == nil)
            #expect(
                topology.bindings.contains(
                    QueueBinding(queue: dead.name, exchange: "kiln.dlx", routingKey: dead.name)))
            for key in queues.routingKeys {
                #expect(
                    topology.bindings.contains(
                        QueueBinding(queue: inbox.name, exchange: "kiln.events", routingKey: key.rawValue)))
            }
        }
    }

    @Test("the full topology holds the exchanges, the gateway's worker queue and the lookup RPC queue")
    func fullTopology() {
        let all = KilnTopology.all
        #expect(all.exchanges.map(\.name) == ["kiln.events", "kiln.dlx", "kiln.gateway"])
        #expect(all.exchanges.first { $0.name == "kiln.events" }?.kind == .topic)
        let names = Set(all.queues.map(\.name))
        #expect(names.contains("worker-gateway.workers"))
        #expect(names.contains("lookup-resolver.rpc"))
        #expect(names.count == all.queues.count, "a queue is declared twice")
        #expect(all.bindings.contains(QueueBinding(queue: "worker-gateway.workers", exchange: "kiln.gateway", routingKey: "worker.#")))
    }
}
