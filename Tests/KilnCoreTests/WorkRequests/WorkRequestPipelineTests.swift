import Foundation
import KilnCore
import PropertyBased
import Testing

@Suite("Kiln's pipeline states in the core: unblocking stages, dynamic data per assignment, derived events")
struct WorkRequestPipelineTests {
    static let now = Fixture.at(100)

    /// A work request the way submit leaves it when it can run: PENDING with unblocking requested.
    static func requested() throws -> WorkRequest {
        try Fixture.workRequest(12, status: .blocked).markedPending(at: now)
    }

    static func configured() throws -> WorkRequest {
        try requested().markedInputsResolved(["resolved": true]).markedConfigured(
            configuredTaskData: ["configured": true], pendingStageValues: ["task_input_fields": [:]],
            tagsProvided: ["a"], tagsRequired: ["b"], at: Fixture.at(200))
    }

    @Test("mark_pending from BLOCKED enters the pipeline; a forced re-pend of a finished one does not")
    func markPendingEntersThePipeline() throws {
        let requested = try Self.requested()
        #expect(requested.status == .pending && requested.pendingStage == .requested)
        #expect(requested.displayStatus == "pending-requested" && requested.storedStatus == .blocked)
        let finished = Fixture.workRequest(13, status: .completed, result: .failure)
        let repended = try finished.markedPending(at: Self.now, force: true)
        #expect(repended.status == .pending && repended.pendingStage == nil)
    }

