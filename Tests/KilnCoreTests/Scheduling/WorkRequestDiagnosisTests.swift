import Foundation
import KilnCore
import PropertyBased
import Testing

@Suite("WorkRequestDiagnosis: why a work request is not running (kiln explain)")
struct WorkRequestDiagnosisTests {
    static let amd64 = ["worker:build-arch:amd64", "worker:class:external"]
    static let arm64 = ["worker:build-arch:arm64", "worker:class:external"]

    static func pendingSbuild(provided: [String] = ["task:scope:debian"]) -> DiagnosedWorkRequest {
        DiagnosedWorkRequest(
            id: 7,
            taskName: "sbuild",
            status: .pending,
            providedTags: provided,
            requiredTags: ["worker:build-arch:arm64", "worker:class:external"]
        )
    }

    @Test(
        "workers with the same tags and task lists form one class; matching workers counted idle/busy/offline/disabled"
    )
    func matchingWorkersByAvailability() {
        let workers = [
            DiagnosedWorker(id: 1, name: "arm-a", providedTags: Self.arm64),
            DiagnosedWorker(id: 2, name: "arm-b", concurrency: 2, currentLoad: 2, providedTags: Self.arm64),
            DiagnosedWorker(id: 3, name: "arm-c", connected: false, providedTags: Self.arm64),
            DiagnosedWorker(id: 4, name: "arm-d", enabled: false, connected: false, providedTags: Self.arm64),
            DiagnosedWorker(id: 5, name: "amd-a", providedTags: Self.amd64),
        ]
        let diagnosis = WorkRequestDiagnosis(workRequest: Self.pendingSbuild(), workers: workers)
        #expect(diagnosis.state == .waitingForWorker)
        #expect(diagnosis.workerClasses.count == 2)
        // Classes come in the order of their first worker by name.
        #expect(diagnosis.workerClasses.map(\.workerNames) == [["amd-a"], ["arm-a", "arm-b", "arm-c", "arm-d"]])
        #expect(diagnosis.matchingClasses.map(\.workerNames) == [["arm-a", "arm-b", "arm-c", "arm-d"]])
        #expect(diagnosis.matchingWorkers == WorkerStandingCounts(idle: 1, busy: 1, offline: 1, disabled: 1))
        #expect(diagnosis.closestClass == nil)
        #expect(diagnosis.summary.hasPrefix("4 matching workers (1 idle, 1 busy, 1 offline, 1 disabled)"))
        #expect(diagnosis.summary.contains("idle one should be assigned"))
    }

    @Test("a class lacking worker:build-arch:arm64 is told so, and is the closest when nothing matches")
    func classLackingArchitecture() throws {
        let workers = [DiagnosedWorker(id: 1, name: "amd-a", providedTags: Self.amd64)]
        let diagnosis = WorkRequestDiagnosis(workRequest: Self.pendingSbuild(), workers: workers)
        let amd = try #require(diagnosis.workerClasses.first)
        #expect(!amd.canRun)
        #expect(amd.tagMismatch.tagsWorkerLacks == ["worker:build-arch:arm64"])
        #expect(amd.tagMismatch.tagsTaskLacks.isEmpty)
        #expect(amd.reasons == ["it lacks required tags: worker:build-arch:arm64"])
        #expect(diagnosis.closestClass == amd)
        #expect(diagnosis.summary.hasPrefix("no worker can run it; the closest class (amd-a)"))
    }

    @Test("a worker requiring task:scope:acme refuses a task that does not provide it")
    func workerRequiringScope() throws {
        let workers = [
            DiagnosedWorker(id: 1, name: "acme-arm", providedTags: Self.arm64, requiredTags: ["task:scope:acme"])
        ]
        let refused = WorkRequestDiagnosis(workRequest: Self.pendingSbuild(), workers: workers)
        let acme = try #require(refused.workerClasses.first)
        #expect(acme.tagMismatch.tagsTaskLacks == ["task:scope:acme"])
        #expect(acme.tagMismatch.tagsWorkerLacks.isEmpty)
        #expect(acme.reasons == ["it requires tags the task does not provide: task:scope:acme"])
        #expect(refused.matchingWorkers.total == 0)

        let accepted = WorkRequestDiagnosis(
            workRequest: Self.pendingSbuild(provided: ["task:scope:acme"]),
            workers: workers
        )
        #expect(accepted.matchingWorkers == WorkerStandingCounts(idle: 1))
    }

