import KilnTestSupport
import AMQP
import Foundation
import KilnCore
import Store
import Testing

@Suite("worker-gateway: dispatch, heartbeats, results and aborts (real process, broker and database)", .timeLimit(.minutes(3)))
struct WorkTests {
    @Test("wr.dispatch sends the assignment; a stale epoch and a foreign worker's result are refused; the right result completes it")
    func dispatchAndResultsUnderTheFencingNumber() async throws {
        try await GatewayHarness.run { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            let other = try await TestWorker(url: gateway.workerAMQPURL)
            defer {
                Task {
                    await worker.stop()
                    await other.stop()
                }
            }
            let token = TokenRepository.generateSecret()
            let welcome = try await gateway.enabledWorker(worker, token: token, fqdn: "one.lan")
            let otherToken = TokenRepository.generateSecret()
            _ = try await gateway.enabledWorker(other, token: otherToken, fqdn: "two.lan")
            let id = try await gateway.assignedWorkRequest(workerID: welcome.workerID, epoch: 1)

            try await gateway.publishEvent(.workRequestDispatch, EventBody(workRequestID: id, workerID: welcome.workerID, epoch: 1))
            let assignment = try await worker.next(.assignment, as: WorkAssignment.self)
            #expect(assignment.workRequestID == id)
            #expect(assignment.epoch == 1)
            #expect(assignment.taskName == "noop")
            #expect(assignment.taskData == ["result": "success", "configured": 1])
            #expect(assignment.dynamicTaskData == ["task_input_fields": [:]])
            #expect(assignment.scope == "debian")
            // Debusine's get-next body (`test_workers.py` `test_get_work_request_change_status`): still pending.
            let body = try #require(assignment.workRequest?.objectValue)
            #expect(body["id"] == .int(id) && body["status"] == "pending" && body["worker"] == .int(welcome.workerID))
            #expect(body["task_data"] == assignment.taskData && body["workspace"] != nil && body["created_at"] != nil)
            #expect(await eventually {
                try await gateway.row("SELECT status FROM work_requests WHERE id = $1", id)?.decode(String.self, at: 0) == "running"
            })

            // A duplicate dispatch of the same epoch sends nothing more.
            try await gateway.publishEvent(.workRequestDispatch, EventBody(workRequestID: id, workerID: welcome.workerID, epoch: 1))

