import Foundation
import KilnCore
import Testing

@Suite("Work-request transitions (Debusine `WorkRequest.mark_*`)")
struct WorkRequestTransitionTests {
    /// The table of Debusine's `WorkRequest` transitions (`db/models/work_requests.py`), written out independently of
    /// `WorkRequestTransition.allowedSources` so that a wrong production table fails here.
    static let table: [WorkRequestTransition: Set<WorkRequestStatus>] = [
        .markPending: [.blocked],
        .assignWorker: [.pending],
        .markRunning: [.pending, .running],
        .markCompleted: [.pending, .running],
        .markAborted: [.blocked, .pending, .running, .completed, .aborted],
        .deAssignWorker: [.pending, .running],
        .resolvePendingInputs: [.pending], .configure: [.pending], .recordDynamicData: [.pending],
    ]

    static let expectedTarget: [WorkRequestTransition: WorkRequestStatus] = [
        .markPending: .pending, .assignWorker: .pending, .markRunning: .running, .markCompleted: .completed,
        .markAborted: .aborted, .deAssignWorker: .pending, .resolvePendingInputs: .pending, .configure: .pending,
        .recordDynamicData: .pending,
    ]

    /// Runs one operation on a work request otherwise prepared to satisfy every guard.
    static func run(_ transition: WorkRequestTransition, from status: WorkRequestStatus) throws -> WorkRequest {
        let now = Fixture.at(100)
        var workRequest = Fixture.workRequest(12, status: status, worker: transition == .assignWorker ? nil : 7)
        workRequest.configuredTaskData = ["configured": true]
        switch transition {
        case .markPending: return try workRequest.markedPending(at: now)
        case .assignWorker: return try workRequest.assigned(toWorker: 7)
        case .markRunning:
            return try workRequest.markedRunning(at: now, workerLoad: WorkerRunningLoad(concurrency: 1, runningCount: 0))
        case .markCompleted: return try workRequest.markedCompleted(result: .success, at: now)
        case .markAborted: return workRequest.markedAborted(at: now)
        case .deAssignWorker: return try workRequest.deAssigned()
        case .resolvePendingInputs:
            workRequest.pendingStage = .requested
            return try workRequest.markedInputsResolved(["resolved": true])
        case .configure:
            workRequest.pendingStage = .inputsResolved
            return try workRequest.markedConfigured(
                configuredTaskData: [:], pendingStageValues: [:], tagsProvided: [], tagsRequired: [], at: now)
        case .recordDynamicData:
            return try workRequest.recordingDynamicData(["task_input_fields": [:]], forEpoch: workRequest.assignmentEpoch)
        }
    }

    static let allCases: [(WorkRequestTransition, WorkRequestStatus)] = WorkRequestTransition.allCases.flatMap {
        transition in WorkRequestStatus.allCases.map { (transition, $0) }
    }

    @Test("every operation succeeds exactly from the statuses of Debusine's transition table", arguments: allCases)
    func tableDriven(transition: WorkRequestTransition, from status: WorkRequestStatus) throws {
        let allowed = try #require(Self.table[transition])
        if allowed.contains(status) {
            let changed = try Self.run(transition, from: status)
            #expect(changed.status == Self.expectedTarget[transition])
        } else {
            let error = try #require(throws: StatusChangeError.self) { try Self.run(transition, from: status) }
            #expect(error.workRequestID == 12)
            #expect(error.transition == transition)
            #expect(error.description.hasPrefix("cannot \(transition.phrase) work request 12: status \(status.rawValue)"))
        }
    }

    @Test("the status pairs reachable by the operations are exactly those of Debusine's transition table")
    func statusPairs() {
        var reachable: Set<[WorkRequestStatus]> = []
        for (transition, status) in Self.allCases {
            if let changed = try? Self.run(transition, from: status) { reachable.insert([status, changed.status]) }
        }
        let expected: Set<[WorkRequestStatus]> = Set(
            [[.blocked, .pending], [.pending, .pending], [.running, .pending], [.pending, .running],
             [.running, .running], [.pending, .completed], [.running, .completed]]
                + WorkRequestStatus.allCases.map { [$0, .aborted] })
        #expect(reachable == expected)
    }

    @Test("the production table matches the table written out here")
    func productionTable() {
        for transition in WorkRequestTransition.allCases {
            #expect(transition.allowedSources == Self.table[transition])
            #expect(transition.target == Self.expectedTarget[transition])
        }
    }

