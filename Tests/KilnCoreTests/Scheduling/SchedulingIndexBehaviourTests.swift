import Foundation
import KilnCore
import Testing

@Suite("Scheduling index: order, proposals, events, explain")
struct SchedulingIndexBehaviourTests {
    @Test("static workers are served before pool workers, then by connected_at (Debusine `WorkerQuerySet.waiting_for_work_request`)")
    func servingOrder() throws {
        var index = SchedulingIndex()
        for id in 1...3 {
            try index.addWorkRequest(
                PendingWorkRequest(id: id, taskName: "noop", createdAt: schedulingTime(Double(id)))
            )
        }
        try index.addWorker(SchedulableWorker(id: 1, isPoolWorker: true, connectedAt: schedulingTime(0)))
        try index.addWorker(SchedulableWorker(id: 2, connectedAt: schedulingTime(5)))
        try index.addWorker(SchedulableWorker(id: 3, connectedAt: schedulingTime(2)))
        #expect(index.nextAssignments(limit: 10).map(\.workerID) == [3, 2, 1])
    }

    @Test("priority is not strict — a lower work request runs if only it matches an idle worker (Debusine `server/scheduler.py` `schedule_for_worker`)")
    func priorityIsNotStrict() throws {
        var index = SchedulingIndex()
        try index.addWorkRequest(
            PendingWorkRequest(
                id: 1,
                taskName: "sbuild",
                effectivePriority: 50,
                createdAt: schedulingTime(0),
                requiredTags: ["arch:arm64"]
            )
        )
        try index.addWorkRequest(
            PendingWorkRequest(
                id: 2,
                taskName: "sbuild",
                effectivePriority: 0,
                createdAt: schedulingTime(1),
                requiredTags: ["arch:amd64"]
            )
        )
        try index.addWorker(SchedulableWorker(id: 1, providedTags: ["arch:amd64"], connectedAt: schedulingTime(0)))
        #expect(index.nextAssignments(limit: 10) == [ProposedAssignment(workRequestID: 2, workerID: 1)])
    }

    @Test("the best head across classes wins, whichever class it is in")
    func bestHeadAcrossClasses() throws {
        var index = SchedulingIndex()
        try index.addWorkRequest(
            PendingWorkRequest(id: 1, taskName: "noop", effectivePriority: 1, createdAt: schedulingTime(0))
        )
        try index.addWorkRequest(
            PendingWorkRequest(
                id: 2,
                taskName: "sbuild",
                effectivePriority: 3,
                createdAt: schedulingTime(5),
                requiredTags: ["a"]
            )
        )
        try index.addWorkRequest(
            PendingWorkRequest(
                id: 3,
                taskName: "lintian",
                effectivePriority: 3,
                createdAt: schedulingTime(4),
                providedTags: ["x"]
            )
        )
        try index.addWorker(
            SchedulableWorker(id: 1, providedTags: ["a"], concurrency: 3, connectedAt: schedulingTime(0))
        )
        #expect(index.nextAssignments(limit: 10).map(\.workRequestID) == [3, 2, 1])
        #expect(index.counters.taskClasses == 0)
    }

    @Test("a better work request queued in the newest task class after eligibility was cached is offered first")
    func improvedHeadOfNewestClassIsOffered() throws {
        var index = SchedulingIndex()
        try index.addWorkRequest(PendingWorkRequest(id: 1, taskName: "noop", createdAt: schedulingTime(0)))
        try index.addWorkRequest(PendingWorkRequest(id: 2, taskName: "lintian", createdAt: schedulingTime(1)))
        try index.addWorkRequest(
            PendingWorkRequest(id: 3, taskName: "lintian", effectivePriority: 5, createdAt: schedulingTime(2))
        )
        try index.addWorker(SchedulableWorker(id: 1, concurrency: 5, connectedAt: schedulingTime(0)))
        // The first round caches the worker class's eligibility for both classes (noop, then lintian, the
        // newest) and takes lintian's head.
        #expect(index.nextAssignments(limit: 1).map(\.workRequestID) == [3])
        // noop's head improves: its class gets a valid candidate entry, better than lintian's stale one.
        try index.addWorkRequest(
            PendingWorkRequest(id: 4, taskName: "noop", effectivePriority: 6, createdAt: schedulingTime(3))
        )
        // lintian's head improves beyond it: the newest class must get an entry too, or noop's valid entry
        // would be served first.
        try index.addWorkRequest(
            PendingWorkRequest(id: 5, taskName: "lintian", effectivePriority: 10, createdAt: schedulingTime(4))
        )
        #expect(index.nextAssignments(limit: 1).map(\.workRequestID) == [5])
        #expect(index.nextAssignments(limit: 3).map(\.workRequestID) == [4, 1, 2])
    }

