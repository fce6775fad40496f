import KilnTestSupport
import Foundation
import KilnCore
import Store
import Testing

/// The scheduler executable against real PostgreSQL and RabbitMQ: assignment order, tag matching, task
/// lists and concurrency, with the rows it writes (worker, epoch, lease, `wr.assigned` outbox event).
@Suite("Scheduler assignment (real executable)")
struct SchedulerAssignmentTests {
    @Test("effective priority, then age; a work request no worker matches stays pending (Debusine `server/tests/test_scheduler.py` `test_highest_priority_work_request_is_picked_first`, `test_oldest_work_request_is_picked_first`)")
    func priorityThenAge() async throws {
        try await SchedulerWorld.with { world in
            let now = Date()
            // Debusine `test_highest_priority_work_request_is_picked_first`: (base, adjustment) = (0,0), (0,10),
            // (10,0), (10,1) → the (10,1) one first.
            var scenario9: [Int] = []
            for (base, adjustment) in [(0, 0), (0, 10), (10, 0), (10, 1)] {
                scenario9.append(
                    try await world.insertWorkRequest(
                        priorityBase: base, priorityAdjustment: adjustment, createdAt: now, required: ["s9"]))
            }
            // Debusine `test_oldest_work_request_is_picked_first`: equal priority, created +1 s, 0 s, +2 s → the oldest
            // (0 s) first.
            var scenario10: [Int] = []
            for offset in [1.0, 0.0, 2.0] {
                scenario10.append(
                    try await world.insertWorkRequest(createdAt: now.addingTimeInterval(offset), required: ["s10"]))
            }
            let unmatched = try await world.insertWorkRequest(required: ["no-worker-has-this"])
            let worker9 = try await world.insertWorker(name: "w9", provided: ["s9"])
            let worker10 = try await world.insertWorker(name: "w10", provided: ["s10"])

            let scheduler = try world.startScheduler()
            try await waitUntil("both workers have work") {
                let first = try await world.state(of: scenario9[3]).workerID
                let second = try await world.state(of: scenario10[1]).workerID
                return first != nil && second != nil
            }
            let assigned9 = try await world.state(of: scenario9[3])
            #expect(assigned9.status == "pending" && assigned9.workerID == worker9 && assigned9.epoch == 1)
            #expect(try await world.state(of: scenario10[1]).workerID == worker10)
            for id in scenario9.prefix(3) + [scenario10[0], scenario10[2], unmatched] {
                let state = try await world.state(of: id)
                #expect(state.status == "pending" && state.workerID == nil && state.epoch == 0, "work request \(id)")
            }

            // The lease and the event of the assignment.
            let lease = try #require(
                try await world.pool.query(
                    """
                    SELECT worker_id, epoch, extract(epoch FROM expires_at - granted_at)::float8 FROM leases
                    WHERE work_request_id = $1
                    """, scenario9[3]
                ).first)
            #expect(try lease.decode(Int.self, at: 0) == worker9)
            #expect(try lease.decode(Int.self, at: 1) == 1)
            #expect(abs(try lease.decode(Double.self, at: 2) - 120) < 1, "the default KILN_LEASE_DURATION")
            let events = try await world.pool.query(
                "SELECT body FROM outbox WHERE routing_key = 'wr.assigned' ORDER BY id"
            ).rows.map { try $0.decode(JSONValue.self, at: 0) }
            #expect(events.count == 2)
            #expect(
                events.contains(
                    .object([
                        "schema_version": .int(1), "work_request_id": .int(scenario9[3]),
                        "worker_id": .int(worker9), "epoch": .int(1),
                    ])))
            #expect(try await world.pool.query("SELECT count(*) FROM leases").first!.decode(Int.self, at: 0) == 2)
            try await scheduler.stop()
        }
    }

    @Test("task allowlist and denylist; per-worker concurrency; events bring new rows (Debusine `server/tests/test_scheduler.py` `test_allowlist_takes_precedence_over_denylist`, `test_schedule_for_worker_concurrency`)")
    func taskListsAndConcurrency() async throws {
        try await SchedulerWorld.with { world in
            let scheduler = try world.startScheduler()
            try await waitUntil("the scheduler is active") { scheduler.logged("became the active scheduler") }

            let denied = try await world.insertWorker(
                name: "denies", provided: ["deny"],
                staticMetadata: ["tasks_denylist": .array([.string("foobar"), .string("sbuild"), .string("baz")])])
            let notAllowed = try await world.insertWorker(
                name: "allows-others", provided: ["allow"],
                staticMetadata: ["tasks_allowlist": .array([.string("foobar"), .string("baz")])])
            let both = try await world.insertWorker(
                name: "both", provided: ["both"],
                staticMetadata: [
                    "tasks_allowlist": .array([.string("sbuild")]), "tasks_denylist": .array([.string("sbuild")]),
                ])
            let twoSlots = try await world.insertWorker(name: "two-slots", provided: ["pair"], concurrency: 2)
            let sbuildDenied = try await world.insertWorkRequest(taskName: "sbuild", required: ["deny"])
            let sbuildNotAllowed = try await world.insertWorkRequest(taskName: "sbuild", required: ["allow"])
            let sbuildBoth = try await world.insertWorkRequest(taskName: "sbuild", required: ["both"])
            let now = Date()
            var pair: [Int] = []
            for offset in [0.0, 1, 2] {
                pair.append(try await world.insertWorkRequest(createdAt: now.addingTimeInterval(offset), required: ["pair"]))
            }
            for worker in [denied, notAllowed, both, twoSlots] {
                try await world.publish(.workerReady, EventBody(workerID: worker))
            }
            for id in [sbuildDenied, sbuildNotAllowed, sbuildBoth] + pair {
                try await world.publish(.workRequestPending, EventBody(workRequestID: id))
            }

            // Which two of the pair go first is not pinned here: their `wr.pending` events may be applied by two
            // concurrent consumer batches, so the younger can reach the index first (age order among indexed
            // rows is `priorityThenAge`'s subject). Two slots hold exactly two.
            func assignedPair() async throws -> [Int] {
                var assigned: [Int] = []
                for id in pair where try await world.state(of: id).workerID == twoSlots { assigned.append(id) }
                return assigned
            }
            try await waitUntil("the allowed and two paired work requests are assigned") {
                let allowed = try await world.state(of: sbuildBoth).workerID
                let paired = try await assignedPair().count
                return allowed == both && paired == 2
            }
            // Give the scheduler a few more rounds to do something wrong.
            try await Task.sleep(for: .seconds(1))
            let holding = try await assignedPair()
            #expect(holding.count == 2, "concurrency 2 holds two work requests")
            let waiting = try #require(pair.first { !holding.contains($0) })
            #expect(try await world.state(of: waiting).workerID == nil)
            #expect(try await world.state(of: sbuildDenied).workerID == nil, "sbuild is on the denylist")
            #expect(try await world.state(of: sbuildNotAllowed).workerID == nil, "sbuild is not on the allowlist")

            // Completing one of the pair frees a slot: the third one follows.
            _ = try await world.pool.query(
                "UPDATE work_requests SET status = 'completed', result = 'success', completed_at = now() WHERE id = $1",
                holding[0])
            try await world.publish(.workRequestCompleted, EventBody(workRequestID: holding[0]))
            try await waitUntil("the freed slot takes the third work request") {
                try await world.state(of: waiting).workerID == twoSlots
            }
            try await scheduler.stop()
        }
    }

    @Test("Sweep: rows written without any event (a lost doorbell) are found and assigned")
    func driftSweepFindsRowsWithoutEvents() async throws {
        try await SchedulerWorld.with { world in
            let scheduler = try world.startScheduler()
            // Wait for the start-up rebuild itself, not only the promotion: rows inserted before the rebuild
            // reads PostgreSQL are found by the rebuild, not by the sweep (seen on a loaded CI machine).
            try await waitUntil("the scheduler has built its index") {
                scheduler.logged("scheduling index rebuilt from PostgreSQL")
            }
            let worker = try await world.insertWorker(name: "quiet", provided: ["q"])
            let request = try await world.insertWorkRequest(required: ["q"])
            try await waitUntil("the sweep found and assigned the work request") {
                try await world.state(of: request).workerID == worker
            }
            #expect(scheduler.logged("sweep found pending work requests missing from the index"))
            try await scheduler.stop()
        }
    }
}
