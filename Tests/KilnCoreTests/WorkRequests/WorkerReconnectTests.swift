import Foundation
import KilnCore
import Testing

@Suite("Worker reconnect and get-next (Debusine `server/views/tests/test_workers.py` `GetNextWorkRequestViewTests`)")
struct WorkerReconnectTests {
    let now = Fixture.at(2_000)

    func running(_ id: Int, retryCount: Int = 0, createdAt: Date? = nil) -> WorkRequest {
        var workRequest = Fixture.workRequest(
            id, status: .running, worker: 7, createdAt: createdAt, workflowData: WorkflowData(retryCount: retryCount))
        workRequest.assignmentEpoch = 1
        return workRequest
    }

    @Test("a RUNNING WR without artifacts and retry_count 0 is handed back, retry_count 1 (Debusine `test_get_running_work_request`)")
    func scenario23() throws {
        let decision = WorkerNextRequestDecision.decide(
            worker: 7, assigned: [running(5)], producedOutput: [], completionInProgress: false, at: now)
        guard case .handBack(let workRequest) = decision.outcome else {
            Issue.record("expected a hand-back, got \(decision.outcome)")
            return
        }
        #expect(workRequest.id == 5 && workRequest.status == .running && workRequest.supersedesID == nil)
        #expect(workRequest.workflowData.retryCount == 1)
        #expect(workRequest.assignmentEpoch == 2, "the old incarnation's late result is fenced off")
        #expect(decision.supersede.isEmpty && decision.abortedForRetryLimit.isEmpty)
    }

    @Test("the same with retry_count 3 → ABORTED with work-request-retry-limit-exceeded; nothing (Debusine `test_get_running_work_request_retry_limit`)")
    func scenario24() throws {
        let decision = WorkerNextRequestDecision.decide(
            worker: 7, assigned: [running(5, retryCount: 3)], producedOutput: [], completionInProgress: false, at: now)
        #expect(decision.outcome == .nothing)
        let aborted = try #require(decision.abortedForRetryLimit.first)
        #expect(aborted.id == 5 && aborted.status == .aborted && aborted.completedAt == now)
        #expect(aborted.outputData?.errors?.map(\.code) == ["work-request-retry-limit-exceeded"])
    }

    @Test("a RUNNING WR with an artifact is superseded; the PENDING one is returned (Debusine `test_get_running_partially_completed_work_request`)")
    func scenario25() throws {
        let pending = Fixture.workRequest(6, status: .pending, worker: 7)
        let decision = WorkerNextRequestDecision.decide(
            worker: 7, assigned: [running(5), pending], producedOutput: [5], completionInProgress: false, at: now)
        #expect(decision.supersede == [5])
        #expect(decision.outcome == .start(pending))

        let graph = try WorkRequestGraph([running(5), pending])
        let plan = try graph.supersedingRetry(
            of: 5, reason: .workerFailed, newID: 9, at: now, forceStatus: true)
        #expect(plan.graph[5]?.status == .aborted && plan.graph[5]?.workflowData.retryCount == 0)
        #expect(plan.newWorkRequest.supersedesID == 5 && plan.newWorkRequest.workerID == nil)
        #expect(plan.newWorkRequest.workflowData.retryCount == 1)
        let started = try pending.markedRunning(at: now, workerLoad: WorkerRunningLoad(concurrency: 2, runningCount: 0))
        #expect(started.status == .running)
    }

    @Test("two PENDING WRs → the earlier created_at is returned; none assigned → nothing (Debusine `test_get_older_pending`, `test_get_no_work_request`)")
    func scenario26() {
        let later = Fixture.workRequest(3, status: .pending, worker: 7, createdAt: Fixture.at(10))
        let earlier = Fixture.workRequest(4, status: .pending, worker: 7, createdAt: Fixture.at(5))
        let elsewhere = Fixture.workRequest(2, status: .pending, worker: 8, createdAt: Fixture.at(1))
        let decision = WorkerNextRequestDecision.decide(
            worker: 7, assigned: [later, earlier, elsewhere], producedOutput: [], completionInProgress: false, at: now)
        #expect(decision.outcome == .start(earlier))
        let none = WorkerNextRequestDecision.decide(
            worker: 7, assigned: [elsewhere], producedOutput: [], completionInProgress: false, at: now)
        #expect(none.outcome == .nothing && none.supersede.isEmpty)
    }

    @Test("a completion report in progress answers nothing and changes nothing")
    func completionInProgress() {
        let decision = WorkerNextRequestDecision.decide(
            worker: 7, assigned: [running(5, retryCount: 3)], producedOutput: [], completionInProgress: true, at: now)
        #expect(decision.outcome == .completionInProgress && decision.abortedForRetryLimit.isEmpty)
    }

    @Test("exhausted reassignable WRs are aborted before the next one is handed back")
    func abortsThenHandsBack() {
        let decision = WorkerNextRequestDecision.decide(
            worker: 7, assigned: [running(5, retryCount: 3), running(6, retryCount: 1)], producedOutput: [],
            completionInProgress: false, at: now)
        #expect(decision.abortedForRetryLimit.map(\.id) == [5])
        if case .handBack(let workRequest) = decision.outcome {
            #expect(workRequest.id == 6 && workRequest.workflowData.retryCount == 2)
        } else {
            Issue.record("expected a hand-back, got \(decision.outcome)")
        }
    }
}
