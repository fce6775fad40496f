import KilnTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KilnCore
import Store
import Testing

/// Dependencies, the scheduler's own work, leases and the active/standby pair, with the real executable.
@Suite("Scheduler lifecycle (real executable)")
struct SchedulerLifecycleTests {
    @Test("a pending synchronisation point completes, a due delay completes, a future delay keeps running (Debusine `server/tests/test_scheduler.py` `test_synchronization_points`, `test_wait_delay_task_past`, `test_wait_delay_task_future`)")
    func internalAndWaitTasks() async throws {
        try await SchedulerWorld.with { world in
            let scheduler = try world.startScheduler()
            try await waitUntil("the scheduler is active") { scheduler.logged("became the active scheduler") }
            // Blocked until its dependant is wired: the scheduler's internal-work sweep (every tick) would otherwise
            // complete a pending synchronisation point before the dependency row exists, and nothing would be
            // left to unblock (a race a fresh-clone CI run hit).
            let syncPoint = try await world.insertWorkRequest(
                taskType: "Internal", taskName: "synchronization_point", status: "blocked")
            let dependant = try await world.insertWorkRequest(status: "blocked", configuredTaskData: nil)
            _ = try await world.pool.query(
                "INSERT INTO work_request_dependencies (work_request_id, depends_on_id) VALUES ($1, $2)", dependant,
                syncPoint)
            _ = try await world.pool.query("UPDATE work_requests SET status = 'pending' WHERE id = $1", syncPoint)
            let past = ISO8601Timestamp.format(Date().addingTimeInterval(-5))
            let soon = ISO8601Timestamp.format(Date().addingTimeInterval(2))
            let future = ISO8601Timestamp.format(Date().addingTimeInterval(3600))
            let dueDelay = try await world.insertWorkRequest(
                taskType: "Wait", taskName: "delay", configuredTaskData: .object(["delay_until": .string(past)]))
            let soonDelay = try await world.insertWorkRequest(
                taskType: "Wait", taskName: "delay", status: "running",
                configuredTaskData: .object(["delay_until": .string(soon)]))
            let laterDelay = try await world.insertWorkRequest(
                taskType: "Wait", taskName: "delay", configuredTaskData: .object(["delay_until": .string(future)]))
            try await world.publish(.workRequestPending, EventBody(workRequestID: syncPoint))

            try await waitUntil("the synchronisation point completed and its dependant is being unblocked") {
                let status = try await world.state(of: syncPoint).status
                let stage = try await world.pendingStage(of: dependant)
                return status == "completed" && stage == "requested"
            }
            let result = try await world.pool.query("SELECT result FROM work_requests WHERE id = $1", syncPoint)
                .first!.decode(String.self, at: 0)
            #expect(result == "success")
            try await waitUntil("the due delay completed (pending → running → completed)") {
                try await world.state(of: dueDelay).status == "completed"
            }
            try await waitUntil("the delay due in 2 s completed") {
                try await world.state(of: soonDelay).status == "completed"
            }
            #expect(try await world.state(of: laterDelay).status == "running")
            try await scheduler.stop()
        }
    }

