import Foundation
import KilnCore
import PropertyBased
import Testing

@Suite("Work-request dependencies (Debusine `WorkRequest.unblock_reverse_dependencies`)")
struct WorkRequestDependencyTests {
    let now = Fixture.at(500)

    /// A running workflow 1 with children X (2) and Y (3), and R (4) depending on both.
    func workflow(
        xResult: WorkRequestResult, xData: WorkflowData = WorkflowData(), rData: WorkflowData = WorkflowData(),
        yStatus: WorkRequestStatus = .running
    ) throws -> WorkRequestGraph {
        try WorkRequestGraph([
            Fixture.runningWorkflow(1),
            Fixture.workRequest(
                2, status: .completed, parent: 1, root: 1, workflowData: xData, result: xResult),
            Fixture.workRequest(3, status: yStatus, worker: 9, parent: 1, root: 1,
                                result: yStatus == .completed ? .success : .none),
            Fixture.workRequest(4, status: .blocked, parent: 1, root: 1, dependencies: [2, 3], workflowData: rData),
            Fixture.workRequest(5, status: .blocked, parent: 1, root: 1, dependencies: [4]),
        ])
    }

    @Test("X fails without allow_failure → its BLOCKED reverse dependency is ABORTED, transitively (Debusine `db/models/tests/test_work_requests.py` `test_dependencies_failure`)")
    func scenario29Abort() throws {
        let outcome = try workflow(xResult: .failure).applyingTermination(of: 2, at: now)
        #expect(outcome.aborted == [4, 5])
        #expect(outcome.graph[4]?.status == .aborted && outcome.graph[5]?.status == .aborted)
        #expect(outcome.graph[4]?.completedAt == now)
        #expect(outcome.edits.map(\.id) == [4, 5])
        #expect(outcome.edits.allSatisfy { $0.before?.status == .blocked })
    }

    @Test("with X allow_failure or R allow_dependency_failures, R waits for its other dependency (Debusine `db/models/tests/test_work_requests.py` `test_dependencies_failure_allow_failure`, `test_dependencies_failure_allow_dependency_failures`)")
    func scenario29Tolerated() throws {
        for graph in [
            try workflow(xResult: .failure, xData: WorkflowData(allowFailure: true)),
            try workflow(xResult: .failure, rData: WorkflowData(allowDependencyFailures: true)),
        ] {
            let first = try graph.applyingTermination(of: 2, at: now)
            #expect(first.edits.isEmpty && first.graph[4]?.status == .blocked)
            // Y completes: now every dependency of R has terminated, so R becomes PENDING.
            let yDone = try #require(first.graph[3]).markedCompleted(result: .success, at: now)
            let second = try first.graph.replacing(yDone).applyingTermination(of: 3, at: now)
            #expect(second.unblocked == [4])
            #expect(second.graph[4]?.status == .pending && second.graph[4]?.pendingStage == .requested)
            #expect(second.graph[5]?.status == .blocked)
        }
    }

