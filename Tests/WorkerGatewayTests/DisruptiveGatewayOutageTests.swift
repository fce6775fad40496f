import AMQP
import Foundation
import KilnCore
import KilnTestSupport
import Store
import Testing

/// Stops and starts the shared PostgreSQL cluster, so `deploy/test` runs it in its "Disruptive" phase, alone.
@Suite("Disruptive: PostgreSQL outage under the worker-gateway (real process)", .serialized, .timeLimit(.minutes(5)))
struct DisruptiveGatewayOutageTests {
    @Test("a worker's result arriving while PostgreSQL is down is held and applied when it is back, not dead-lettered")
    func resultDuringOutageIsHeld() async throws {
        try await GatewayHarness.run { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let token = TokenRepository.generateSecret()
            let welcome = try await gateway.enabledWorker(worker, token: token, fqdn: "outage.lan")
            let id = try await gateway.assignedWorkRequest(workerID: welcome.workerID, epoch: 1)
            try await gateway.publishEvent(.workRequestDispatch, EventBody(workRequestID: id, workerID: welcome.workerID, epoch: 1))
            _ = try await worker.next(.assignment, as: WorkAssignment.self)
            #expect(await eventually {
                try await gateway.row("SELECT status FROM work_requests WHERE id = $1", id)?.decode(String.self, at: 0) == "running"
            })

            try LocalServerScript.run("postgres", "stop")
            do {
                try await worker.send(.result, WorkerResult(token: token, workRequestID: id, epoch: 1, result: "success"))
                // Before, the consumer requeued at once and the queue's delivery limit dead-lettered the result
                // within a second; now it holds it until the database answers.
                #expect(await eventually(timeout: .seconds(60)) {
                    gateway.logLines.contains { ($0["msg"] as? String)?.hasPrefix("database unreachable: holding deliveries") == true }
                })
            } catch {
                try LocalServerScript.run("postgres", "start")
                throw error
            }
            try LocalServerScript.run("postgres", "start")
            #expect(await eventually(timeout: .seconds(120)) {
                try await gateway.row("SELECT status, result FROM work_requests WHERE id = $1", id)?.decode(String.self, at: 1) == "success"
            })
            #expect(!gateway.logLines.contains {
                ["message dead-lettered", "worker message failed; requeued"].contains(($0["msg"] as? String) ?? "")
            })
        }
    }
}
