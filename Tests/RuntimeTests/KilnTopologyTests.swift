import KilnTestSupport
import AMQP
import KilnCore
import KilnRuntime
import Testing

@Suite("KilnTopology")
struct KilnTopologyTests {
    @Test("each service consumes the routing keys of its stage in the flow")
    func bindingsFollowTheFlow() {
        func keys(of service: KilnServiceName) -> Set<RoutingKey> {
            Set(KilnTopology.services.filter { $0.service == service.rawValue }.flatMap(\.routingKeys))
        }
        #expect(keys(of: .lookupResolver) == [.workRequestUnblocked, .workRequestAssigned])
        #expect(keys(of: .tagComputer) == [.workRequestInputsResolved, .workerMetadata])
        #expect(
            keys(of: .scheduler)
                == [.workRequestPending, .workRequestCompleted, .workRequestAborted, .workerReady, .workerGone])
        #expect(keys(of: .workerGateway) == [.workRequestDispatch, .workRequestAborted, .workerDisabled])
        // No event is published into the void.
        let consumed = Set(KilnTopology.services.flatMap(\.routingKeys))
        #expect(consumed == Set(RoutingKey.allCases))
    }

    @Test("lanes: a later stage's events have their own queue, one per key per service, sharing the dead queue")
    func lanesSeparateLaterStages() throws {
        #expect(KilnTopology.lookupResolverAssigned.inbox == "lookup-resolver.assigned")
        #expect(KilnTopology.lookupResolverAssigned.routingKeys == [.workRequestAssigned])
        #expect(KilnTopology.lookupResolver.routingKeys == [.workRequestUnblocked])
        #expect(KilnTopology.tagComputerWorkers.inbox == "tag-computer.workers")
        #expect(KilnTopology.schedulerCapacity.inbox == "scheduler.capacity")
        #expect(KilnTopology.scheduler.routingKeys == [.workRequestPending])
        for service in KilnServiceName.allCases {
            let lanes = KilnTopology.services.filter { $0.service == service.rawValue }
            let keys = lanes.flatMap(\.routingKeys)
            #expect(keys.count == Set(keys).count, "\(service): a key bound to two lanes would be delivered twice")
            #expect(Set(lanes.map(\.dead)).count == 1)
            #expect(Set(lanes.map(\.inbox)).count == lanes.count)
            // Each lane accepts every key of its service (a message re-driven into the wrong lane is applied).
            for lane in lanes { #expect(lane.accepted == Set(keys)) }
            // Only the owning service removes its retired bindings (an older instance of it keeps reading).
            #expect(Set(KilnTopology.declared(by: service.rawValue).unbindings) == Set(lanes.flatMap(\.topology.unbindings)))
            // A key that moved to another lane is unbound from the main inbox.
            for lane in lanes where lane.lane == nil {
                let moved = Set(keys).subtracting(lane.routingKeys)
                #expect(Set(lane.retiredRoutingKeys) == moved)
                #expect(Set(lane.topology.unbindings.map(\.routingKey)) == Set(moved.map(\.rawValue)))
            }
        }
    }

    @Test("inboxes are quorum queues with a delivery limit dead-lettering through kiln.dlx to the quorum queue <service>.dead")
    func inboxArguments() throws {
        for queues in KilnTopology.services {
            let topology = queues.topology
            let inbox = try #require(topology.queues.first { $0.name == queues.inbox })
            #expect(inbox.arguments["x-queue-type"] == "quorum")
            #expect(inbox.arguments["x-delivery-limit"] == .int(Int64(KilnTopology.defaultDeliveryLimit)))
            #expect(inbox.arguments["x-dead-letter-exchange"] == "kiln.dlx")
            #expect(inbox.arguments["x-dead-letter-routing-key"] == .string("\(queues.service).dead"))
            let dead = try #require(topology.queues.first { $0.name == "\(queues.service).dead" })
            // Quorum too (a cluster keeps it when a node is lost), without a delivery limit, and an older
            // classic one is kept as it is.
            #expect(dead.durable && dead.arguments["x-queue-type"] == "quorum" && dead.arguments["x-delivery-limit"] == nil)
            #expect(dead.acceptsExistingArguments)
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
        #expect(all.unbindings.isEmpty, "retired bindings are removed by their own service only")
        #expect(all.exchanges.map(\.name) == ["kiln.events", "kiln.dlx", "kiln.gateway"])
        #expect(all.exchanges.first { $0.name == "kiln.events" }?.kind == .topic)
        let names = Set(all.queues.map(\.name))
        #expect(names.contains("worker-gateway.workers"))
        #expect(names.contains("lookup-resolver.rpc"))
        #expect(names.count == all.queues.count, "a queue is declared twice")
        #expect(all.bindings.contains(QueueBinding(queue: "worker-gateway.workers", exchange: "kiln.gateway", routingKey: "worker.#")))
    }
}
