import Foundation
import KilnCore
import Testing

@Suite("Work-request retries (Debusine `WorkRequest.retry`)")
struct WorkRequestRetryTests {
    let now = Fixture.at(1_000)

    /// A failed Worker WR 2 (configured data differs from its task data) in running workflow 1, with a
    /// dependency 5 and reverse dependencies 3 (aborted by the failure) and 4 (pending, tolerant).
    func failedGraph(retryCount: Int = 2) throws -> WorkRequestGraph {
        var failed = Fixture.workRequest(
            2, status: .completed, worker: 7, priority: (5, 2), parent: 1, root: 1, dependencies: [5],
            workflowData: WorkflowData(retryCount: retryCount, step: "build"), result: .failure,
            taskData: ["input": ["source_artifact": 12]])
        failed.configuredTaskData = ["input": ["source_artifact": 12], "build_profiles": ["nocheck"]]
        failed.dynamicTaskData = ["task_input_fields": [:]]
        failed.outputData = OutputData(error: "build failed", code: "build-failed")
        failed.schedulerTagsRequired = ["worker:type:external"]
        failed.assignmentEpoch = 3
        return try WorkRequestGraph([
            Fixture.runningWorkflow(1), failed,
            Fixture.workRequest(3, status: .aborted, parent: 1, root: 1, dependencies: [2]),
            Fixture.workRequest(
                4, status: .pending, worker: 8, parent: 1, root: 1, dependencies: [2],
                workflowData: WorkflowData(allowDependencyFailures: true)),
            Fixture.workRequest(5, status: .completed, parent: 1, root: 1, result: .success),
        ])
    }

    @Test("a retry re-blocks only a PENDING `deps` dependant; manual and incremental ones stay pending (Debusine `WorkRequest._retry_supersede` through `add_dependency`)")
    func retryReblocksOnlyDepsDependants() throws {
        let failed = Fixture.workRequest(2, status: .completed, result: .failure)
        let manual = Fixture.workRequest(4, status: .pending, dependencies: [2], strategy: .manual)
        let incremental = Fixture.workRequest(5, status: .pending, dependencies: [2], strategy: .incremental)
        let plan = try WorkRequestGraph([failed, manual, incremental])
            .supersedingRetry(of: 2, reason: .manual, newID: 20, at: now)
        for id in [4, 5] {
            let repointed = try #require(plan.edits.first { $0.id == id }?.after)
            #expect(repointed.status == .pending && repointed.dependencyIDs == [20])
        }
    }

    @Test("a retry re-points a dependant still in the unblocking pipeline back to BLOCKED, out of the pipeline")
    func retryTakesDependantOutOfThePipeline() throws {
        var failed = Fixture.workRequest(2, status: .completed, result: .failure)
        failed.workflowData.allowFailure = true
        var dependant = try Fixture.workRequest(4, dependencies: [2]).markedPending(at: now).markedInputsResolved(["x": 1])
        dependant.dependencyIDs = [2]
        let graph = try WorkRequestGraph([failed, dependant])
        let plan = try graph.supersedingRetry(of: 2, reason: .manual, newID: 20, at: now)
        let repointed = try #require(plan.edits.first { $0.id == 4 }?.after)
        #expect(repointed.status == .blocked && repointed.dependencyIDs == [20])
        #expect(repointed.pendingStage == nil && repointed.pendingStageData == nil, "\(repointed)")
    }