            // A result under an old epoch: refused, logged with wr.id/worker/epoch, nothing changes.
            try await worker.send(.result, WorkerResult(token: token, workRequestID: id, epoch: 0, result: "success"))
            // A result from a worker it is not assigned to: refused too.
            try await other.send(.result, WorkerResult(token: otherToken, workRequestID: id, epoch: 1, result: "failure"))
            #expect(await eventually {
                gateway.logLines.filter { ($0["msg"] as? String) == "stale or foreign result refused" }.count == 2
            })
            let refusals = gateway.logLines.filter { ($0["msg"] as? String) == "stale or foreign result refused" }
            #expect(refusals.allSatisfy { "\($0["wr.id"] ?? "")" == "\(id)" && $0["epoch"] != nil && $0["worker"] != nil })
            // Each is answered, as Debusine's `UpdateWorkRequestAsCompletedView` answers
            // (`test_update_work_request_id_not_found` for the foreign one).
            let stale = try await worker.next(.resultRefused, as: ResultRefusal.self)
            #expect(stale.workRequestID == id && stale.epoch == 0 && stale.title == "Cannot change work request as completed")
            let foreign = try await other.next(.resultRefused, as: ResultRefusal.self)
            #expect(foreign.title == "Work request not found" && foreign.epoch == 1)
            #expect(try await gateway.row("SELECT status, result FROM work_requests WHERE id = $1", id)?.decode(String.self, at: 0) == "running")
            #expect(try await gateway.outboxCount(.workRequestCompleted, field: "work_request_id", equals: id) == 0)

            // The current assignment's result completes it, with wr.completed, and drops the lease.
            try await worker.send(
                .result,
                WorkerResult(
                    token: token, workRequestID: id, epoch: 1, result: "success",
                    outputData: ["runtime_statistics": ["duration": 3]]))
            #expect(await eventually {
                try await gateway.row("SELECT status FROM work_requests WHERE id = $1", id)?.decode(String.self, at: 0) == "completed"
            })
            let done = try #require(try await gateway.row("SELECT result, output_data FROM work_requests WHERE id = $1", id))
            #expect(try done.decode(String.self, at: 0) == "success")
            #expect(try done.decode(JSONValue.self, at: 1).value(atPath: "runtime_statistics.duration") == 3)
            #expect(try await gateway.outboxCount(.workRequestCompleted, field: "work_request_id", equals: id) == 1)
            #expect(try await gateway.row("SELECT 1 FROM leases WHERE work_request_id = $1", id) == nil)
            #expect(await worker.received.count(type: GatewayMessageKind.assignment.rawValue) == 0)
        }
    }

    @Test("wr.dispatch of one assignment from several producers at once sends it once and dead-letters nothing (found by deploy/chaos)")
    func concurrentDispatchesOfOneAssignment() async throws {
        try await GatewayHarness.run { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let token = TokenRepository.generateSecret()
            let welcome = try await gateway.enabledWorker(worker, token: token, fqdn: "twice.lan")
            let id = try await gateway.assignedWorkRequest(workerID: welcome.workerID, epoch: 1)

            try await gateway.publishEvent(
                .workRequestDispatch, EventBody(workRequestID: id, workerID: welcome.workerID, epoch: 1), copies: 12)
            let assignment = try await worker.next(.assignment, as: WorkAssignment.self)
            #expect(assignment.workRequestID == id)
            let handled = { gateway.logLines.filter { ($0["event"] as? String) == "wr.dispatch" && ($0["msg"] as? String) == "event handled" } }
            #expect(await eventually { handled().count == 12 })
            #expect(!gateway.logLines.contains { ($0["msg"] as? String) == "message dead-lettered" })
            #expect(await worker.received.count(type: GatewayMessageKind.assignment.rawValue) == 0)
            #expect(try await gateway.row("SELECT status FROM work_requests WHERE id = $1", id)?.decode(String.self, at: 0) == "running")
        }
    }

    @Test("heartbeats renew the lease of the current assignment and answer a stale one with gateway.abort; wr.aborted tells the worker to stop")
    func heartbeatsAndAborts() async throws {
        try await GatewayHarness.run { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let token = TokenRepository.generateSecret()
            let welcome = try await gateway.enabledWorker(worker, token: token, fqdn: "beat.lan")
            let id = try await gateway.assignedWorkRequest(workerID: welcome.workerID, epoch: 2, status: "running")
            let before = try #require(
                try await gateway.row("SELECT expires_at, renewed_at FROM leases WHERE work_request_id = $1", id))
            let expiresBefore = try before.decode(Date.self, at: 0)

            try await worker.send(
                .heartbeat,
                WorkerHeartbeat(token: token, running: [RunningAssignment(workRequestID: id, epoch: 2), RunningAssignment(workRequestID: id, epoch: 1)]))
            let abort = try await worker.next(.abort, as: AbortCommand.self)
            #expect(abort.workRequestID == id)
            #expect(abort.epoch == 1)
            let after = try #require(
                try await gateway.row("SELECT expires_at, epoch FROM leases WHERE work_request_id = $1", id))
            // Lease 60 s from the heartbeat, where the fixture's lease ended 5 s after its creation.
            #expect(try after.decode(Date.self, at: 0) > expiresBefore.addingTimeInterval(30))
            #expect(try after.decode(Int.self, at: 1) == 2)
            #expect(try await gateway.row("SELECT last_seen_at IS NOT NULL FROM workers WHERE id = $1", welcome.workerID)?.decode(Bool.self, at: 0) == true)

            // A forged wr.aborted for a work request that is not aborted sends nothing.
            try await gateway.publishEvent(.workRequestAborted, EventBody(workRequestID: id, workerID: welcome.workerID, epoch: 2))
            try await waitUntil("the gateway checked the forged event") {
                gateway.log.contains("wr.aborted does not match the work request: nothing sent")
            }
            #expect(await worker.received.count(type: GatewayMessageKind.abort.rawValue) == 0)

            // Aborting the work request (its wr.aborted names the worker and epoch) tells the worker to stop.
            try await gateway.pool.withTransaction { conn in
                let admin = try await WorkspaceRepository.findOrCreateUser("admin", on: conn)
                _ = try await WorkRequestOperations.abort(id, by: admin.id, on: conn)
            }
            try await gateway.publishEvent(.workRequestAborted, EventBody(workRequestID: id, workerID: welcome.workerID, epoch: 2))
            let stop = try await worker.next(.abort, as: AbortCommand.self)
            #expect(stop.workRequestID == id)
            #expect(stop.epoch == 2)
        }
    }

    @Test("on reconnect a running work request without output is handed back with retry_count + 1 and a new epoch; at the limit it is aborted (Debusine `server/views/tests/test_workers.py` `test_get_running_work_request`, `test_get_running_work_request_retry_limit`)")
    func reconnectHandsBackOrAborts() async throws {
        try await GatewayHarness.run { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let token = TokenRepository.generateSecret()
            let welcome = try await gateway.enabledWorker(worker, token: token, fqdn: "again.lan")
            let handBack = try await gateway.assignedWorkRequest(workerID: welcome.workerID, epoch: 4, status: "running")
            let atLimit = try await gateway.assignedWorkRequest(
                workerID: welcome.workerID, epoch: 1, status: "running", retryCount: 3)

            // The worker reconnects (new hello): the stale run is fenced and the work request comes back.
            let queue = try await worker.queue()
            try await worker.send(.hello, WorkerHello(token: token, fqdn: "again.lan", workerType: .external, queue: queue, metadata: [:]))
            _ = try await worker.next(.welcome, as: GatewayWelcome.self)
            let assignment = try await worker.next(.assignment, as: WorkAssignment.self)
            #expect(assignment.workRequestID == handBack)
            #expect(assignment.epoch == 5)
            let row = try #require(
                try await gateway.row(
                    "SELECT status, assignment_epoch, (workflow_data ->> 'retry_count')::int FROM work_requests WHERE id = $1",
                    handBack))
            #expect(try row.decode(String.self, at: 0) == "running")
            #expect(try row.decode(Int.self, at: 1) == 5)
            #expect(try row.decode(Int.self, at: 2) == 1)
            #expect(try await gateway.row("SELECT epoch FROM leases WHERE work_request_id = $1", handBack)?.decode(Int.self, at: 0) == 5)

            let aborted = try #require(
                try await gateway.row("SELECT status, output_data::text FROM work_requests WHERE id = $1", atLimit))
            #expect(try aborted.decode(String.self, at: 0) == "aborted")
            #expect(try aborted.decode(String.self, at: 1).contains("work-request-retry-limit-exceeded"))
            #expect(try await gateway.outboxCount(.workRequestAborted, field: "work_request_id", equals: atLimit) == 1)

            // The old run's late result (epoch 4) is refused.
            try await worker.send(.result, WorkerResult(token: token, workRequestID: handBack, epoch: 4, result: "success"))
            #expect(await eventually {
                gateway.logLines.contains { ($0["msg"] as? String) == "stale or foreign result refused" }
            })
            #expect(try await gateway.row("SELECT status FROM work_requests WHERE id = $1", handBack)?.decode(String.self, at: 0) == "running")
        }
    }

    /// A worker whose broker connection dropped says hello again while its task still runs; Debusine's worker, busy,
    /// does not ask for work on reconnecting (`worker/_worker.py`), so the run goes on. Kiln's hello lists the runs.
    @Test("a reconnecting worker that says its run is still going keeps it: same epoch, no retry spent, no assignment resent")
    func reconnectKeepsRunningWork() async throws {
        try await GatewayHarness.run { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let token = TokenRepository.generateSecret()
            let welcome = try await gateway.enabledWorker(worker, token: token, fqdn: "blip.lan")
            let kept = try await gateway.assignedWorkRequest(workerID: welcome.workerID, epoch: 4, status: "running")
            let handBack = try await gateway.assignedWorkRequest(workerID: welcome.workerID, epoch: 2, status: "running")

            let queue = try await worker.queue()
            try await worker.send(
                .hello,
                WorkerHello(
                    token: token, fqdn: "blip.lan", workerType: .external, queue: queue, metadata: [:],
                    running: [RunningAssignment(workRequestID: kept, epoch: 4), RunningAssignment(workRequestID: 999, epoch: 1)]))
            _ = try await worker.next(.welcome, as: GatewayWelcome.self)
            // The run it no longer holds is told to stop; the other one is handed back as before.
            let stop = try await worker.next(.abort, as: AbortCommand.self)
            #expect(stop.workRequestID == 999)
            let assignment = try await worker.next(.assignment, as: WorkAssignment.self)
            #expect(assignment.workRequestID == handBack)
            let row = try #require(
                try await gateway.row(
                    "SELECT status, assignment_epoch, COALESCE((workflow_data ->> 'retry_count')::int, 0) FROM work_requests WHERE id = $1",
                    kept))
            #expect(try row.decode(String.self, at: 0) == "running")
            #expect(try row.decode(Int.self, at: 1) == 4)
            #expect(try row.decode(Int.self, at: 2) == 0)

            // Its result under the same epoch completes it.
            try await worker.send(.result, WorkerResult(token: token, workRequestID: kept, epoch: 4, result: "success"))
            #expect(await eventually {
                try await gateway.row("SELECT status FROM work_requests WHERE id = $1", kept)?.decode(String.self, at: 0)
                    == "completed"
            })
            // Everything the hello caused was sent with its welcome, long before: no second assignment came.
            #expect(await worker.received.count(type: GatewayMessageKind.assignment.rawValue) == 0)
        }
    }

    @Test("a worker silent past KILN_WORKER_SILENCE is disconnected with worker.gone; a heartbeat brings it back")
    func disableAndSilence() async throws {
        try await GatewayHarness.run(environment: ["KILN_WORKER_SILENCE": "2s"]) { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let token = TokenRepository.generateSecret()
            let welcome = try await gateway.enabledWorker(worker, token: token, fqdn: "quiet.lan")
            #expect(await eventually(timeout: .seconds(15)) {
                try await gateway.row("SELECT connected_at IS NULL FROM workers WHERE id = $1", welcome.workerID)?
                    .decode(Bool.self, at: 0) == true
            })
            #expect(try await gateway.outboxCount(.workerGone, field: "worker_id", equals: welcome.workerID) >= 1)

            // A heartbeat brings it back (connected, re-announced for its tags).
            try await worker.send(.heartbeat, WorkerHeartbeat(token: token, running: []))
            #expect(await eventually {
                try await gateway.row("SELECT connected_at IS NOT NULL FROM workers WHERE id = $1", welcome.workerID)?
                    .decode(Bool.self, at: 0) == true
            })
        }
    }

    @Test("a disabled worker is told at once and marked disconnected; its next message is refused (Debusine `server/tests/test_consumers.py` `test_worker_disabled`)")
    func disabledWorkerIsToldAtOnce() async throws {
        // The default silence (minutes) keeps the worker connected however slow the machine is.
        try await GatewayHarness.run { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let token = TokenRepository.generateSecret()
            let welcome = try await gateway.enabledWorker(worker, token: token, fqdn: "disabled.lan")
            // `kiln worker disable`: the connected worker is told at once, in Debusine's words.
            _ = try await gateway.pool.withTransaction { conn in try await WorkerRepository.disable(nameOrToken: welcome.workerName, on: conn) }
            let told = try await worker.next(.refused, as: GatewayRefusal.self)
            #expect(told.reasonCode == "TOKEN_DISABLED")
            #expect(told.reason == "Token has been disabled (token hash: \"\(TokenRepository.digest(of: token))\")")
            #expect(told.worker == welcome.workerName && told.advice?.contains("kiln worker enable \(welcome.workerName)") == true)
            #expect(await eventually {
                try await gateway.row("SELECT connected_at IS NULL FROM workers WHERE id = $1", welcome.workerID)?
                    .decode(Bool.self, at: 0) == true
            })
            // Its next message is refused as Debusine refuses a disabled token's connection.
            try await worker.send(.heartbeat, WorkerHeartbeat(token: token, running: []))
            let refused = try await worker.next(.refused, as: GatewayRefusal.self)
            #expect(refused.reasonCode == "TOKEN_DISABLED")
        }
    }

    @Test("an assignment the broker returns (the worker's queue is gone) marks the worker disconnected and leaves the work request assigned until the worker says hello again")
    func returnedAssignment() async throws {
        try await GatewayHarness.run { gateway in
            let first = try await TestWorker(url: gateway.workerAMQPURL)
            let token = TokenRepository.generateSecret()
            let welcome = try await gateway.enabledWorker(first, token: token, fqdn: "flaky.lan")
            let id = try await gateway.assignedWorkRequest(workerID: welcome.workerID, epoch: 1)
            await first.stop()  // its exclusive queue dies with its connection

            try await gateway.publishEvent(.workRequestDispatch, EventBody(workRequestID: id, workerID: welcome.workerID, epoch: 1))
            #expect(await eventually {
                try await gateway.outboxCount(.workerGone, field: "worker_id", equals: welcome.workerID) == 1
            })
            let left = try #require(
                try await gateway.row("SELECT status, worker_id, assignment_epoch FROM work_requests WHERE id = $1", id))
            #expect(try left.decode(String.self, at: 0) == "pending")
            #expect(try left.decode(Int.self, at: 1) == welcome.workerID)
            #expect(try left.decode(Int.self, at: 2) == 1)
            #expect(try await gateway.row("SELECT connected_at IS NULL FROM workers WHERE id = $1", welcome.workerID)?.decode(Bool.self, at: 0) == true)

            // The worker comes back with a new queue: welcomed, and its pending work (dynamic data ready for
            // this epoch) is dispatched again, to the new queue.
            let second = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await second.stop() } }
            try await second.send(
                .hello, WorkerHello(token: token, fqdn: "flaky.lan", workerType: .external, queue: try await second.queue(), metadata: [:]))
            _ = try await second.next(.welcome, as: GatewayWelcome.self)
            #expect(try await second.next(.assignment, as: WorkAssignment.self).workRequestID == id)
            #expect(try await gateway.outboxCount(.workRequestDispatch, field: "work_request_id", equals: id) == 1)
        }
    }
}