    @Test("mark_completed on a BLOCKED WR is refused; result \"\" is refused (Debusine `db/models/tests/test_work_requests.py` `test_mark_completed_from_aborted`, `test_mark_completed_no_result_none`)")
    func scenario28() throws {
        let blocked = Fixture.workRequest(12, status: .blocked)
        let error = try #require(throws: StatusChangeError.self) {
            try blocked.markedCompleted(result: .success, at: Fixture.at(1))
        }
        #expect(error.description == "cannot complete work request 12: status blocked, expected pending or running")

        let running = Fixture.workRequest(12, status: .running, worker: 7)
        let empty = try #require(throws: StatusChangeError.self) {
            try running.markedCompleted(result: .none, at: Fixture.at(1))
        }
        #expect(empty.description == "cannot complete work request 12: result must not be empty")
        #expect(try running.markedCompleted(result: .failure, at: Fixture.at(1)).result == .failure)
    }

    @Test("mark pending sets pending_at and clears result and completed_at; forced it drops the worker")
    func markPendingEffects() throws {
        var aborted = Fixture.workRequest(3, status: .aborted, worker: 7, result: .failure)
        aborted.completedAt = Fixture.at(5)
        let forced = try aborted.markedPending(at: Fixture.at(9), force: true)
        #expect(forced.status == .pending && forced.result == .none && forced.completedAt == nil)
        #expect(forced.pendingAt == Fixture.at(9) && forced.workerID == nil)
        #expect(throws: StatusChangeError.self) { try aborted.markedPending(at: Fixture.at(9)) }
    }

    @Test("assignment bumps the fencing epoch and refuses a second worker or a worker-less type")
    func assignment() throws {
        let pending = Fixture.workRequest(4, status: .pending)
        let assigned = try pending.assigned(toWorker: 7)
        #expect(assigned.workerID == 7 && assigned.assignmentEpoch == pending.assignmentEpoch + 1)
        let again = try #require(throws: StatusChangeError.self) { try assigned.assigned(toWorker: 8) }
        #expect(again.description == "cannot assign a worker to work request 4: already assigned to worker 7")
        let wait = Fixture.workRequest(5, status: .pending, type: .wait, name: "delay")
        #expect(throws: StatusChangeError.self) { try wait.assigned(toWorker: 7) }
        let reassigned = try assigned.deAssigned().assigned(toWorker: 8)
        #expect(reassigned.assignmentEpoch == pending.assignmentEpoch + 2)
    }

    @Test("mark running: capacity guard, worker required, configured data required, running is a no-op")
    func markRunningGuards() throws {
        let assigned = Fixture.workRequest(6, status: .pending, worker: 7)
        let full = try #require(throws: StatusChangeError.self) {
            try assigned.markedRunning(at: Fixture.at(1), workerLoad: WorkerRunningLoad(concurrency: 2, runningCount: 2))
        }
        #expect(full.description == "cannot start work request 6: worker 7 already runs 2 of 2 work requests")
        #expect(throws: StatusChangeError.self) { try assigned.markedRunning(at: Fixture.at(1)) }
        let unassigned = Fixture.workRequest(6, status: .pending)
        #expect(throws: StatusChangeError.self) {
            try unassigned.markedRunning(at: Fixture.at(1), workerLoad: WorkerRunningLoad(concurrency: 1, runningCount: 0))
        }
        var unconfigured = Fixture.workRequest(6, status: .pending, type: .wait, name: "delay")
        unconfigured.configuredTaskData = nil
        #expect(throws: StatusChangeError.self) { try unconfigured.markedRunning(at: Fixture.at(1)) }
        let running = try assigned.markedRunning(
            at: Fixture.at(1), workerLoad: WorkerRunningLoad(concurrency: 1, runningCount: 0))
        #expect(running.startedAt == Fixture.at(1))
        #expect(try running.markedRunning(at: Fixture.at(5)) == running)
    }

    @Test("a result must come from the assigned worker with the current epoch")
    func resultFencing() throws {
        let running = try Fixture.workRequest(8, status: .pending).assigned(toWorker: 7)
            .markedRunning(at: Fixture.at(1), workerLoad: WorkerRunningLoad(concurrency: 1, runningCount: 0))
        try running.checkResult(fromWorker: 7, epoch: running.assignmentEpoch)
        let stale = try #require(throws: StaleResultError.self) {
            try running.checkResult(fromWorker: 7, epoch: running.assignmentEpoch - 1)
        }
        #expect(stale.description == "refusing result for work request 8: assignment epoch 0, current epoch 1")
        #expect(throws: StaleResultError.self) { try running.checkResult(fromWorker: 9, epoch: running.assignmentEpoch) }
        let done = try running.markedCompleted(result: .success, at: Fixture.at(2))
        #expect(throws: StaleResultError.self) { try done.checkResult(fromWorker: 7, epoch: done.assignmentEpoch) }
    }

    @Test("derived predicates: terminated and Debusine 0.16 unsuccessful")
    func predicates() {
        #expect(WorkRequestStatus.allCases.filter(\.isTerminated) == [.completed, .aborted])
        let unsuccessful = WorkRequestResult.allCases.filter {
            Fixture.workRequest(1, status: .completed, result: $0).isUnsuccessful
        }
        #expect(unsuccessful == [.failure, .temporaryFailure, .error])
        #expect(Fixture.workRequest(1, status: .aborted).isUnsuccessful)
        #expect(!Fixture.workRequest(1, status: .running).isUnsuccessful)
        #expect(WorkRequestResult.temporaryFailure.rawValue == "temporary failure")
        #expect(WorkRequestResult.none.rawValue == "")
    }

    @Test("a Wait work request requires workflow_data.needs_input")
    func waitNeedsInput() throws {
        let wait = Fixture.workRequest(9, type: .wait, name: "delay")
        let error = try #require(throws: WorkRequestValidationError.self) { try wait.checkCreatable() }
        #expect(error.description.contains("needs_input"))
        try Fixture.workRequest(9, type: .wait, name: "delay", workflowData: WorkflowData(needsInput: false))
            .checkCreatable()
    }
}