    @Test("an ABORTED dependency with allow_failure, or a dependant with allow_dependency_failures, unblocks the dependant (Debusine `db/models/tests/test_work_requests.py` `test_dependencies_aborted_allow_failure`, `test_dependencies_aborted_allow_dependency_failures`)")
    func abortedToleratedDependency() throws {
        for (xData, rData) in [
            (WorkflowData(allowFailure: true), WorkflowData()),
            (WorkflowData(), WorkflowData(allowDependencyFailures: true)),
        ] {
            // Y has completed; X is aborted (no result), which terminates R's last dependency.
            var graph = try workflow(xResult: .none, xData: xData, rData: rData, yStatus: .completed)
            graph = graph.replacing(try #require(graph[2]).markedAborted(at: now))
            let outcome = try graph.applyingTermination(of: 2, at: now)
            #expect(outcome.unblocked == [4] && outcome.aborted.isEmpty)
            #expect(outcome.graph[4]?.status == .pending && outcome.graph[5]?.status == .blocked)
        }
        // Without either flag the dependant is aborted, transitively (Debusine `test_dependencies_aborted`).
        var untolerated = try workflow(xResult: .none, yStatus: .completed)
        untolerated = untolerated.replacing(try #require(untolerated[2]).markedAborted(at: now))
        #expect(try untolerated.applyingTermination(of: 2, at: now).aborted == [4, 5])
    }

    @Test("adding a completed or aborted dependency does not re-block a PENDING work request (Debusine `test_add_dependency_no_auto_block_already_aborted`)")
    func addingTerminatedDependency() throws {
        for status in [WorkRequestStatus.aborted, .completed] {
            let graph = try WorkRequestGraph([
                Fixture.runningWorkflow(1),
                Fixture.workRequest(2, status: status, parent: 1, root: 1, result: status == .completed ? .failure : .none),
                Fixture.workRequest(3, status: .pending, parent: 1, root: 1),
            ])
            let outcome = try graph.addingDependency(3, on: 2)
            #expect(outcome.graph[3]?.status == .pending && outcome.graph[3]?.dependencyIDs == [2])
        }
    }

    @Test("success and skipped unblock; an aborted dependency counts as terminated but not as success")
    func successAndAbortedDependencies() throws {
        for result in [WorkRequestResult.success, .skipped] {
            let outcome = try workflow(xResult: result, yStatus: .completed).applyingTermination(of: 2, at: now)
            #expect(outcome.unblocked == [4])
        }
        var graph = try workflow(xResult: .success, yStatus: .completed)
        graph = graph.replacing(try #require(graph[2]).markedAborted(at: now))
        #expect(try graph.applyingTermination(of: 2, at: now).aborted == [4, 5])
    }

    @Test("a child of a workflow that is not running stays BLOCKED; termination of a non-terminated WR is refused")
    func parentMustRun() throws {
        var graph = try workflow(xResult: .success, yStatus: .completed)
        var parent = try #require(graph[1])
        parent.status = .pending
        graph = graph.replacing(parent)
        #expect(try !graph.canBeUnblocked(4))
        #expect(try graph.applyingTermination(of: 2, at: now).edits.isEmpty)
        #expect(throws: WorkRequestGraphError.self) { try graph.applyingTermination(of: 1, at: now) }
        let unknown = try #require(throws: WorkRequestGraphError.self) {
            try WorkRequestGraph([Fixture.workRequest(4, dependencies: [99])]).isAutomaticallyUnblockable(4)
        }
        #expect(unknown.description == "work request 99, referenced by work request 4, is not loaded")
    }

    @Test("automatically unblockable: deps needs all terminated, incremental always, manual never")
    func automaticallyUnblockable() throws {
        let graph = try WorkRequestGraph([
            Fixture.runningWorkflow(1),
            Fixture.workRequest(2, status: .running, worker: 3, parent: 1, root: 1),
            Fixture.workRequest(4, parent: 1, root: 1, dependencies: [2]),
            Fixture.workRequest(5, parent: 1, root: 1, dependencies: [2], strategy: .incremental),
            Fixture.workRequest(6, parent: 1, root: 1, strategy: .manual),
            Fixture.workRequest(7, parent: 1, root: 1),
        ])
        #expect(try !graph.isAutomaticallyUnblockable(4))
        #expect(try graph.isAutomaticallyUnblockable(5))
        #expect(try !graph.isAutomaticallyUnblockable(6))
        #expect(try graph.unblockingChildren(ofStartedWorkflow: 1, at: now).unblocked == [5, 7])
    }

    @Test("the dependency rule: same workflow root; none outside workflows unless Kiln's standalone opt-in")
    func dependencyRule() throws {
        let graph = try WorkRequestGraph([
            Fixture.workRequest(1, status: .completed, result: .success),
            Fixture.workRequest(2, status: .pending),
            Fixture.workRequest(3, root: 10), Fixture.workRequest(4, root: 11), Fixture.workRequest(5, root: 10),
        ])
        let standalone = try #require(throws: WorkRequestGraphError.self) { try graph.addingDependency(2, on: 1) }
        #expect(standalone.description
            == "work request 2 may not depend on work request 1: work requests outside a workflow may not have dependencies")
        let allowed = try graph.addingDependency(2, on: 1, allowStandalone: true)
        #expect(allowed.graph[2]?.dependencyIDs == [1] && allowed.graph[2]?.status == .pending)
        let crossRoot = try #require(throws: WorkRequestGraphError.self) {
            try graph.addingDependency(3, on: 4, allowStandalone: true)
        }
        #expect(crossRoot.description.hasSuffix("workflow root 10 differs from workflow root 11"))
        #expect(throws: WorkRequestGraphError.self) { try graph.addingDependency(3, on: 1, allowStandalone: true) }
        #expect(throws: WorkRequestGraphError.self) { try graph.addingDependency(3, on: 3) }
        let chained = try graph.addingDependency(3, on: 5).graph
        let cycle = try #require(throws: WorkRequestGraphError.self) { try chained.addingDependency(5, on: 3) }
        #expect(cycle.description.contains("a cycle"))
    }