    @Test("batches cut by the limit propose the same pairs as one call")
    func batchesResumeTheRound() throws {
        func world() throws -> SchedulingIndex {
            var index = SchedulingIndex()
            for id in 1...12 {
                try index.addWorkRequest(
                    PendingWorkRequest(id: id, taskName: "noop", createdAt: schedulingTime(Double(id)))
                )
            }
            for id in 1...4 {
                try index.addWorker(SchedulableWorker(id: id, concurrency: id, connectedAt: schedulingTime(Double(id))))
            }
            return index
        }
        var whole = try world()
        let expected = whole.nextAssignments(limit: 100)
        #expect(expected.map(\.workerID) == [1, 2, 3, 4, 2, 3, 4, 3, 4, 4])
        var split = try world()
        var batches: [ProposedAssignment] = []
        for limit in [3, 1, 4, 2, 5] { batches += split.nextAssignments(limit: limit) }
        #expect(batches == expected)
    }

    @Test("confirm counts the work request on the worker; rollbacks put each side back as their reason says")
    func confirmAndRollback() throws {
        var index = SchedulingIndex()
        for id in 1...3 {
            try index.addWorkRequest(
                PendingWorkRequest(id: id, taskName: "noop", createdAt: schedulingTime(Double(id)))
            )
        }
        try index.addWorker(SchedulableWorker(id: 1, concurrency: 3, connectedAt: schedulingTime(0)))
        let proposals = index.nextAssignments(limit: 3)
        #expect(proposals.map(\.workRequestID) == [1, 2, 3])
        #expect(index.freeSlots(ofWorker: 1) == 0)

        try index.confirm(proposals[0])
        #expect(index.worker(id: 1)?.currentLoad == 1)
        #expect(throws: SchedulingIndexError.unknownProposal(proposals[0])) { try index.confirm(proposals[0]) }

        // The work request lost its race: gone from the index, the worker's slot comes back.
        try index.rollback(proposals[1], because: .workRequestTaken)
        #expect(index.pendingWorkRequest(id: 2) == nil)
        #expect(index.freeSlots(ofWorker: 1) == 1)

        // The worker lost its race: the work request is pending again, the worker waits for a re-read.
        try index.rollback(proposals[2], because: .workerChanged)
        #expect(index.pendingWorkRequest(id: 3) != nil)
        #expect(index.freeSlots(ofWorker: 1) == 0)
        #expect(index.nextAssignments(limit: 10).isEmpty)
        try index.updateWorker(SchedulableWorker(id: 1, concurrency: 3, currentLoad: 1, connectedAt: schedulingTime(0)))
        #expect(index.nextAssignments(limit: 10) == [ProposedAssignment(workRequestID: 3, workerID: 1)])

        try index.rollback(ProposedAssignment(workRequestID: 3, workerID: 1), because: .abandoned)
        #expect(index.pendingWorkRequest(id: 3) != nil)
        #expect(index.freeSlots(ofWorker: 1) == 2)
        #expect(index.counters.outstandingProposals == 0)
    }

    @Test(
        "a work request removed while out in a proposal can still be confirmed, and is not brought back by a rollback"
    )
    func removalDuringProposal() throws {
        var index = SchedulingIndex()
        try index.addWorkRequest(PendingWorkRequest(id: 1, taskName: "noop", createdAt: schedulingTime(0)))
        try index.addWorkRequest(PendingWorkRequest(id: 2, taskName: "noop", createdAt: schedulingTime(1)))
        try index.addWorker(SchedulableWorker(id: 1, concurrency: 2, connectedAt: schedulingTime(0)))
        let proposals = index.nextAssignments(limit: 2)
        let removals = [index.removeWorkRequest(id: 1), index.removeWorkRequest(id: 2), index.removeWorkRequest(id: 2)]
        #expect(removals == [true, true, false])
        try index.confirm(proposals[0])
        try index.rollback(proposals[1], because: .abandoned)
        #expect(index.pendingWorkRequest(id: 2) == nil)
        #expect(index.counters.pendingWorkRequests == 0)
        #expect(index.worker(id: 1)?.currentLoad == 1)
    }