@Suite("Workflow and output data JSON")
struct WorkRequestDataTests {
    @Test("workflow_data uses Debusine's snake_case keys, writes only what was set and reads missing flags as defaults")
    func workflowDataKeys() throws {
        let review = ManualUnblockReview(userID: 3, timestamp: Fixture.epoch, notes: "ok", action: .accept)
        let data = WorkflowData(
            allowFailure: true, allowDependencyFailures: true, retryCount: 2, needsInput: false, displayName: "Build",
            step: "sbuild-amd64", group: "builds", manualUnblock: ManualUnblockData(log: [review]), expanded: true)
        let json = try JSONValue.from(data)
        #expect(json.value(atPath: "allow_failure") == true)
        #expect(json.value(atPath: "allow_dependency_failures") == true)
        #expect(json.value(atPath: "retry_count") == 2)
        #expect(json.value(atPath: "needs_input") == false)
        #expect(json.value(atPath: "display_name") == "Build")
        // `visible` was not given: not written (Debusine's `model_dump(exclude_unset=True)`), read as true.
        #expect(json.value(atPath: "visible") == nil && data.visible)
        #expect(json.value(atPath: "expanded") == true)
        #expect(try JSONValue.from(WorkflowData()) == [:])
        var retried = WorkflowData()
        retried.retryCount = 0
        #expect(try JSONValue.from(retried) == ["retry_count": 0])
        let entry = try #require(json.value(atPath: "manual_unblock.log")?.arrayValue?.first)
        #expect(entry.value(atPath: "user_id") == 3 && entry.value(atPath: "action") == "accept")
        #expect(entry.value(atPath: "timestamp")?.stringValue?.hasPrefix("2027-01-15T08:00:00") == true)
        #expect(try json.decode(WorkflowData.self) == data)

        let sparse = try JSONValue.parse(#"{"display_name": "x"}"#).decode(WorkflowData.self)
        #expect(sparse.allowFailure == false && sparse.retryCount == 0 && sparse.visible)
        #expect(throws: (any Error).self) { try JSONValue.parse(#"{"retry_count": -1}"#).decode(WorkflowData.self) }
        #expect(throws: (any Error).self) { try JSONValue.parse(#"{"allow_failure": "yes"}"#).decode(WorkflowData.self) }
    }

    @Test("output_data merges field by field, later set fields win")
    func outputDataMerge() throws {
        let first = OutputData(runtimeStatistics: ["duration": 5], errors: [WorkRequestError(message: "a", code: "x")])
        let later = OutputData(errors: [WorkRequestError(message: "b", code: "y")], skipReason: "nothing to do")
        let merged = first.merged(with: later)
        #expect(merged.runtimeStatistics == ["duration": 5])
        #expect(merged.errors == [WorkRequestError(message: "b", code: "y")])
        #expect(merged.skipReason == "nothing to do")
        let json = try JSONValue.from(merged)
        #expect(json.value(atPath: "skip_reason") == "nothing to do")
        #expect(json.value(atPath: "runtime_statistics.duration") == 5)
        #expect(json.value(atPath: "regression_analysis") == nil)
        #expect(try json.decode(OutputData.self) == merged)

        let running = Fixture.workRequest(2, status: .running, worker: 1)
        let completed = try running.markedCompleted(result: .success, outputData: first, at: Fixture.at(1))
        let aborted = completed.markedAborted(outputData: later, at: Fixture.at(2))
        #expect(aborted.outputData == merged)
    }
}
