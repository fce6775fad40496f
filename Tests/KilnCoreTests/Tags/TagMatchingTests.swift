import KilnCore
import PropertyBased
import Testing

@Suite("Tag matching: TR ⊆ WP ∧ WR ⊆ TP")
struct TagMatchingTests {
    /// (required, provided, accepted) rows of Debusine's `server/tests/test_scheduler.py`
    /// `test_task_required_tags_enforced`.
    static let scenario17: [([String], [String], Bool)] = [
        ([], [], true), ([], ["a"], true), (["a"], [], false), (["a"], ["a"], true), (["a"], ["b"], false),
        (["a", "b", "c"], ["a", "b"], false), (["a", "b", "c"], ["a", "b", "c"], true),
        (["a", "b", "c"], ["a", "b", "c", "d"], true),
    ]

    @Test("task-required vs worker-provided, and worker-required vs task-provided (Debusine `server/tests/test_scheduler.py` `test_task_required_tags_enforced`, `test_worker_required_tags_enforced`)")
    func scenario17() {
        for (required, provided, accepted) in Self.scenario17 {
            let taskSide = TagMatching.taskCanRun(
                SchedulingTags(required: required), on: SchedulingTags(provided: provided))
            #expect(taskSide == accepted, "TR \(required) WP \(provided)")
            let workerSide = TagMatching.taskCanRun(
                SchedulingTags(provided: provided), on: SchedulingTags(required: required))
            #expect(workerSide == accepted, "WR \(required) TP \(provided)")
        }
    }

    @Test("a worker requiring [pool] takes only the WR that provides pool and needs nothing else (Debusine `server/tests/test_scheduler.py` `test_get_candidate_work_requests_worker`)")
    func scenario18() {
        let worker = WorkerTagComputation.compute(
            WorkerTagInputs(workerType: .external, staticRequiredTags: ["pool"])).scheduling
        let pending = [
            SchedulingTags(provided: ["pool"], required: ["impossible"]),
            SchedulingTags(provided: ["pool"], required: []),
            SchedulingTags(provided: [], required: []),
        ]
        #expect(pending.map { TagMatching.taskCanRun($0, on: worker) } == [false, true, false])
        #expect(TagMatching.explain(pending[0], on: worker).tagsWorkerLacks == ["impossible"])
        #expect(TagMatching.explain(pending[2], on: worker).tagsTaskLacks == ["pool"])
    }

    @Test("explain names both sides' missing tags")
    func explainDescription() {
        let mismatch = TagMatching.explain(
            SchedulingTags(provided: [], required: ["x", "w"]), on: SchedulingTags(provided: ["w"], required: ["p"]))
        #expect(mismatch == TagMismatch(tagsWorkerLacks: ["x"], tagsTaskLacks: ["p"]))
        #expect(mismatch.description
            == "the task requires tags the worker does not provide: x; the worker requires tags the task does not provide: p")
        #expect(TagMatching.explain(SchedulingTags(), on: SchedulingTags()).description == "tags match")
    }

    @Test("property: matching is exactly the subset definition, and explain agrees")
    func matchingIsSubset() async {
        let tags = Gen.int(in: 0...4).array(of: 0...4).map { Set($0.map { "t\($0)" }) }
        await propertyCheck(count: 300, input: tags, tags, tags, tags) { tp, tr, wp, wr in
            let task = SchedulingTags(provided: tp, required: tr)
            let worker = SchedulingTags(provided: wp, required: wr)
            let expected = tr.allSatisfy { wp.contains($0) } && wr.allSatisfy { tp.contains($0) }
            #expect(TagMatching.taskCanRun(task, on: worker) == expected)
            let explanation = TagMatching.explain(task, on: worker)
            #expect(explanation.isMatch == expected)
            #expect(explanation.tagsWorkerLacks == tr.filter { !wp.contains($0) }.sorted())
            #expect(explanation.tagsTaskLacks == wr.filter { !tp.contains($0) }.sorted())
        }
    }
}
