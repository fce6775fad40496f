import Foundation
import KilnCore
import KilnTestSupport
import Testing

/// Replicas under load: two lookup-resolvers, two tag-computers and two worker-gateways (competing consumers
/// on the same queues), one scheduler, three workers, and a burst of noop work requests submitted by
/// concurrent `kiln submit` processes.
@Suite("End to end: replicas under a burst", .serialized, .timeLimit(.minutes(4)))
struct BurstTests {
    static let burst = 150

    /// One row of `kiln list --json`.
    struct Listed: Decodable {
        let id: Int
        let status: String
        let result: String
        let worker: String?

        enum CodingKeys: String, CodingKey {
            case id, status, result
            case worker = "worker_name"
        }
    }

    @Test("two replicas of each service and three workers run 150 noop work requests: none lost, none run twice")
    func burstWithReplicas() async throws {
        var options = StackOptions()
        options.lookupResolvers = 2
        options.tagComputers = 2
        options.gateways = 2
        try await KilnStack.with(options) { stack in
            _ = try await DebianWorld.create(in: stack)
            var workers: [StackWorker] = []
            for host in ["burst-1", "burst-2", "burst-3"] {
                workers.append(try await StackWorker.start(WorkerSpec(host: host), in: stack))
            }
            // Expected results come from the task data: every seventh one fails on purpose.
            let cli = stack.cli
            let expected: [Int: String] = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                var results: [Int: String] = [:]
                var next = 0
                func submit(_ index: Int) {
                    group.addTask {
                        let succeed = index % 7 != 0
                        let id = try await cli.submit("noop", data: ["result": .string(succeed ? "success" : "failure")])
                        return (id, succeed ? "success" : "failure")
                    }
                }
                while next < min(4, Self.burst) {
                    submit(next)
                    next += 1
                }
                while let (id, result) = try await group.next() {
                    results[id] = result
                    if next < Self.burst {
                        submit(next)
                        next += 1
                    }
                }
                return results
            }
            #expect(expected.count == Self.burst)

            try await waitUntil("every work request of the burst is completed", timeout: .seconds(180)) {
                try await stack.database.pool.query("SELECT count(*) FROM work_requests WHERE status = 'completed'")
                    .rows[0].decode(Int.self, at: 0) == Self.burst
            }
            let listed = try await cli.json([Listed].self, ["list", "--limit", "1000"])
            #expect(listed.count == Self.burst)
            let names = Set(workers.map(\.name))
            for row in listed {
                #expect(row.status == "completed" && row.result == expected[row.id], "work request \(row.id): \(row)")
                #expect(row.worker.map(names.contains) == true, "work request \(row.id) ran on \(row.worker ?? "nothing")")
            }
            // Exactly once: across all workers, each id was started and finished once (no redelivery ran twice).
            let started = workers.flatMap { $0.workRequests(logged: "assignment started") }
            let finished = workers.flatMap { $0.workRequests(logged: "assignment finished") }
            #expect(started.count == Self.burst && Set(started) == Set(expected.keys), "started \(started.count) runs")
            #expect(finished.count == Self.burst && Set(finished) == Set(expected.keys), "finished \(finished.count) runs")
            // Every replica survived the burst (competing consumers: how the work was shared is the broker's
            // business, so it is not asserted).
            for service in ["lookup-resolver", "tag-computer", "worker-gateway"] {
                for replica in stack.processes(named: service) {
                    #expect(replica.isRunning, "\(replica.name) died")
                }
            }
        }
    }
}