    @Test("adding an unfinished dependency to a PENDING deps WR moves it back to BLOCKED")
    func addingMovesBackToBlocked() throws {
        let graph = try WorkRequestGraph([
            Fixture.workRequest(1, status: .running, worker: 4, root: 10),
            Fixture.workRequest(2, status: .pending, worker: 5, root: 10),
            Fixture.workRequest(3, status: .running, worker: 6, root: 10),
        ])
        let outcome = try graph.addingDependency(2, on: 1)
        #expect(outcome.graph[2]?.status == .blocked && outcome.graph[2]?.workerID == nil)
        #expect(outcome.edits.first?.before?.status == .pending)
        #expect(throws: WorkRequestGraphError.self) { try graph.addingDependency(3, on: 1) }
    }

    @Test("settling a submitted WR whose dependency already failed aborts it; a succeeded one unblocks it")
    func settling() throws {
        let graph = try WorkRequestGraph([
            Fixture.workRequest(1, status: .completed, result: .failure),
            Fixture.workRequest(2, status: .completed, result: .success),
            Fixture.workRequest(3, dependencies: [1]), Fixture.workRequest(4, dependencies: [2]),
            Fixture.workRequest(5, dependencies: [3]),
        ])
        let failed = try graph.settlingBlocked(3, at: now)
        #expect(failed.aborted == [3, 5])
        let succeeded = try graph.settlingBlocked(4, at: now)
        #expect(succeeded.unblocked == [4] && succeeded.graph[4]?.status == .pending)
        #expect(try graph.settlingBlocked(1, at: now).edits.isEmpty)
    }

    @Test("manual review: logged; accept → PENDING, reject → ABORTED with cascade; only in workflows")
    func manualReview() throws {
        let graph = try WorkRequestGraph([
            Fixture.runningWorkflow(1),
            Fixture.workRequest(2, parent: 1, root: 1, strategy: .manual),
            Fixture.workRequest(3, parent: 1, root: 1, dependencies: [2]),
            Fixture.workRequest(4, strategy: .manual),
        ])
        let accept = ManualUnblockReview(userID: 8, timestamp: now, notes: "fine", action: .accept)
        let accepted = try graph.reviewingManualUnblock(2, review: accept)
        #expect(accepted.graph[2]?.status == .pending)
        #expect(accepted.graph[2]?.workflowData.manualUnblock?.log == [accept])
        let reject = ManualUnblockReview(userID: 8, timestamp: now, action: .reject)
        let rejected = try graph.reviewingManualUnblock(2, review: reject)
        #expect(rejected.aborted == [2, 3] && rejected.graph[2]?.abortedBy == 8)
        #expect(throws: WorkRequestGraphError.self) { try graph.reviewingManualUnblock(4, review: accept) }
        #expect(throws: WorkRequestGraphError.self) { try graph.reviewingManualUnblock(3, review: accept) }
    }