    @Test("task lists: a denylist and an allowlist refuse the task name; the allowlist wins")
    func taskLists() throws {
        let workers = [
            DiagnosedWorker(
                id: 1,
                name: "deny",
                providedTags: Self.arm64,
                taskNameFilter: WorkerTaskNameFilter(denylist: ["sbuild"])
            ),
            DiagnosedWorker(
                id: 2,
                name: "allow",
                providedTags: Self.arm64,
                taskNameFilter: WorkerTaskNameFilter(allowlist: ["lintian"], denylist: [])
            ),
            DiagnosedWorker(
                id: 3,
                name: "both",
                providedTags: Self.arm64,
                taskNameFilter: WorkerTaskNameFilter(allowlist: ["sbuild"], denylist: ["sbuild"])
            ),
        ]
        let diagnosis = WorkRequestDiagnosis(workRequest: Self.pendingSbuild(), workers: workers)
        let byName = Dictionary(uniqueKeysWithValues: diagnosis.workerClasses.map { ($0.workerNames[0], $0) })
        #expect(byName["deny"]?.taskNameRejection == .denylisted)
        #expect(byName["deny"]?.reasons == ["its tasks_denylist includes the task"])
        #expect(byName["allow"]?.taskNameRejection == .notInAllowlist)
        #expect(byName["allow"]?.reasons == ["its tasks_allowlist (lintian) does not include the task"])
        #expect(byName["both"]?.canRun == true)
        #expect(diagnosis.matchingClasses.map(\.workerNames) == [["both"]])
    }

    /// Debusine `server/scheduler.py` `get_candidate_work_requests`: `if tasks_allowlist is not None` (an empty list
    /// lets nothing run) and `task_name__in` (exact names).
    @Test("an empty allowlist lets nothing run; names compare exactly")
    func emptyAllowlistAndExactNames() {
        #expect(!WorkerTaskNameFilter(allowlist: []).permits(taskName: "sbuild"))
        #expect(WorkerTaskNameFilter(allowlist: nil).permits(taskName: "sbuild"))
        #expect(!WorkerTaskNameFilter(allowlist: ["Sbuild"]).permits(taskName: "sbuild"))
        #expect(WorkerTaskNameFilter(denylist: ["SBUILD"]).permits(taskName: "sbuild"))
        #expect(!WorkerTaskNameFilter(allowlist: [], denylist: []).permits(taskName: "noop"))
    }

    @Test("the closest class misses the fewest things; the larger class wins a tie")
    func closestClass() {
        let workers = [
            DiagnosedWorker(id: 1, name: "a-far", providedTags: ["worker:class:external"], requiredTags: ["x", "y"]),
            DiagnosedWorker(id: 2, name: "b-one", providedTags: Self.amd64),
            DiagnosedWorker(id: 3, name: "c-one", providedTags: Self.arm64, requiredTags: ["task:scope:acme"]),
            DiagnosedWorker(id: 4, name: "d-one", providedTags: Self.arm64, requiredTags: ["task:scope:acme"]),
        ]
        let diagnosis = WorkRequestDiagnosis(workRequest: Self.pendingSbuild(), workers: workers)
        #expect(diagnosis.closestClass?.workerNames == ["c-one", "d-one"])
    }

