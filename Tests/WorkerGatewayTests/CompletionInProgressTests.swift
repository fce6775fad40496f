import AMQP
import Foundation
import KilnCore
import KilnTestSupport
import Store
import Testing

/// The first step of the worker-reconnect decision (Debusine `server/views/tests/test_workers.py`
/// `test_completion_in_progress`): while the server is still processing a completion report from the worker, a
/// reconnect hands nothing back.
@Suite("worker-gateway: completion in progress, Debusine `test_completion_in_progress` (real process, broker and database)", .timeLimit(.minutes(3)))
struct CompletionInProgressTests {
    /// The inbox consumer name of the gateway's worker-message queue (`KilnTopology.gatewayWorkerQueue`).
    static let workerInbox = "worker-gateway.workers"

    @Test("a hello handled while the worker's result is being applied hands nothing back; the result then completes the work request")
    func helloDuringCompletionHandsNothingBack() async throws {
        try await Self.withRunningAssignment(fqdn: "finishing.lan") { gateway, worker, token, running in

            try await gateway.pool.withConnection { held in
                // Hold the result's inbox key in an open transaction: the gateway records the completion report
                // (its own committed compare-and-set), then its result transaction waits here, in progress.
                let messageID = UUID().uuidString.lowercased()
                try await held.execute("BEGIN")
                try await held.execute(
                    "INSERT INTO inbox (consumer, message_id) VALUES ($1, $2)", Self.workerInbox, messageID)
                try await Self.sendResult(
                    WorkerResult(token: token, workRequestID: running, epoch: 4, result: "success"),
                    messageID: messageID, url: gateway.workerAMQPURL)
                #expect(await eventually {
                    try await gateway.row(
                        "SELECT completion_reported_epoch FROM work_requests WHERE id = $1 AND completion_reported_at IS NOT NULL",
                        running)?.decode(Int.self, at: 0) == 4
                })

                // The worker reconnects while its result is still being applied.
                let queue = try await worker.queue()
                try await worker.send(
                    .hello, WorkerHello(token: token, fqdn: "finishing.lan", workerType: .external, queue: queue, metadata: [:]))
                _ = try await worker.next(.welcome, as: GatewayWelcome.self)
                #expect(await eventually {
                    gateway.logLines.contains {
                        ($0["outcome"] as? String) == "welcomed"
                            && (($0["recovered"] as? String)?.contains("completion_in_progress=true") ?? false)
                    }
                })
                let untouched = try #require(
                    try await gateway.row(
                        "SELECT status, assignment_epoch, (workflow_data ->> 'retry_count')::int FROM work_requests WHERE id = $1",
                        running))
                #expect(try untouched.decode(String.self, at: 0) == "running")
                #expect(try untouched.decode(Int.self, at: 1) == 4)
                #expect(try untouched.decode(Int.self, at: 2) == 0)
                try await held.execute("ROLLBACK")
            }

            // The result, no longer held, lands under epoch 4: the worker's work is kept, not redone.
            #expect(await eventually {
                try await gateway.row("SELECT status || '/' || result FROM work_requests WHERE id = $1", running)?
                    .decode(String.self, at: 0) == "completed/success"
            })
            #expect(try await gateway.outboxCount(.workRequestCompleted, field: "work_request_id", equals: running) == 1)
            #expect(!gateway.logLines.contains { ($0["msg"] as? String) == "stale or foreign result refused" })
        }
    }

    @Test("a stale result records no completion report, and a report for an earlier epoch does not stop the hand-back")
    func staleReportsDoNotHoldBackTheRecovery() async throws {
        try await Self.withRunningAssignment(fqdn: "stale.lan") { gateway, worker, token, running in

            // A result for epoch 3 is refused and leaves no report behind.
            try await worker.send(.result, WorkerResult(token: token, workRequestID: running, epoch: 3, result: "success"))
            #expect(await eventually {
                gateway.logLines.contains { ($0["msg"] as? String) == "stale or foreign result refused" }
            })
            #expect(
                try await gateway.row("SELECT completion_reported_at IS NULL FROM work_requests WHERE id = $1", running)?
                    .decode(Bool.self, at: 0) == true)

            // A recent report left by an earlier assignment (epoch 3) says nothing about the current one.
            _ = try await gateway.pool.withConnection { conn in
                try await conn.execute(
                    "UPDATE work_requests SET completion_reported_at = now(), completion_reported_epoch = 3 WHERE id = $1",
                    running)
            }
            let queue = try await worker.queue()
            try await worker.send(
                .hello, WorkerHello(token: token, fqdn: "stale.lan", workerType: .external, queue: queue, metadata: [:]))
            _ = try await worker.next(.welcome, as: GatewayWelcome.self)
            let assignment = try await worker.next(.assignment, as: WorkAssignment.self)
            #expect(assignment.workRequestID == running)
            #expect(assignment.epoch == 5)
            #expect(
                try await gateway.row("SELECT (workflow_data ->> 'retry_count')::int FROM work_requests WHERE id = $1", running)?
                    .decode(Int.self, at: 0) == 1)
        }
    }

    /// Runs `body` with a started gateway, an enabled worker (its token) and a work request RUNNING on that
    /// worker under epoch 4.
    static func withRunningAssignment(
        fqdn: String, _ body: (GatewayHarness, TestWorker, String, Int) async throws -> Void
    ) async throws {
        try await GatewayHarness.run { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let token = TokenRepository.generateSecret()
            let welcome = try await gateway.enabledWorker(worker, token: token, fqdn: fqdn)
            let running = try await gateway.assignedWorkRequest(workerID: welcome.workerID, epoch: 4, status: "running")
            try await body(gateway, worker, token, running)
        }
    }

    /// Publishes a result the way `kiln-worker` does, with a chosen `message_id` (the inbox key).
    static func sendResult(_ result: WorkerResult, messageID: String, url: String) async throws {
        let publisher = AMQPPublisher(configuration: try AMQPConnectionConfiguration(url: url))
        let kind = WorkerMessageKind.result.rawValue
        try await publisher.publish(
            OutgoingMessage(
                exchange: "kiln.gateway", routingKey: kind, body: try MessageCodec.encode(result),
                properties: MessageProperties(messageID: messageID, type: kind, appID: "kiln-worker")))
        await publisher.close()
    }
}
