import Foundation
import KilnCore
import KilnTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Crashes and interruptions with every process real. A noop finishes at once, and this build's worker has
/// no long task, so "a work request running on a worker" is made by freezing the worker (SIGSTOP): the
/// gateway sends the assignment to its queue and marks the work request running, exactly as if the worker
/// had started it; then the worker is killed (SIGKILL) or thawed (SIGCONT).
@Suite("End to end: reconnect, abort, scheduler failover", .serialized, .timeLimit(.minutes(3)))
struct ResilienceTests {
    /// Freezes `worker`, submits a noop and waits until the gateway has sent it there (running).
    static func runningOnFrozen(_ worker: StackWorker, _ stack: KilnStack) async throws -> ShownWorkRequest {
        worker.process.signal(SIGSTOP)
        let id = try await stack.cli.submit("noop", data: ["result": true])
        return try await stack.cli.waitFor(id, "is running on \(worker.name)") {
            $0.status == "running" && $0.worker == worker.name
        }
    }

    @Test("a worker killed with a running work request reconnects; it gets it back, or it is aborted at the retry limit, or superseded when it had produced an artifact (Debusine `server/views/tests/test_workers.py` `test_get_running_work_request`, `test_get_running_work_request_retry_limit`, `test_get_running_partially_completed_work_request`)")
    func reconnectWithRunningWork() async throws {
        try await KilnStack.with { stack in
            _ = try await DebianWorld.create(in: stack)
            let worker = try await StackWorker.start(WorkerSpec(host: "crashy"), in: stack)

            // Debusine `test_get_running_work_request`: nothing produced, retry_count 0 → the same work request comes
            // back, retry_count 1, under a new epoch, and the new incarnation runs it.
            let first = try await Self.runningOnFrozen(worker, stack)
            await worker.process.kill()
            try await worker.restart()
            let handedBack = try await stack.cli.waitFor(first.id, "is completed") { $0.isFinished }
            #expect(handedBack.status == "completed" && handedBack.result == "success")
            #expect(handedBack.retryCount == 1 && handedBack.supersededBy == nil)
            #expect(handedBack.assignmentEpoch > first.assignmentEpoch)
            #expect(worker.process.logged("assignment started") { $0["wr.id"] as? String == String(first.id) })

            // Debusine `test_get_running_work_request_retry_limit`: retry_count already 3 → aborted with
            // work-request-retry-limit-exceeded.
            let second = try await Self.runningOnFrozen(worker, stack)
            try await stack.database.pool.query(
                "UPDATE work_requests SET workflow_data = workflow_data || '{\"retry_count\": 3}'::jsonb WHERE id = $1",
                second.id)
            await worker.process.kill()
            try await worker.restart()
            let atLimit = try await stack.cli.waitFor(second.id, "is aborted") { $0.isFinished }
            #expect(atLimit.status == "aborted")
            #expect(atLimit.errorCodes.contains("work-request-retry-limit-exceeded"), "\(String(describing: atLimit.outputData))")
            #expect(!worker.process.logged("assignment started") { $0["wr.id"] as? String == String(second.id) })

            // Debusine `test_get_running_partially_completed_work_request` (its first half): it had created an artifact
            // → aborted and superseded by a retry (retry_count 1, the old one stays 0), which the worker then runs. The
            // artifact is linked to the work request in SQL: a noop creates none, and no CLI command records a worker's
            // upload.
            let third = try await Self.runningOnFrozen(worker, stack)
            try await stack.database.pool.query(
                """
                INSERT INTO artifacts (workspace_id, category, data, created_by_work_request_id)
                SELECT workspace_id, 'debusine:test', '{}'::jsonb, id FROM work_requests WHERE id = $1
                """, third.id)
            await worker.process.kill()
            try await worker.restart()
            let superseded = try await stack.cli.waitFor(third.id, "is superseded") { $0.supersededBy != nil }
            #expect(superseded.status == "aborted" && superseded.retryCount == 0)
            let retry = try await stack.cli.waitFor(try #require(superseded.supersededBy), "is completed") { $0.isFinished }
            #expect(retry.retryCount == 1 && retry.result == "success" && retry.worker == worker.name)
        }
    }

    @Test("abort reaches the worker: `kiln abort` of a work request running on a worker makes that worker drop it")
    func abortReachesTheWorker() async throws {
        try await KilnStack.with { stack in
            _ = try await DebianWorld.create(in: stack)
            let worker = try await StackWorker.start(WorkerSpec(host: "busy"), in: stack)
            let running = try await Self.runningOnFrozen(worker, stack)
            try await stack.cli.run(["abort", String(running.id)])
            try await stack.cli.waitFor(running.id, "is aborted") { $0.status == "aborted" }
            worker.process.signal(SIGCONT)
            // The thawed worker reads the assignment, then the abort: it either cancels the run ("assignment
            // aborted") or, had the noop already finished, ignores it ("abort ignored"). Both lines prove the
            // gateway's abort reached this worker for this work request and epoch.
            let id = String(running.id)
            try await waitUntil("the worker logs the abort of \(id)") {
                worker.process.logged("assignment aborted; no result will be reported") { $0["wr.id"] as? String == id }
                    || worker.process.logged("abort ignored") { $0["wr.id"] as? String == id }
            }
            let after = try await stack.cli.show(running.id)
            #expect(after.status == "aborted", "a late result must not complete an aborted work request")
        }
    }

    @Test("the standby scheduler takes over after the active one is killed (SIGKILL)")
    func standbySchedulerTakesOver() async throws {
        var options = StackOptions()
        options.schedulers = 2
        try await KilnStack.with(options) { stack in
            _ = try await DebianWorld.create(in: stack)
            let schedulers = stack.processes(named: "scheduler")
            #expect(schedulers.count == 2)
            let active = try #require(schedulers.first { $0.logged("became the active scheduler") })
            let standby = try #require(schedulers.first { $0 !== active })
            try await waitUntil("the other scheduler stands by") { standby.logged("standing by") }
            #expect(!standby.logged("became the active scheduler"))
            _ = try await StackWorker.start(WorkerSpec(host: "steady"), in: stack)

            active.signal(SIGKILL)
            try await active.waitForExit()
            var ids: [Int] = []
            for _ in 0..<3 { ids.append(try await stack.cli.submit("noop", data: ["result": true])) }
            for id in ids {
                let shown = try await stack.cli.waitFor(id, "is completed") { $0.isFinished }
                #expect(shown.result == "success")
            }
            #expect(standby.logged("became the active scheduler"))
        }
    }
}
