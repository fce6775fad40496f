import Foundation
import KilnCore
import Testing

/// A date `seconds` after a fixed origin, so queue ages are explicit.
func schedulingTime(_ seconds: Double) -> Date { Date(timeIntervalSinceReferenceDate: 1_000_000 + seconds) }

@Suite("Scheduling index: the scenarios of Debusine `server/tests/test_scheduler.py`")
struct SchedulingIndexScenarioTests {
    @Test("no work requests and one idle worker → nothing proposed (Debusine `test_no_work_request_available`)")
    func scenario1() throws {
        var index = SchedulingIndex()
        try index.addWorker(SchedulableWorker(id: 1, connectedAt: schedulingTime(0)))
        #expect(index.nextAssignments(limit: 100).isEmpty)
        #expect(index.freeSlots(ofWorker: 1) == 1)
    }

    @Test("two matching work requests and two idle workers → both assigned in one run (Debusine `test_worker_connected_without_a_work_request`)")
    func scenario4() throws {
        var index = SchedulingIndex()
        try index.addWorkRequest(PendingWorkRequest(id: 10, taskName: "noop", createdAt: schedulingTime(0)))
        try index.addWorkRequest(PendingWorkRequest(id: 11, taskName: "noop", createdAt: schedulingTime(1)))
        try index.addWorker(SchedulableWorker(id: 1, connectedAt: schedulingTime(0)))
        try index.addWorker(SchedulableWorker(id: 2, connectedAt: schedulingTime(1)))
        #expect(
            index.nextAssignments(limit: 100) == [
                ProposedAssignment(workRequestID: 10, workerID: 1), ProposedAssignment(workRequestID: 11, workerID: 2),
            ]
        )
        #expect(index.counters.pendingWorkRequests == 0)
        #expect(index.counters.outstandingProposals == 2)
    }

    @Test("a worker already holding a PENDING work request at concurrency 1 gets nothing more (Debusine `test_schedule_for_worker_already_pending`)")
    func scenario5() throws {
        var index = SchedulingIndex()
        try index.addWorkRequest(PendingWorkRequest(id: 10, taskName: "noop", createdAt: schedulingTime(0)))
        try index.addWorker(SchedulableWorker(id: 1, concurrency: 1, currentLoad: 1, connectedAt: schedulingTime(0)))
        #expect(index.nextAssignments(limit: 100).isEmpty)
        #expect(index.pendingWorkRequest(id: 10) != nil)
    }

    @Test("priorities (0,0) (0,10) (10,0) (10,1) → the effective-11 work request goes first (Debusine `test_highest_priority_work_request_is_picked_first`)")
    func scenario9() throws {
        var index = SchedulingIndex()
        for (id, (base, adjustment)) in [(0, 0), (0, 10), (10, 0), (10, 1)].enumerated() {
            try index.addWorkRequest(
                PendingWorkRequest(
                    id: id + 1,
                    taskName: "noop",
                    effectivePriority: base + adjustment,
                    createdAt: schedulingTime(Double(id))
                )
            )
        }
        try index.addWorker(SchedulableWorker(id: 1, connectedAt: schedulingTime(0)))
        #expect(index.nextAssignments(limit: 100) == [ProposedAssignment(workRequestID: 4, workerID: 1)])
    }

    @Test("equal priority, created +1 s, 0 s, +2 s → the oldest goes first (Debusine `test_oldest_work_request_is_picked_first`)")
    func scenario10() throws {
        var index = SchedulingIndex()
        for (id, offset) in [(1, 1.0), (2, 0.0), (3, 2.0)] {
            try index.addWorkRequest(PendingWorkRequest(id: id, taskName: "noop", createdAt: schedulingTime(offset)))
        }
        try index.addWorker(SchedulableWorker(id: 1, concurrency: 3, connectedAt: schedulingTime(0)))
        // Three runs of schedule(): one work request per run, in queue order.
        #expect(index.nextAssignments(limit: 100).map(\.workRequestID) == [2, 1, 3])
    }

    @Test("denylist refuses, allowlist without the name refuses, the allowlist wins over the denylist (Debusine `test_allowlist_takes_precedence_over_denylist`)")
    func scenario11() throws {
        let filters: [(WorkerTaskNameFilter, Bool)] = [
            (WorkerTaskNameFilter(denylist: ["foobar", "sbuild", "baz"]), false),
            (WorkerTaskNameFilter(allowlist: ["foobar", "baz"]), false),
            (WorkerTaskNameFilter(allowlist: ["foobar", "sbuild"], denylist: ["sbuild"]), true),
        ]
        for (filter, assigned) in filters {
            var index = SchedulingIndex()
            try index.addWorkRequest(PendingWorkRequest(id: 1, taskName: "sbuild", createdAt: schedulingTime(0)))
            try index.addWorker(SchedulableWorker(id: 1, taskNameFilter: filter, connectedAt: schedulingTime(0)))
            #expect(index.nextAssignments(limit: 10).isEmpty == !assigned, "\(filter)")
        }
    }

    @Test("a Celery worker at concurrency 3 and four server work requests → three assigned (Debusine `test_schedule_for_worker_concurrency`)")
    func scenario12() throws {
        var index = SchedulingIndex()
        let celery = ["worker:type:celery"]
        for id in 1...4 {
            try index.addWorkRequest(
                PendingWorkRequest(
                    id: id,
                    taskName: "aptmirror",
                    createdAt: schedulingTime(Double(id)),
                    requiredTags: celery
                )
            )
        }
        try index.addWorker(
            SchedulableWorker(id: 7, providedTags: celery, concurrency: 3, connectedAt: schedulingTime(0))
        )
        // Like the scenario's four schedule_for_worker calls: one proposal per call, the fourth finds no slot.
        var proposals: [ProposedAssignment] = []
        for _ in 1...4 { proposals += index.nextAssignments(limit: 1) }
        #expect(proposals.map(\.workRequestID) == [1, 2, 3])
        #expect(proposals.allSatisfy { $0.workerID == 7 })
        #expect(index.freeSlots(ofWorker: 7) == 0)
        #expect(index.pendingWorkRequest(id: 4) != nil)
        for proposal in proposals { try index.confirm(proposal) }
        #expect(index.worker(id: 7)?.currentLoad == 3)
        #expect(index.nextAssignments(limit: 10).isEmpty)
    }

    /// (required, provided, accepted) rows of Debusine's `test_task_required_tags_enforced`.
    static let scenario17: [([String], [String], Bool)] = [
        ([], [], true), ([], ["a"], true), (["a"], [], false), (["a"], ["a"], true), (["a"], ["b"], false),
        (["a", "b", "c"], ["a", "b"], false), (["a", "b", "c"], ["a", "b", "c"], true),
        (["a", "b", "c"], ["a", "b", "c", "d"], true),
    ]

    @Test("the index accepts exactly the table's pairs, on both sides of the rule (Debusine `test_task_required_tags_enforced`, `test_worker_required_tags_enforced`)")
    func scenario17() throws {
        for (required, provided, accepted) in Self.scenario17 {
            var taskSide = SchedulingIndex()
            try taskSide.addWorkRequest(
                PendingWorkRequest(
                    id: 1,
                    taskName: "noop",
                    createdAt: schedulingTime(0),
                    requiredTags: required
                )
            )
            try taskSide.addWorker(SchedulableWorker(id: 1, providedTags: provided, connectedAt: schedulingTime(0)))
            #expect(taskSide.nextAssignments(limit: 1).isEmpty == !accepted, "TR \(required) WP \(provided)")

            var workerSide = SchedulingIndex()
            try workerSide.addWorkRequest(
                PendingWorkRequest(
                    id: 1,
                    taskName: "noop",
                    createdAt: schedulingTime(0),
                    providedTags: provided
                )
            )
            try workerSide.addWorker(SchedulableWorker(id: 1, requiredTags: required, connectedAt: schedulingTime(0)))
            #expect(workerSide.nextAssignments(limit: 1).isEmpty == !accepted, "WR \(required) TP \(provided)")
        }
    }

    @Test("a worker requiring [pool] gets only the WR providing pool and needing nothing else (Debusine `test_get_candidate_work_requests_worker`)")
    func scenario18() throws {
        var index = SchedulingIndex()
        try index.addWorkRequest(
            PendingWorkRequest(
                id: 1,
                taskName: "noop",
                createdAt: schedulingTime(0),
                requiredTags: ["impossible"],
                providedTags: ["pool"]
            )
        )
        try index.addWorkRequest(
            PendingWorkRequest(
                id: 2,
                taskName: "noop",
                createdAt: schedulingTime(1),
                providedTags: ["pool"]
            )
        )
        try index.addWorkRequest(PendingWorkRequest(id: 3, taskName: "noop", createdAt: schedulingTime(2)))
        try index.addWorker(
            SchedulableWorker(id: 1, requiredTags: ["pool"], concurrency: 3, connectedAt: schedulingTime(0))
        )
        #expect(index.nextAssignments(limit: 10) == [ProposedAssignment(workRequestID: 2, workerID: 1)])
        let explanation = try index.explain(workRequestID: 1)
        #expect(explanation.workerClasses.map(\.tagMismatch.tagsWorkerLacks) == [["impossible"]])
        #expect(try index.explain(workRequestID: 3).workerClasses.map(\.tagMismatch.tagsTaskLacks) == [["pool"]])
    }
}