    @Test("updates move a work request in the queue; removals take it out")
    func updatesAndRemovals() throws {
        var index = SchedulingIndex()
        try index.addWorkRequest(PendingWorkRequest(id: 1, taskName: "noop", createdAt: schedulingTime(0)))
        try index.addWorkRequest(PendingWorkRequest(id: 2, taskName: "noop", createdAt: schedulingTime(1)))
        try index.addWorkRequest(PendingWorkRequest(id: 3, taskName: "noop", createdAt: schedulingTime(2)))
        try index.updateWorkRequest(
            PendingWorkRequest(id: 3, taskName: "noop", effectivePriority: 5, createdAt: schedulingTime(2))
        )
        let removed = index.removeWorkRequest(id: 1)
        #expect(removed)
        #expect(throws: SchedulingIndexError.duplicateWorkRequest(id: 2)) {
            try index.addWorkRequest(PendingWorkRequest(id: 2, taskName: "noop", createdAt: schedulingTime(1)))
        }
        #expect(throws: SchedulingIndexError.unknownWorkRequest(id: 1)) {
            try index.updateWorkRequest(PendingWorkRequest(id: 1, taskName: "noop", createdAt: schedulingTime(0)))
        }
        try index.addWorker(SchedulableWorker(id: 1, concurrency: 5, connectedAt: schedulingTime(0)))
        #expect(index.nextAssignments(limit: 10).map(\.workRequestID) == [3, 2])
    }

    @Test("worker changes: tags, capacity and removal apply to the next batch; bad capacities are refused")
    func workerChanges() throws {
        var index = SchedulingIndex()
        try index.addWorkRequest(
            PendingWorkRequest(id: 1, taskName: "noop", createdAt: schedulingTime(0), requiredTags: ["a"])
        )
        try index.addWorker(SchedulableWorker(id: 1, connectedAt: schedulingTime(0)))
        #expect(index.nextAssignments(limit: 10).isEmpty)
        try index.updateWorker(
            SchedulableWorker(id: 1, providedTags: ["a"], currentLoad: 1, connectedAt: schedulingTime(0))
        )
        #expect(index.nextAssignments(limit: 10).isEmpty)
        try index.updateWorkerLoad(id: 1, currentLoad: 0)
        #expect(index.counters.workerClasses == 1)
        try index.addWorker(SchedulableWorker(id: 2, providedTags: ["a"], connectedAt: schedulingTime(-1)))
        let removed = index.removeWorker(id: 2)
        #expect(removed)
        #expect(index.nextAssignments(limit: 10) == [ProposedAssignment(workRequestID: 1, workerID: 1)])
        #expect(throws: SchedulingIndexError.invalidCapacity(workerID: 3, concurrency: -1, currentLoad: 0)) {
            try index.addWorker(SchedulableWorker(id: 3, concurrency: -1, connectedAt: schedulingTime(0)))
        }
        #expect(throws: SchedulingIndexError.duplicateWorker(id: 1)) {
            try index.addWorker(SchedulableWorker(id: 1, connectedAt: schedulingTime(0)))
        }
        #expect(throws: SchedulingIndexError.unknownWorker(id: 9)) { try index.updateWorkerLoad(id: 9, currentLoad: 0) }
        #expect(
            SchedulingIndexError.invalidCapacity(workerID: 3, concurrency: -1, currentLoad: 0).description
                == "worker 3 has an invalid capacity: concurrency -1, current load 0 (both must be ≥ 0)"
        )
    }

    @Test("explain: per worker class, the tags each side lacks, task-list refusals and busy workers")
    func explain() throws {
        var index = SchedulingIndex()
        try index.addWorker(SchedulableWorker(id: 1, providedTags: ["arch:amd64"], connectedAt: schedulingTime(0)))
        try index.addWorker(
            SchedulableWorker(id: 2, providedTags: ["arch:amd64"], currentLoad: 1, connectedAt: schedulingTime(1))
        )
        try index.addWorker(
            SchedulableWorker(
                id: 3,
                providedTags: ["arch:arm64"],
                requiredTags: ["scope:debian"],
                connectedAt: schedulingTime(2)
            )
        )
        try index.addWorker(
            SchedulableWorker(
                id: 4,
                providedTags: ["arch:amd64"],
                taskNameFilter: WorkerTaskNameFilter(denylist: ["sbuild"]),
                connectedAt: schedulingTime(3)
            )
        )
        let request = PendingWorkRequest(
            id: 9,
            taskName: "sbuild",
            createdAt: schedulingTime(0),
            requiredTags: ["arch:amd64"]
        )
        let explanation = index.explain(request)
        #expect(explanation.workerClasses.map(\.workerIDs) == [[1, 2], [3], [4]])
        #expect(explanation.workerClasses.map(\.canRun) == [true, false, false])
        #expect(explanation.workerClasses[0].busyWorkers == 1)
        #expect(
            explanation.workerClasses[1].tagMismatch
                == TagMismatch(tagsWorkerLacks: ["arch:amd64"], tagsTaskLacks: ["scope:debian"])
        )
        #expect(explanation.workerClasses[2].taskNameRejection == .denylisted)
        #expect(explanation.matchingWorkers == 2)
        #expect(explanation.busyMatchingWorkers == 1)
        #expect(throws: SchedulingIndexError.unknownWorkRequest(id: 9)) { try index.explain(workRequestID: 9) }
    }

    @Test("counters: classes group work requests and workers; eligibility is cached per class pair")
    func counters() throws {
        var index = SchedulingIndex()
        for id in 1...10 {
            try index.addWorkRequest(
                PendingWorkRequest(
                    id: id,
                    taskName: "sbuild",
                    createdAt: schedulingTime(Double(id)),
                    requiredTags: id.isMultiple(of: 2) ? ["a"] : []
                )
            )
        }
        for id in 1...3 {
            try index.addWorker(SchedulableWorker(id: id, providedTags: ["a"], connectedAt: schedulingTime(0)))
        }
        try index.addWorker(SchedulableWorker(id: 4, connectedAt: schedulingTime(1)))
        #expect(index.counters.taskClasses == 2)
        #expect(index.counters.workerClasses == 2)
        #expect(index.counters.eligiblePairsCached == 0)  // computed on first use
        _ = index.nextAssignments(limit: 100)
        #expect(index.counters.eligiblePairsCached == 3)
        #expect(index.counters.pendingWorkRequests == 6)
        #expect(index.counters.internedTags == 1)
    }

    @Test("many short-lived classes are purged, and scheduling is unaffected")
    func compaction() throws {
        var index = SchedulingIndex()
        try index.addWorker(
            SchedulableWorker(id: 1, providedTags: (0..<40).map { "t\($0)" }, connectedAt: schedulingTime(0))
        )
        for id in 0..<3000 {
            let tags = ["t\(id % 40)", "t\((id / 40) % 40)"]
            try index.addWorkRequest(
                PendingWorkRequest(
                    id: id,
                    taskName: "n\(id % 3)",
                    createdAt: schedulingTime(Double(id)),
                    requiredTags: tags
                )
            )
            if id % 50 == 0 { _ = index.nextAssignments(limit: 1) }
            if id % 7 != 0 { index.removeWorkRequest(id: id) }
        }
        #expect(index.counters.compactions >= 1)
        for proposal in index.outstandingProposals { try index.confirm(proposal) }
        try index.updateWorker(
            SchedulableWorker(
                id: 1,
                providedTags: (0..<40).map { "t\($0)" },
                concurrency: 1_000,
                connectedAt: schedulingTime(0)
            )
        )
        let remaining = (0..<3000).filter { $0 % 7 == 0 && index.pendingWorkRequest(id: $0) != nil }
        #expect(index.nextAssignments(limit: 10_000).map(\.workRequestID) == remaining)
    }
}