    @Test("workflow completion: aborted, failure, success, and Debusine 0.16 allow_dependency_failures")
    func workflowCompletion() throws {
        func graph(_ children: [WorkRequest], workflowData: WorkflowData = WorkflowData()) throws -> WorkRequestGraph {
            var workflow = Fixture.runningWorkflow(1)
            workflow.workflowData = workflowData
            return try WorkRequestGraph([workflow] + children)
        }
        let ok = Fixture.workRequest(2, status: .completed, parent: 1, root: 1, result: .success)
        let failed = Fixture.workRequest(3, status: .completed, parent: 1, root: 1, result: .failure)
        let aborted = Fixture.workRequest(4, status: .aborted, parent: 1, root: 1)
        let running = Fixture.workRequest(5, status: .running, worker: 1, parent: 1, root: 1)
        #expect(try graph([ok, running]).workflowCompletion(of: 1) == nil)
        #expect(try graph([ok, failed, aborted]).workflowCompletion(of: 1) == .aborted)
        #expect(try graph([ok, failed]).workflowCompletion(of: 1) == .completed(.failure))
        #expect(try graph([ok]).workflowCompletion(of: 1) == .completed(.success))
        var tolerated = failed
        tolerated.workflowData.allowFailure = true
        #expect(try graph([ok, tolerated]).workflowCompletion(of: 1) == .completed(.success))
        #expect(try graph([ok, aborted], workflowData: WorkflowData(allowDependencyFailures: true))
            .workflowCompletion(of: 1) == .completed(.success))
        let retried = Fixture.workRequest(6, status: .completed, parent: 1, root: 1, result: .success)
        var replacement = retried
        replacement.id = 7
        replacement.supersedesID = 3
        #expect(try graph([ok, failed, replacement]).workflowCompletion(of: 1) == .completed(.success))
    }

    @Test("property: an abort cascade never leaves a BLOCKED WR behind an aborted dependency without allow-failure")
    func cascadeProperty() async {
        await propertyCheck(input: Gen.int(in: 0...999).array(of: 2...30)) { seeds in
            guard let graph = Self.randomGraph(seeds),
                let outcome = try? graph.applyingTermination(of: 1, at: Fixture.at(1))
            else {
                Issue.record("cascade failed for \(seeds)")
                return
            }
            for dependant in outcome.graph.all where dependant.status == .blocked {
                for dependencyID in dependant.dependencyIDs {
                    guard let dependency = outcome.graph[dependencyID], dependency.status == .aborted else { continue }
                    #expect(
                        dependency.workflowData.allowFailure || dependant.workflowData.allowDependencyFailures,
                        "work request \(dependant.id) stays blocked behind aborted \(dependencyID) (seeds \(seeds))")
                }
            }
            // Nothing that was not downstream of the aborted root changes.
            for edit in outcome.edits { #expect((try? graph.dependsTransitively(edit.id, on: 1)) == true) }
        }
    }

    /// A DAG from a list of numbers: work request 1 is ABORTED, every other one BLOCKED in one workflow,
    /// each depending on up to two lower ids, some with allow flags.
    static func randomGraph(_ seeds: [Int]) -> WorkRequestGraph? {
        var workRequests = [Fixture.runningWorkflow(100), Fixture.workRequest(
            1, status: .aborted, parent: 100, root: 100,
            workflowData: WorkflowData(allowFailure: seeds[0] % 4 == 0))]
        for (index, seed) in seeds.dropFirst().enumerated() {
            let id = index + 2
            var dependencies: Set<Int> = [1 + seed % (id - 1)]
            if seed % 3 == 0 { dependencies.insert(1 + (seed / 7) % (id - 1)) }
            let data = WorkflowData(allowFailure: seed % 5 == 0, allowDependencyFailures: seed % 7 == 0)
            workRequests.append(
                Fixture.workRequest(id, parent: 100, root: 100, dependencies: dependencies, workflowData: data))
        }
        return try? WorkRequestGraph(workRequests)
    }
}

@Suite("User abort (Debusine `WorkRequest.abort`)")
struct UserAbortTests {
    @Test("aborting a workflow aborts its unfinished, unsuperseded descendants, clears workers, cascades")
    func abortWorkflow() throws {
        let now = Fixture.at(700)
        let graph = try WorkRequestGraph([
            Fixture.runningWorkflow(1),
            Fixture.workRequest(2, status: .running, type: .workflow, parent: 1, root: 1),
            Fixture.workRequest(3, status: .running, worker: 9, parent: 2, root: 1),
            Fixture.workRequest(4, status: .completed, parent: 1, root: 1, result: .success),
            Fixture.workRequest(5, status: .aborted, parent: 1, root: 1),
            Fixture.workRequest(6, status: .pending, worker: 8, parent: 1, root: 1),
            {
                var replacement = Fixture.workRequest(7, status: .blocked, parent: 1, root: 1)
                replacement.supersedesID = 5
                return replacement
            }(),
            Fixture.workRequest(10, status: .blocked, root: 20, dependencies: [3]),
        ])
        let outcome = try graph.abortingByUser(1, user: 42, at: now)
        #expect(outcome.aborted == [1, 2, 3, 6, 7, 10])
        #expect(outcome.workersToStop == [3: 9, 6: 8])
        #expect(outcome.graph[3]?.workerID == nil && outcome.graph[3]?.abortedBy == 42)
        #expect(outcome.graph[4]?.status == .completed)
        #expect(outcome.graph[10]?.abortedBy == nil, "the cascade is the system's, not the user's")
        #expect(throws: WorkRequestGraphError.self) { try graph.abortingByUser(4, user: 42, at: now) }
        #expect(throws: WorkRequestGraphError.self) { try graph.abortingByUser(5, user: 42, at: now) }
    }
}