/// The two dispatch defects of issue 9: `dynamic_task_data` alone does not say whose it is.
@Suite("worker-gateway: dispatch waits for the assignment's own dynamic data (real process, broker and database)", .timeLimit(.minutes(3)))
struct DispatchReadinessTests {
    @Test("a PENDING assignment whose dynamic data is not yet its epoch's is neither dispatched by wr.dispatch nor re-driven by the stuck-dispatch sweep")
    func staleDynamicDataIsNeverSent() async throws {
        try await GatewayHarness.run { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let token = TokenRepository.generateSecret()
            let welcome = try await gateway.enabledWorker(worker, token: token, fqdn: "lagging.lan")
            // Both untouched for an hour: well past the sweep's age (two 1 s intervals here).
            let notReady = try await gateway.assignedWorkRequest(
                workerID: welcome.workerID, epoch: 2, dynamicDataReady: false, untouchedFor: 3600)
            let ready = try await gateway.assignedWorkRequest(workerID: welcome.workerID, epoch: 2, untouchedFor: 3600)
            // A first assignment with no dynamic data at all yet.
            let firstAssignment = try await gateway.assignedWorkRequest(
                workerID: welcome.workerID, epoch: 1, dynamicDataReady: false, untouchedFor: 3600)

            for (id, epoch) in [(notReady, 2), (firstAssignment, 1)] {
                try await gateway.publishEvent(
                    .workRequestDispatch, EventBody(workRequestID: id, workerID: welcome.workerID, epoch: epoch))
                #expect(await eventually {
                    gateway.logLines.contains {
                        ($0["msg"] as? String) == "dispatch deferred: the dynamic data of this assignment is not computed yet"
                            && "\($0["wr.id"] ?? "")" == "\(id)"
                    }
                })
            }
            // The sweep re-drives the ready one (proof that it ran over both rows: it takes them in id order)…
            let assignment = try await worker.next(.assignment, as: WorkAssignment.self)
            #expect(assignment.workRequestID == ready)
            // … and never the other: its only wr.dispatch is the one published above.
            #expect(try await gateway.outboxCount(.workRequestDispatch, field: "work_request_id", equals: notReady) == 0)
            #expect(try await gateway.outboxCount(.workRequestDispatch, field: "work_request_id", equals: firstAssignment) == 0)
            #expect(try await gateway.row("SELECT status FROM work_requests WHERE id = $1", notReady)?.decode(String.self, at: 0) == "pending")
            #expect(await worker.received.count(type: GatewayMessageKind.assignment.rawValue) == 0)
        }
    }

    @Test("a reconnecting worker's PENDING assignment with its dynamic data ready is dispatched at once, not at the next sweep")
    func reconnectRedispatchesReadyAssignment() async throws {
        // Sweeps an hour apart: only the reconnect itself can explain a dispatch within the test.
        try await GatewayHarness.run(environment: ["KILN_SWEEP_INTERVAL": "1h"]) { gateway in
            let worker = try await TestWorker(url: gateway.workerAMQPURL)
            defer { Task { await worker.stop() } }
            let token = TokenRepository.generateSecret()
            let welcome = try await gateway.enabledWorker(worker, token: token, fqdn: "back.lan")
            let id = try await gateway.assignedWorkRequest(workerID: welcome.workerID, epoch: 3)

            let queue = try await worker.queue()
            try await worker.send(.hello, WorkerHello(token: token, fqdn: "back.lan", workerType: .external, queue: queue, metadata: [:]))
            _ = try await worker.next(.welcome, as: GatewayWelcome.self)
            let assignment = try await worker.next(.assignment, as: WorkAssignment.self)
            #expect(assignment.workRequestID == id)
            #expect(assignment.epoch == 3)
            #expect(assignment.dynamicTaskData == ["task_input_fields": [:]])
            #expect(try await gateway.outboxCount(.workRequestAssigned, field: "work_request_id", equals: id) == 0)
        }
    }
}