@Suite("Scheduling index: task classes project provided tags onto worker-required ones")
struct SchedulingIndexProjectionTests {
    @Test("provided tags no worker requires do not split classes; a worker requiring a new tag reclassifies")
    func projection() throws {
        var index = SchedulingIndex()
        for id in 1...6 {
            try index.addWorkRequest(
                PendingWorkRequest(
                    id: id,
                    taskName: "sbuild",
                    createdAt: schedulingTime(Double(id)),
                    providedTags: ["task:source-package:p\(id)"]
                )
            )
        }
        #expect(index.counters.taskClasses == 1)
        try index.addWorker(
            SchedulableWorker(
                id: 1,
                requiredTags: ["task:source-package:p4"],
                concurrency: 2,
                connectedAt: schedulingTime(0)
            )
        )
        #expect(index.nextAssignments(limit: 10) == [ProposedAssignment(workRequestID: 4, workerID: 1)])
        #expect(index.counters.reclassifications == 1)
        #expect(index.counters.taskClasses == 1)  // p1, p2, p3, p5, p6 share the class "provides nothing required"
        try index.addWorker(SchedulableWorker(id: 2, connectedAt: schedulingTime(1)))
        #expect(index.nextAssignments(limit: 10) == [ProposedAssignment(workRequestID: 1, workerID: 2)])
        #expect(index.counters.reclassifications == 1)
    }
}