    @Test("an expired lease sends the same work request back, then aborts it (scheduler side of Debusine `server/views/tests/test_workers.py` `test_get_running_work_request`, `test_get_running_work_request_retry_limit`)")
    func leaseExpiry() async throws {
        try await SchedulerWorld.with { world in
            // The worker is disconnected, so the work request handed back stays pending for the assertions.
            let worker = try await world.insertWorker(name: "silent", connected: false)
            let fresh = try await world.insertWorkRequest(status: "running", workerID: worker, epoch: 1)
            let exhausted = try await world.insertWorkRequest(
                status: "running", workerID: worker, epoch: 4, workflowData: .object(["retry_count": .int(3)]))
            _ = try await world.pool.query(
                """
                INSERT INTO leases (work_request_id, worker_id, epoch, expires_at)
                VALUES ($1, $3, 1, now() - interval '1 second'), ($2, $3, 4, now() - interval '1 second')
                """, fresh, exhausted, worker)

            let scheduler = try world.startScheduler()
            try await waitUntil("both leases handled") {
                let leases = try await world.pool.query("SELECT count(*) FROM leases").first!.decode(Int.self, at: 0)
                let status = try await world.state(of: exhausted).status
                return leases == 0 && status == "aborted"
            }
            let handedBack = try await world.state(of: fresh)
            #expect(handedBack.status == "pending" && handedBack.workerID == nil && handedBack.epoch == 2)
            let retryCount = try await world.pool.query(
                "SELECT (workflow_data ->> 'retry_count')::int, supersedes_id IS NULL FROM work_requests WHERE id = $1", fresh
            ).first!
            #expect(try retryCount.decode(Int.self, at: 0) == 1)
            #expect(try await world.pool.query("SELECT count(*) FROM work_requests WHERE supersedes_id IS NOT NULL").first!
                .decode(Int.self, at: 0) == 0, "the same work request is retried, not superseded")
            let code = try await world.pool.query(
                "SELECT output_data -> 'errors' -> 0 ->> 'code' FROM work_requests WHERE id = $1", exhausted
            ).first!.decode(String?.self, at: 0)
            #expect(code == "work-request-retry-limit-exceeded")

            // The worker comes back: the handed-back work request is assigned again with a new epoch.
            _ = try await world.pool.query("UPDATE workers SET connected_at = now() WHERE id = $1", worker)
            try await world.publish(.workerReady, EventBody(workerID: worker))
            try await waitUntil("the handed-back work request is assigned again") {
                try await world.state(of: fresh).workerID == worker
            }
            #expect(try await world.state(of: fresh).epoch == 3)
            try await scheduler.stop()
        }
    }

    @Test("One active instance: the standby does nothing, takes over after kill -9 and assigns; SIGTERM exits 0")
    func standbyTakesOver() async throws {
        try await SchedulerWorld.with { world in
            let firstPort = FreePort.next()
            var secondPort = FreePort.next()
            while secondPort == firstPort { secondPort = FreePort.next() }
            let first = try world.startScheduler(environment: ["KILN_OPS_PORT": "\(firstPort)"])
            try await waitUntil("the first instance is active") { first.logged("became the active scheduler") }
            let second = try world.startScheduler(environment: ["KILN_OPS_PORT": "\(secondPort)"])
            try await waitUntil("the second instance stands by") { second.logged("standing by") }
            #expect(!second.logged("became the active scheduler"))
            // Both are ready; the metric tells which one acts.
            #expect(try await Self.get("/health/ready", port: firstPort).status == 200)
            #expect(try await Self.get("/health/ready", port: secondPort).status == 200)
            #expect(try await Self.get("/metrics", port: firstPort).body.contains("kiln_scheduler_active 1"))
            #expect(try await Self.get("/metrics", port: secondPort).body.contains("kiln_scheduler_active 0"))

            first.signal(SIGKILL)
            _ = try await first.waitForExit()
            try await waitUntil("the standby becomes active") { second.logged("became the active scheduler") }
            let worker = try await world.insertWorker(name: "after-takeover", provided: ["x"])
            let request = try await world.insertWorkRequest(required: ["x"])
            try await world.publish(.workerReady, EventBody(workerID: worker))
            try await world.publish(.workRequestPending, EventBody(workRequestID: request))
            try await waitUntil("the new active instance assigns") {
                try await world.state(of: request).workerID == worker
            }
            #expect(try await Self.get("/metrics", port: secondPort).body.contains("kiln_scheduler_active 1"))
            try await second.stop()
        }
    }

    @Test("Terminating the lock's session deposes the active scheduler at once; exactly one is active after")
    func lostLockSessionStepsDown() async throws {
        try await SchedulerWorld.with { world in
            let firstPort = FreePort.next()
            var secondPort = FreePort.next()
            while secondPort == firstPort { secondPort = FreePort.next() }
            // A standby retry far longer than the test: the first instance can only step down by noticing
            // the lost session itself, not by a periodic check.
            let slow = ["KILN_SCHEDULER_STANDBY_RETRY": "60s"]
            let first = try world.startScheduler(environment: slow.merging(["KILN_OPS_PORT": "\(firstPort)"]) { $1 })
            try await waitUntil("the first instance is active") { first.logged("became the active scheduler") }
            let second = try world.startScheduler(environment: ["KILN_OPS_PORT": "\(secondPort)"])
            try await waitUntil("the second instance stands by") { second.logged("standing by") }

            let terminated = try await world.pool.query(
                """
                SELECT count(pg_terminate_backend(pid)) FROM pg_locks
                 WHERE locktype = 'advisory' AND granted
                   AND objid::bigint = (hashtext('kiln.scheduler:' || $1)::bigint & 4294967295)
                """, world.database.name
            ).rows[0].decode(Int.self, at: 0)
            #expect(terminated == 1)
            try await waitUntil("the first instance steps down") { first.logged("lost the scheduler lock's session") }
            try await waitUntil("the first instance's active role has stopped") {
                first.logged("no longer the active scheduler") { ($0["reason"] as? String) == "lock session lost" }
            }
            try await waitUntil("the second instance takes over with the next generation") {
                second.logged("became the active scheduler") { ($0["generation"] as? String) == "2" }
            }
            #expect(try await Self.get("/metrics", port: firstPort).body.contains("kiln_scheduler_active 0"))
            #expect(try await Self.get("/metrics", port: secondPort).body.contains("kiln_scheduler_active 1"))

            // Work goes to the new active instance.
            let worker = try await world.insertWorker(name: "after-step-down", provided: ["x"])
            let request = try await world.insertWorkRequest(required: ["x"])
            try await world.publish(.workerReady, EventBody(workerID: worker))
            try await world.publish(.workRequestPending, EventBody(workRequestID: request))
            try await waitUntil("the new active instance assigns") { try await world.state(of: request).workerID == worker }
            try await second.stop()
            try await first.stop()
        }
    }

    @Test("Fencing: once a newer generation exists, the active scheduler's next write fails, it steps down and competes again")
    func newerGenerationFencesTheActiveScheduler() async throws {
        try await SchedulerWorld.with { world in
            let scheduler = try world.startScheduler()
            try await waitUntil("active") {
                scheduler.logged("became the active scheduler") { ($0["generation"] as? String) == "1" }
            }
            // What a new leader does first; the running instance has not noticed anything.
            try await world.pool.query("UPDATE scheduler_leadership SET generation = generation + 1, holder = 'another'")
            let worker = try await world.insertWorker(name: "fenced", provided: ["x"])
            let request = try await world.insertWorkRequest(required: ["x"])
            try await world.publish(.workerReady, EventBody(workerID: worker))
            try await world.publish(.workRequestPending, EventBody(workRequestID: request))
            try await waitUntil("it steps down, deposed") {
                scheduler.logged("no longer the active scheduler") { ($0["reason"] as? String)?.hasPrefix("deposed") == true }
            }
            // It won the lock again (nobody else holds it) under generation 3, and only then assigned.
            try await waitUntil("re-elected") {
                scheduler.logged("became the active scheduler") { ($0["generation"] as? String) == "3" }
            }
            try await waitUntil("assigned by generation 3") { try await world.state(of: request).workerID == worker }
            try await scheduler.stop()
        }
    }

    @Test("wr.pending for a work request that does not exist is dead-lettered with the reason, not taken as handled")
    func pendingForMissingWorkRequestIsRejected() async throws {
        try await SchedulerWorld.with { world in
            let scheduler = try world.startScheduler()
            try await waitUntil("active") { scheduler.logged("became the active scheduler") }
            try await world.publish(.workRequestPending, EventBody(workRequestID: 987_654_321))
            try await waitUntil("dead-lettered with the reason") {
                scheduler.logged("message dead-lettered") {
                    ($0["reason"] as? String)?.contains("work request 987654321 does not exist") == true
                }
            }
            #expect(!scheduler.logged("event handled") { ($0["wr.id"] as? String) == "987654321" })
            try await scheduler.stop()
        }
    }

    @Test("A URL whose search_path names no existing schema: the scheduler says to run kiln migrate and keeps trying")
    func missingSchema() async throws {
        try await SchedulerWorld.with { world in
            let missing = "kiln_missing_\(TestServers.uniqueSuffix())"
            let scheduler = try world.startScheduler(environment: [
                "KILN_POSTGRES_URL": TestServers.postgresURL + "?options=-csearch_path%3D\(missing)"
            ])
            try await waitUntil("the scheduler names the missing schema's cause") {
                scheduler.logged("names no existing schema")
            }
            #expect(scheduler.isRunning)
            #expect(!scheduler.logged("became the active scheduler"))
            #expect(!scheduler.logged("could not try the scheduler lock"))
            try await scheduler.stop()
        }
    }

    @Test("A bad scheduler setting stops the service at start with a message naming the variable")
    func badSetting() async throws {
        try await SchedulerWorld.with { world in
            let scheduler = try world.startScheduler(environment: ["KILN_LEASE_DURATION": "forever"])
            let status = try await scheduler.waitForExit()
            #expect(status == 78)
            #expect(scheduler.logged("KILN_LEASE_DURATION"))
        }
    }

    /// A plain HTTP GET on the ops port (retried briefly while the server starts).
    static func get(_ path: String, port: Int) async throws -> (status: Int, body: String) {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        var lastError: (any Error)?
        for _ in 0..<50 {
            do {
                let (data, response) = try await URLSession.shared.data(from: url)
                return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw HarnessError("GET \(url) failed: \(String(describing: lastError))")
    }
}
