import Foundation
import KilnCore
import PropertyBased
import Testing

@Suite("Queue order, worker filters and internal work (Debusine `server/scheduler.py`, `server/tests/test_scheduler.py`)")
struct SchedulingDecisionTests {
    let now = Fixture.at(3_000)

    @Test("priorities (0,0), (0,10), (10,0), (10,1) → the (10,1) WR goes first (Debusine `test_highest_priority_work_request_is_picked_first`)")
    func scenario9() {
        let queue = [(0, 0), (0, 10), (10, 0), (10, 1)].enumerated().map { index, priority in
            Fixture.workRequest(index + 1, status: .pending, createdAt: Fixture.epoch, priority: priority)
        }
        let ordered = queue.sorted(by: WorkRequestQueueOrder.precedes)
        #expect(ordered.first?.id == 4 && ordered.first?.effectivePriority == 11)
        #expect(ordered.map(\.effectivePriority) == [11, 10, 10, 0])
    }

    @Test("equal priority, created +1 s, 0 s, +2 s → the oldest goes first (Debusine `test_oldest_work_request_is_picked_first`)")
    func scenario10() {
        let queue = [1.0, 0.0, 2.0].enumerated().map { index, offset in
            Fixture.workRequest(index + 1, status: .pending, createdAt: Fixture.at(offset))
        }
        #expect(queue.sorted(by: WorkRequestQueueOrder.precedes).map(\.id) == [2, 1, 3])
    }

    @Test("denylist refuses sbuild; an allowlist without it refuses; in both, the allowlist wins (Debusine `test_skips_tasks_in_deny_list`, `test_skips_tasks_not_in_allow_list`, `test_allowlist_takes_precedence_over_denylist`)")
    func scenario11() {
        #expect(!WorkerTaskNameFilter(denylist: ["foobar", "sbuild", "baz"]).permits(taskName: "sbuild"))
        #expect(!WorkerTaskNameFilter(allowlist: ["foobar", "baz"]).permits(taskName: "sbuild"))
        #expect(WorkerTaskNameFilter(allowlist: ["sbuild"], denylist: ["sbuild"]).permits(taskName: "sbuild"))
        // An allowlist given, even empty, decides alone (`tasks_allowlist is not None`).
        #expect(!WorkerTaskNameFilter(allowlist: [], denylist: ["sbuild"]).permits(taskName: "lintian"))
        #expect(WorkerTaskNameFilter(denylist: ["sbuild"]).permits(taskName: "lintian"))
        #expect(WorkerTaskNameFilter().permits(taskName: "anything"))
    }

    @Test("two pending synchronisation points in a running workflow both complete with success (Debusine `test_synchronization_points`)")
    func scenario3() throws {
        let points = [10, 11].map {
            Fixture.workRequest($0, status: .pending, type: .internal, name: "synchronization_point", parent: 1, root: 1)
        }
        let planned = try InternalWorkBatch.plan(candidates: points, busyParents: [], busyRoots: [], at: now)
        #expect(planned.map(\.workRequest.id) == [10, 11])
        for (workRequest, action) in planned {
            #expect(action == .completeSuccess)
            let done = try workRequest.applying(action, at: now)
            #expect(done.status == .completed && done.result == .success && done.completedAt == now)
        }
        // An unknown Internal name is left alone (Debusine `test_only_unhandled_work_requests_available`).
        let unknown = Fixture.workRequest(12, status: .pending, type: .internal, name: "mystery")
        #expect(try unknown.internalWorkAction(at: now) == nil)
    }

    @Test("a due running delay completes; a future one stays running; a blocked one is untouched (Debusine `test_wait_delay_task_past`, `test_wait_delay_task_future`, `test_wait_delay_task_blocked`)")
    func scenario8() throws {
        func delay(_ status: WorkRequestStatus, until: Date) -> WorkRequest {
            var workRequest = Fixture.workRequest(
                20, status: status, type: .wait, name: "delay", workflowData: WorkflowData(needsInput: false),
                taskData: ["delay_until": .string(ISO8601Timestamp.format(until))])
            workRequest.configuredTaskData = workRequest.taskData
            return workRequest
        }
        let past = delay(.running, until: now.addingTimeInterval(-1))
        #expect(try past.internalWorkAction(at: now) == .completeSuccess)
        #expect(try past.applying(.completeSuccess, at: now).result == .success)
        #expect(try delay(.running, until: now.addingTimeInterval(1)).internalWorkAction(at: now) == nil)
        #expect(try delay(.blocked, until: now.addingTimeInterval(-1)).internalWorkAction(at: now) == nil)
        // A pending Wait task is marked running as soon as it is pending.
        let pending = delay(.pending, until: now.addingTimeInterval(60))
        #expect(try pending.internalWorkAction(at: now) == .markRunning)
        #expect(try pending.applying(.markRunning, at: now).status == .running)
        var broken = past
        broken.configuredTaskData = ["delay_until": "tomorrow"]
        let error = try #require(throws: InternalWorkError.self) { try broken.internalWorkAction(at: now) }
        #expect(error.description == #"work request 20: delay_until "tomorrow" is not an ISO 8601 timestamp"#)
        #expect(ISO8601Timestamp.parse("2027-01-15T08:00:00Z") == Fixture.epoch)
        #expect(ISO8601Timestamp.parse("2027-01-15T08:00:00.500+00:00") == Fixture.epoch.addingTimeInterval(0.5))
    }

