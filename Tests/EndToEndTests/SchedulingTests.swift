import Foundation
import KilnCore
import KilnTestSupport
import Testing

/// Queue order, dependencies and the fallback architecture, observed through real assignments: the work
/// requests are queued while no worker can take them, then one worker at concurrency 1 runs them one after
/// another, so the order it logs `assignment started` is the scheduler's order.
@Suite("End to end: scheduling order, dependencies, fallback architecture", .serialized, .timeLimit(.minutes(3)))
struct SchedulingTests {
    /// No scheduler at first: a test edits rows the scheduler would already have read, then starts it, and
    /// its start-up rebuild reads them as edited.
    static let schedulerStartedLater: StackOptions = {
        var options = StackOptions()
        options.schedulers = 0
        return options
    }()

    /// Waits until every id is pending (queued, tags frozen).
    static func waitPending(_ ids: [Int], _ stack: KilnStack) async throws {
        for id in ids { try await stack.cli.waitFor(id, "is pending") { $0.status == "pending" } }
    }

    @Test("priorities (0,0), (0,10), (10,0), (10,1) are assigned highest effective priority first (Debusine `server/tests/test_scheduler.py` `test_highest_priority_work_request_is_picked_first`)")
    func scenario9Priorities() async throws {
        try await KilnStack.with(Self.schedulerStartedLater) { stack in
            _ = try await DebianWorld.create(in: stack)
            // (base, adjustment). `kiln submit --priority` sets the base; the adjustment is an admin's knob
            // with no CLI command, so it is written in SQL before the scheduler starts (it reads a work
            // request's priority when the request becomes pending).
            let priorities = [(0, 0), (0, 10), (10, 0), (10, 1)]
            var ids: [Int] = []
            for (base, adjustment) in priorities {
                let id = try await stack.cli.submit("noop", data: ["result": "success"], priority: base)
                try await stack.database.pool.query(
                    "UPDATE work_requests SET priority_adjustment = $1 WHERE id = $2", adjustment, id)
                ids.append(id)
            }
            try await Self.waitPending(ids, stack)
            _ = try await stack.startService("scheduler", replica: 0)
            let worker = try await StackWorker.start(WorkerSpec(host: "solo"), in: stack)
            for id in ids { try await stack.cli.waitFor(id, "is completed") { $0.isFinished } }
            // Effective priorities 0, 10, 10, 11: (10,1) first; the two 10s by age ((0,10) is older).
            #expect(worker.workRequests(logged: "assignment started") == [ids[3], ids[1], ids[2], ids[0]])
        }
    }

    @Test("at equal priority, created_at +1 s, 0 s, +2 s are assigned oldest first (Debusine `server/tests/test_scheduler.py` `test_oldest_work_request_is_picked_first`)")
    func scenario10Age() async throws {
        try await KilnStack.with(Self.schedulerStartedLater) { stack in
            _ = try await DebianWorld.create(in: stack)
            var ids: [Int] = []
            for _ in 0..<3 { ids.append(try await stack.cli.submit("noop", data: ["result": "success"])) }
            // Ages that differ from id order, so assigning by id would fail this test. `created_at` has no CLI
            // knob (it is when `kiln submit` ran), so the offsets are set in SQL before the scheduler starts
            // (it reads a work request's age when the request becomes pending).
            for (id, offset) in zip(ids, [1, 0, 2]) {
                try await stack.database.pool.query(
                    "UPDATE work_requests SET created_at = now() - interval '1 hour' + $1::int * interval '1 second' WHERE id = $2",
                    offset, id)
            }
            try await Self.waitPending(ids, stack)
            _ = try await stack.startService("scheduler", replica: 0)
            let worker = try await StackWorker.start(WorkerSpec(host: "solo"), in: stack)
            for id in ids { try await stack.cli.waitFor(id, "is completed") { $0.isFinished } }
            #expect(worker.workRequests(logged: "assignment started") == [ids[1], ids[0], ids[2]])
        }
    }