    @Test("matching workers all busy, or all switched off")
    func matchingButUnavailable() {
        let busy = WorkRequestDiagnosis(
            workRequest: Self.pendingSbuild(),
            workers: [DiagnosedWorker(id: 1, name: "arm", currentLoad: 1, providedTags: Self.arm64)]
        )
        #expect(
            busy.summary
                == "1 matching worker (0 idle, 1 busy, 0 offline, 0 disabled): waiting for a busy one to free a slot"
        )
        let off = WorkRequestDiagnosis(
            workRequest: Self.pendingSbuild(),
            workers: [DiagnosedWorker(id: 1, name: "arm", enabled: false, providedTags: Self.arm64)]
        )
        #expect(off.summary.hasSuffix("none of them is connected and enabled"))
        let none = WorkRequestDiagnosis(workRequest: Self.pendingSbuild(), workers: [])
        #expect(none.summary == "no worker can run it: no worker is registered")
    }

    @Test("not waiting for a worker: blocked, being unblocked, assigned, running, completed, aborted")
    func statesOtherThanPending() {
        func state(_ request: DiagnosedWorkRequest) -> WorkRequestWaitState {
            let diagnosis = WorkRequestDiagnosis(
                workRequest: request,
                workers: [DiagnosedWorker(id: 1, name: "w", providedTags: Self.arm64)]
            )
            #expect(diagnosis.workerClasses.isEmpty, "classes are only computed while waiting for a worker")
            return diagnosis.state
        }
        let blocked = state(
            DiagnosedWorkRequest(
                id: 3,
                taskName: "noop",
                status: .blocked,
                dependencies: [
                    DependencyStatus(id: 1, status: .completed, result: .success),
                    DependencyStatus(id: 2, status: .running),
                ]
            )
        )
        #expect(blocked == .blockedOnDependencies([DependencyStatus(id: 2, status: .running)]))
        #expect(blocked.description == "blocked on dependencies: 2 (running)")
        #expect(
            state(DiagnosedWorkRequest(id: 3, taskName: "noop", status: .blocked, unblockStrategy: .manual))
                == .blockedUntilAccepted
        )
        let lookups = state(DiagnosedWorkRequest(id: 3, taskName: "noop", status: .pending, pendingStage: .requested))
        #expect(lookups == .waitingForLookupResolver)
        #expect(lookups.description.contains("lookup-resolver"))
        let tags = state(
            DiagnosedWorkRequest(id: 3, taskName: "noop", status: .pending, pendingStage: .inputsResolved)
        )
        #expect(tags.description.contains("tag-computer"))
        #expect(
            state(DiagnosedWorkRequest(id: 3, taskName: "noop", status: .pending, workerName: "w"))
                == .assigned(worker: "w")
        )
        #expect(
            state(DiagnosedWorkRequest(id: 3, taskType: .wait, taskName: "delay", status: .pending))
                == .waitingForServer
        )
        #expect(
            state(DiagnosedWorkRequest(id: 3, taskName: "noop", status: .running, workerName: "w")).description
                == "running on worker w"
        )
        let completed = state(
            DiagnosedWorkRequest(id: 3, taskName: "noop", status: .completed, result: .failure, errors: ["boom"])
        )
        #expect(completed.description == "completed with result failure: boom")
        #expect(state(DiagnosedWorkRequest(id: 3, taskName: "noop", status: .aborted)).code == "aborted")
    }

    @Test("a class can run the task exactly when TagMatching and the task lists agree")
    func agreesWithTagMatching() async {
        let pool = ["a", "b", "c", "d"]
        await propertyCheck(input: Gen.int(in: 0...15).array(of: 4...4)) { masks in
            func tags(_ mask: Int) -> [String] { pool.indices.filter { mask & (1 << $0) != 0 }.map { pool[$0] } }
            let request = DiagnosedWorkRequest(
                id: 1,
                taskName: "noop",
                status: .pending,
                providedTags: tags(masks[0]),
                requiredTags: tags(masks[1])
            )
            let worker = DiagnosedWorker(id: 1, name: "w", providedTags: tags(masks[2]), requiredTags: tags(masks[3]))
            let diagnosis = WorkRequestDiagnosis(workRequest: request, workers: [worker])
            let expected = TagMatching.taskCanRun(
                SchedulingTags(provided: request.providedTags, required: request.requiredTags),
                on: SchedulingTags(provided: worker.providedTags, required: worker.requiredTags)
            )
            #expect(diagnosis.workerClasses.first?.canRun == expected)
            #expect((diagnosis.workerClasses.first?.distance == 0) == expected)
        }
    }
}