    @Test("manual retry of a failed Worker WR → new BLOCKED→PENDING WR with the original task data (Debusine `db/models/tests/test_work_requests.py` `test_retry_supersede`)")
    func scenario30() throws {
        let graph = try failedGraph()
        let plan = try graph.supersedingRetry(of: 2, reason: .manual, newID: 20, at: now)
        let new = plan.newWorkRequest
        #expect(new.id == 20 && new.supersedesID == 2)
        // PENDING in Kiln's unblocking pipeline: `pending_at` comes when it is configured (schedulable).
        #expect(new.status == .pending && new.pendingStage == .requested && new.pendingAt == nil)
        #expect(new.taskData == ["input": ["source_artifact": 12]])
        #expect(new.configuredTaskData == nil && new.dynamicTaskData == nil && new.outputData == nil)
        #expect(new.workerID == nil && new.assignmentEpoch == 0 && new.schedulerTagsRequired.isEmpty)
        #expect(new.workflowData.retryCount == 0 && new.workflowData.step == "build")
        #expect(new.priorityBase == 5 && new.priorityAdjustment == 2 && new.effectivePriority == 7)
        #expect(new.parentID == 1 && new.workflowRootID == 1 && new.dependencyIDs == [5])
        #expect(new.createdAt == now && new.createdBy == 100)
        #expect(plan.repointsPromises)

        // Reverse dependencies now point at the new WR; the pending one goes back to BLOCKED.
        #expect(plan.graph[3]?.dependencyIDs == [20] && plan.graph[3]?.status == .aborted)
        #expect(plan.graph[4]?.dependencyIDs == [20] && plan.graph[4]?.status == .blocked)
        #expect(plan.graph[4]?.workerID == nil)
        #expect(plan.edits.map(\.id) == [3, 4])
        #expect(plan.graph[2] == graph[2], "the old work request is left as it was")

        let again = try #require(throws: RetryRefusal.self) {
            try plan.graph.supersedingRetry(of: 2, reason: .manual, newID: 21, at: now)
        }
        #expect(again.description == "Cannot retry old superseded tasks")
    }

    @Test("retrying a Server or Wait WR is refused (Debusine `db/models/tests/test_work_requests.py` `test_verify_retry_task_type`)", arguments: [TaskType.server, .wait])
    func scenario30Types(type: TaskType) throws {
        let graph = try WorkRequestGraph([Fixture.workRequest(2, status: .aborted, type: type, name: "x")])
        let refusal = try #require(throws: RetryRefusal.self) {
            try graph.supersedingRetry(of: 2, reason: .manual, newID: 3, at: now)
        }
        #expect(refusal == .typeNotRetryable(workRequestID: 2, taskType: type))
        #expect(RetryableTaskTypes.all == [.workflow, .worker, .internal, .signing])
    }

    @Test("retry preconditions: unsuccessful only, inputs must still resolve, workflows re-orchestrate")
    func preconditions() throws {
        let graph = try WorkRequestGraph([
            Fixture.workRequest(2, status: .completed, result: .success),
            Fixture.workRequest(3, status: .completed, result: .error),
            Fixture.workRequest(4, status: .aborted, type: .workflow),
        ])
        let success = try #require(throws: RetryRefusal.self) {
            try graph.supersedingRetry(of: 2, reason: .manual, newID: 9, at: now)
        }
        #expect(success.description == "Only unsuccessful tasks can be retried")  // Debusine `test_verify_retry_unsuccessful`
        let unresolvable = try #require(throws: RetryRefusal.self) {
            try graph.supersedingRetry(of: 3, reason: .manual, newID: 9, at: now, inputsResolve: false)
        }
        #expect(unresolvable.description == "Task dependencies cannot be satisfied")
        #expect(throws: RetryRefusal.self) { try graph.supersedingRetry(of: 4, reason: .manual, newID: 9, at: now) }
        #expect(throws: WorkRequestGraphError.self) {
            try graph.supersedingRetry(of: 3, reason: .manual, newID: 2, at: now)
        }
        // Debusine 0.16 an `error` result is retryable.
        #expect(try graph.supersedingRetry(of: 3, reason: .manual, newID: 9, at: now).newWorkRequest.status == .pending)
    }

    @Test("retry reasons: worker failure +1 up to 3, delay +1 up to the delay count, manual resets to 0")
    func retryReasons() throws {
        #expect(try WorkRequestRetryReason.workerFailed.retryCount(after: 0) == 1)
        #expect(try WorkRequestRetryReason.workerFailed.retryCount(after: 2) == 3)
        #expect(throws: RetryRefusal.self) { try WorkRequestRetryReason.workerFailed.retryCount(after: 3) }
        #expect(try WorkRequestRetryReason.delay(delayCount: 2).retryCount(after: 1) == 2)
        #expect(throws: RetryRefusal.self) { try WorkRequestRetryReason.delay(delayCount: 2).retryCount(after: 2) }
        #expect(try WorkRequestRetryReason.manual.retryCount(after: 17) == 0)
        let plan = try failedGraph(retryCount: 2).supersedingRetry(of: 2, reason: .workerFailed, newID: 20, at: now)
        #expect(plan.newWorkRequest.workflowData.retryCount == 3)
        #expect(throws: RetryRefusal.self) {
            try failedGraph(retryCount: 3).supersedingRetry(of: 2, reason: .workerFailed, newID: 20, at: now)
        }
    }

    @Test("a retry inside a terminated workflow sets the ancestors back to RUNNING, up the tree")
    func revivesAncestors() throws {
        var root = Fixture.workRequest(1, status: .completed, type: .workflow, root: 1, result: .failure)
        root.completedAt = now
        let sub = Fixture.workRequest(2, status: .aborted, type: .workflow, parent: 1, root: 1)
        let child = Fixture.workRequest(3, status: .completed, parent: 2, root: 1, result: .failure)
        let plan = try WorkRequestGraph([root, sub, child]).supersedingRetry(of: 3, reason: .manual, newID: 4, at: now)
        #expect(plan.edits.map(\.id) == [2, 1])
        #expect(plan.graph[1]?.status == .running && plan.graph[1]?.result == WorkRequestResult.none)
        #expect(plan.graph[1]?.completedAt == nil && plan.graph[2]?.status == .running)
        // The parent is running again, so the replacement can be unblocked at once.
        #expect(plan.newWorkRequest.status == .pending)
    }

    @Test("force_status aborts a RUNNING WR without cascading before superseding it")
    func forceStatus() throws {
        let graph = try WorkRequestGraph([
            Fixture.workRequest(2, status: .running, worker: 7),
            Fixture.workRequest(3, dependencies: [2]),
        ])
        #expect(throws: RetryRefusal.self) { try graph.supersedingRetry(of: 2, reason: .workerFailed, newID: 9, at: now) }
        let plan = try graph.supersedingRetry(of: 2, reason: .workerFailed, newID: 9, at: now, forceStatus: true)
        #expect(plan.graph[2]?.status == .aborted)
        #expect(plan.graph[3]?.status == .blocked && plan.graph[3]?.dependencyIDs == [9])
        #expect(plan.edits.map(\.id) == [2, 3])
        #expect(!plan.repointsPromises)
    }
}