    @Test("a failed dependency aborts its dependant; with allow_failure the dependant runs; each completed run is recorded in the task history (Debusine `db/models/tests/test_work_requests.py` `test_dependencies_failure`, `test_dependencies_failure_allow_failure`, `test_record_in_task_history`)")
    func scenario29Dependencies() async throws {
        try await KilnStack.with { stack in
            // `kiln workspace create` made debian/developers' task history, as Debusine's `workspace define` does.
            _ = try await DebianWorld.create(in: stack)
            let failing = try await stack.cli.submit("noop", data: ["result": "failure"])
            let dependant = try await stack.cli.submit("noop", data: ["result": "success"], dependsOn: [failing])
            let tolerated = try await stack.cli.submit("noop", data: ["result": "failure"])
            let tolerant = try await stack.cli.submit("noop", data: ["result": "success"], dependsOn: [tolerated])
            // `allow_failure` is set by workflows in Debusine; `kiln submit` has no flag for it, so it is set in
            // SQL before any worker can run the work request.
            try await stack.database.pool.query(
                "UPDATE work_requests SET workflow_data = workflow_data || '{\"allow_failure\": true}'::jsonb WHERE id = $1",
                tolerated)
            #expect(try await stack.cli.show(dependant).status == "blocked")
            _ = try await StackWorker.start(WorkerSpec(host: "solo"), in: stack)

            let failed = try await stack.cli.waitFor(failing, "is completed") { $0.isFinished }
            #expect(failed.status == "completed" && failed.result == "failure")
            let aborted = try await stack.cli.waitFor(dependant, "is aborted") { $0.isFinished }
            #expect(aborted.status == "aborted")
            let ran = try await stack.cli.waitFor(tolerant, "is completed") { $0.isFinished }
            #expect(ran.status == "completed" && ran.result == "success")
            #expect(try await stack.cli.show(tolerated).result == "failure")
            // The worker-gateway recorded each completed run as it completed it; the aborted one left nothing.
            let runs = try await stack.cli.json(
                [[String: JSONValue]].self,
                ["collection", "list", "_@debusine:task-history", "--workspace", "debian/developers"])
            #expect(
                Set(runs.compactMap { $0["name"]?.stringValue })
                    == Set([failing, tolerated, tolerant].map { "Worker:noop:::\($0)" }), "\(runs)")
            #expect(
                runs.allSatisfy { ($0["data"]?.objectValue?["runtime_statistics"]?.objectValue?["duration"]) != nil },
                "\(runs)")
        }
    }

    @Test("submit --wait answers once the services have configured and tagged the work request, as Debusine's API answers a creation after `mark_pending` (`server/views/work_requests.py` `WorkRequestViewSet.post`); without a tag-computer it times out naming the stage")
    func submitWaitsPastPendingStages() async throws {
        var options = StackOptions()
        options.tagComputers = 0
        try await KilnStack.with(options) { stack in
            _ = try await DebianWorld.create(in: stack)
            let stuck = try await stack.cli.attempt(
                ["submit", "noop", "--workspace", "debian/developers", "--wait", "--timeout", "2s", "--json"])
            #expect(stuck.status == 69, "\(stuck)")
            #expect(stuck.stderr.contains("is still inputs-resolved"), "\(stuck)")
            #expect(stuck.stderr.contains("kiln explain"), "\(stuck)")

            _ = try await stack.startService("tag-computer", replica: 0)
            let answered = try await stack.cli.run(
                ["submit", "noop", "--workspace", "debian/developers", "--set", "result=failure", "--wait", "--json"])
            let answer = try #require(
                try JSONSerialization.jsonObject(with: Data(answered.stdout.utf8)) as? [String: Any])
            let id = try #require(answer["id"] as? Int)
            #expect(answer["status"] as? String == "pending" && answer["pending_stage"] is NSNull, "\(answer)")
            let shown = try await stack.cli.show(id)
            #expect(answer["scheduler_tags_required"] as? [String] == shown.required.sorted())
            #expect((answer["scheduler_tags_required"] as? [String])?.contains("worker:task:worker:noop:version:1") == true)
        }
    }

    @Test(
        "an sbuild without build_architecture requires worker:build-arch:<KILN_FALLBACK_ARCHITECTURE>, whatever the workers are (Debusine `tasks/inputs/inputs.py` `BuildArchitectureInput`)",
        .enabled(if: HostCapabilities.unshareUsable, "unshare --user does not work here"))
    func fallbackArchitecture() async throws {
        var options = StackOptions()
        options.serviceEnvironment["KILN_FALLBACK_ARCHITECTURE"] = "s390x"
        try await KilnStack.with(options) { stack in
            let world = try await DebianWorld.create(in: stack)
            let amd64 = try await StackWorker.start(WorkerSpec(host: "amd64-host", withSbuild: true), in: stack)
            let arm64 = try await StackWorker.start(
                WorkerSpec(host: "arm64-host", architectures: ["arm64"], withSbuild: true), in: stack)
            let id = try await stack.cli.submit("sbuild", data: DebianWorld.sbuild(world.hello, architecture: nil))
            let pending = try await stack.cli.waitFor(id, "is pending") { $0.status == "pending" }
            #expect(pending.required.contains("worker:build-arch:s390x"), "TR = \(pending.required)")
            #expect(!pending.required.contains("worker:build-arch:amd64"))
            let explanation = try await stack.cli.json(Explanation.self, ["explain", String(id)])
            #expect(explanation.workerClasses.allSatisfy { !$0.canRun && $0.tagsWorkerLacks.contains("worker:build-arch:s390x") })

            let s390x = try await StackWorker.start(
                WorkerSpec(host: "s390x-host", architectures: ["s390x"], withSbuild: true), in: stack)
            let shown = try await stack.cli.waitFor(id, "is completed") { $0.isFinished }
            #expect(shown.worker == s390x.name)
            #expect(!amd64.ran(id) && !arm64.ran(id))
        }
    }
}