    @Test("one callback per parent and one orchestrator per root per round, lowest id first")
    func callbacksAndOrchestrators() throws {
        let candidates = [
            Fixture.workRequest(31, status: .pending, type: .internal, name: "workflow", parent: 1, root: 1),
            Fixture.workRequest(30, status: .pending, type: .internal, name: "workflow", parent: 1, root: 1),
            Fixture.workRequest(32, status: .pending, type: .internal, name: "workflow", parent: 2, root: 2),
            Fixture.workRequest(33, status: .pending, type: .internal, name: "workflow", parent: 3, root: 3),
            Fixture.workRequest(40, status: .pending, type: .workflow, name: "sbuild", parent: 5, root: 5),
            Fixture.workRequest(41, status: .pending, type: .workflow, name: "sbuild", parent: 5, root: 5),
        ]
        let planned = try InternalWorkBatch.plan(candidates: candidates, busyParents: [3], busyRoots: [], at: now)
        #expect(planned.map(\.workRequest.id) == [30, 32, 40])
        #expect(planned.map(\.action) == [
            .runWorkflowCallback(parentID: 1), .runWorkflowCallback(parentID: 2), .runOrchestrator(rootID: 5),
        ])
    }

    @Test("worker capacity and waiting for work (Debusine `WorkerQuerySet.waiting_for_work_request`)")
    func workerAvailability() {
        func worker(
            _ type: WorkerType = .external, connected: Bool = true, metadataAge: TimeInterval = 60,
            enabled: Bool = true, active: Int = 0, pool: Int? = nil, connectedAt offset: TimeInterval = 0, id: Int = 1
        ) -> WorkerAvailability {
            WorkerAvailability(
                id: id, workerType: type, connectedAt: connected ? Fixture.at(offset) : nil,
                dynamicMetadataUpdatedAt: now.addingTimeInterval(-metadataAge), tokenEnabled: enabled, concurrency: 2,
                activeWorkRequests: active, workerPoolID: pool)
        }
        #expect(worker().isWaitingForWork(at: now))
        #expect(!worker(active: 2).isWaitingForWork(at: now) && worker(active: 2).isAtCapacity)
        #expect(!worker(connected: false).isWaitingForWork(at: now), "scenario 6: disconnected")
        #expect(!worker(enabled: false).isWaitingForWork(at: now), "scenario 7: token disabled")
        #expect(worker(.celery, metadataAge: 86_400, enabled: false).isWaitingForWork(at: now))
        #expect(!worker(metadataAge: 66 * 60).isWaitingForWork(at: now), "Debusine 0.16 metadata older than 65 minutes")
        let order = [
            worker(pool: 3, connectedAt: 0, id: 1), worker(connectedAt: 20, id: 2), worker(connectedAt: 10, id: 3),
        ].sorted(by: WorkerAvailability.servedBefore)
        #expect(order.map(\.id) == [3, 2, 1])
    }

    @Test("property: the queue comparator is a strict weak ordering consistent with (priority desc, created asc)")
    func comparatorProperty() async {
        await propertyCheck(input: Gen.int(in: 0...26).array(of: 3...3).array(of: 3...3)) { triples in
            // Each triple: (priority, created offset, id); few distinct values so ties are frequent.
            let keys = triples.map {
                WorkRequestQueueKey(effectivePriority: $0[0] % 3 - 1, createdAt: Fixture.at(Double($0[1] % 3)), id: $0[2] % 3)
            }
            for a in keys {
                #expect(!(a < a), "irreflexive")
                for b in keys {
                    if a < b { #expect(!(b < a), "asymmetric") }
                    if a.effectivePriority > b.effectivePriority { #expect(a < b, "higher priority first") }
                    if a.effectivePriority == b.effectivePriority && a.createdAt < b.createdAt {
                        #expect(a < b, "older first at equal priority")
                    }
                    if !(a < b) && !(b < a) { #expect(a == b, "only identical keys are equivalent") }
                    for c in keys {
                        if a < b && b < c { #expect(a < c, "transitive") }
                        let aEquivB = !(a < b) && !(b < a)
                        let bEquivC = !(b < c) && !(c < b)
                        if aEquivB && bEquivC { #expect(!(a < c) && !(c < a), "equivalence is transitive") }
                    }
                }
            }
        }
    }
}