    @Test("the stages follow one another, each refusing to start from another stage")
    func stagesInOrder() throws {
        let requested = try Self.requested()
        #expect(throws: StatusChangeError.self) {
            try requested.markedConfigured(
                configuredTaskData: [:], pendingStageValues: [:], tagsProvided: [], tagsRequired: [], at: Self.now)
        }
        let resolved = try requested.markedInputsResolved(["resolved": true])
        #expect(resolved.pendingStage == .inputsResolved && resolved.pendingStageData == ["resolved": true])
        let error = try #require(throws: StatusChangeError.self) { try resolved.markedInputsResolved([:]) }
        #expect(error.description == "cannot record the pending inputs of work request 12: pending stage inputs-resolved, expected requested")
        let configured = try Self.configured()
        #expect(configured.pendingStage == nil && configured.status == .pending && configured.pendingAt == Fixture.at(200))
        #expect(configured.configuredTaskData == ["configured": true])
        #expect(configured.pendingStageData == ["task_input_fields": [:]] && configured.dynamicTaskData == nil)
        #expect(configured.schedulerTagsProvided == ["a"] && configured.schedulerTagsRequired == ["b"])
    }

    @Test("a work request being unblocked is neither assigned nor started")
    func unblockingIsNotSchedulable() throws {
        var requested = try Self.requested()
        #expect(throws: StatusChangeError.self) { try requested.assigned(toWorker: 3) }
        requested.configuredTaskData = [:]
        requested.workerID = 3
        #expect(throws: StatusChangeError.self) {
            try requested.markedRunning(at: Self.now, workerLoad: WorkerRunningLoad(concurrency: 1, runningCount: 0))
        }
        // It is PENDING for every other rule: a pipeline failure completes it, an abort aborts it, both
        // clearing the stage.
        let failed = try Self.requested().markedCompleted(result: .error, at: Self.now)
        #expect(failed.status == .completed && failed.pendingStage == nil && failed.pendingAt == Self.now)
        #expect(try Self.requested().markedAborted(at: Self.now).pendingStage == nil)
    }

    @Test("dynamic data belongs to one assignment: recorded once for the current epoch, never for another")
    func dynamicDataPerAssignment() throws {
        let assigned = try Self.configured().assigned(toWorker: 3)
        #expect(!assigned.isReadyToDispatch)
        #expect(throws: StatusChangeError.self) { try assigned.recordingDynamicData([:], forEpoch: assigned.assignmentEpoch - 1) }
        let ready = try assigned.recordingDynamicData(["x": 1], forEpoch: assigned.assignmentEpoch)
        #expect(ready.isReadyToDispatch && ready.dynamicDataEpoch == 1)
        #expect(throws: StatusChangeError.self) { try ready.recordingDynamicData(["x": 2], forEpoch: 1) }
        // De-assigned and assigned again: the old data is still there but is not this assignment's.
        var again = try ready.deAssigned()
        again.assignmentEpoch += 1
        again = try again.assigned(toWorker: 4)
        #expect(again.dynamicTaskData == ["x": 1] && !again.isReadyToDispatch)
    }

    @Test("each step announces exactly its event, derived from before and after")
    func derivedEvents() throws {
        let blocked = Fixture.workRequest(12, status: .blocked)
        let requested = try blocked.markedPending(at: Self.now)
        #expect(requested.events(since: blocked) == [.unblocked(12)])
        #expect(requested.events(since: nil) == [.unblocked(12)])
        let resolved = try requested.markedInputsResolved([:])
        #expect(resolved.events(since: requested) == [.inputsResolved(12)])
        let configured = try resolved.markedConfigured(
            configuredTaskData: [:], pendingStageValues: [:], tagsProvided: [], tagsRequired: [], at: Self.now)
        #expect(configured.events(since: resolved) == [.pending(12)])
        let assigned = try configured.assigned(toWorker: 3)
        let assignment = Assignment(workRequest: 12, worker: 3, epoch: 1)
        #expect(assigned.events(since: configured) == [.assigned(assignment)])
        // A new priority while waiting for a worker is announced again; while assigned or being unblocked, not.
        var reprioritised = configured
        reprioritised.priorityAdjustment = 5
        #expect(reprioritised.events(since: configured) == [.pending(12)])
        var assignedAgain = assigned
        assignedAgain.priorityAdjustment = 5
        var requestedAgain = requested
        requestedAgain.priorityAdjustment = 5
        #expect(assignedAgain.events(since: assigned).isEmpty && requestedAgain.events(since: requested).isEmpty)
        let ready = try assigned.recordingDynamicData([:], forEpoch: 1)
        #expect(ready.events(since: assigned) == [.dispatch(assignment)])
        let running = try ready.markedRunning(at: Self.now, workerLoad: WorkerRunningLoad(concurrency: 1, runningCount: 0))
        #expect(running.events(since: ready).isEmpty)
        #expect(try running.markedCompleted(result: .success, at: Self.now).events(since: running) == [.completed(12)])
        #expect(
            running.markedAborted(at: Self.now).events(since: running)
                == [.aborted(AbortedWorkRequest(workRequest: 12, worker: 3, epoch: 1))])
        #expect(try running.deAssigned().events(since: running) == [.pending(12)])
        #expect(
            blocked.markedAborted(at: Self.now).events(since: blocked)
                == [.aborted(AbortedWorkRequest(workRequest: 12))])
    }

    @Test("a reconnecting worker's hand-back keeps the assignment's dynamic data current")
    func handBackCarriesDynamicData() throws {
        let ready = try Self.configured().assigned(toWorker: 3).recordingDynamicData([:], forEpoch: 1)
        let running = try ready.markedRunning(at: Self.now, workerLoad: WorkerRunningLoad(concurrency: 1, runningCount: 0))
        let decision = WorkerNextRequestDecision.decide(
            worker: 3, assigned: [running], producedOutput: [], completionInProgress: false, at: Self.now)
        guard case .handBack(let handedBack) = decision.outcome else {
            Issue.record("expected a hand-back, got \(String(describing: decision.outcome))")
            return
        }
        #expect(handedBack.assignmentEpoch == 2 && handedBack.dynamicDataEpoch == 2)
        #expect(handedBack.events(since: running).isEmpty)
    }

    @Test("no change, no event: a transition applied twice announces nothing the second time")
    func noChangeNoEvent() async {
        let statuses = WorkRequestStatus.allCases
        let stages: [PendingStage?] = [nil, .requested, .inputsResolved]
        let epochs = Gen.int(in: 0...3)
        await propertyCheck(input: Gen.int(in: 0...(statuses.count - 1)), Gen.int(in: 0...2), epochs, Gen.bool) {
            status, stage, epoch, hasWorker in
            var workRequest = Fixture.workRequest(5, status: statuses[status], worker: hasWorker ? 9 : nil)
            workRequest.pendingStage = statuses[status] == .pending ? stages[stage] : nil
            workRequest.assignmentEpoch = epoch
            workRequest.dynamicDataEpoch = epoch
            #expect(workRequest.events(since: workRequest).isEmpty, "\(workRequest)")
        }
    }
}
