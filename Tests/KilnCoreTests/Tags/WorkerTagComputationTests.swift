import KilnCore
import Testing

@Suite("Worker tag sets (Debusine `get_provided_worker_tags`, `get_required_task_tags`)")
struct WorkerTagComputationTests {
    @Test("celery worker's provided tags merge dynamic, static and its type (Debusine `server/tests/test_scheduler.py` `test_get_provided_worker_tags_worker`)")
    func scenario19() throws {
        func provided(dynamic: JSONValue, static staticTags: JSONValue) throws -> [String] {
            let inputs = try WorkerTagInputs(
                workerType: .celery, staticMetadata: ["provided_tags": staticTags],
                dynamicMetadata: ["provided_tags": dynamic])
            return WorkerTagComputation.compute(inputs).provided.tags
        }
        #expect(try provided(dynamic: ["a", "b"], static: []) == ["a", "b", "worker:type:celery"])
        #expect(try provided(dynamic: ["a"], static: ["b"]) == ["a", "b", "worker:type:celery"])
        #expect(try provided(dynamic: nil, static: nil) == ["worker:type:celery"])
        // The celery worker also reports its own type and its server tasks' tags; its self-reported type is dropped,
        // the system one stays.
        let reported = [TagOntology.workerType(.celery),
                        TagOntology.workerTask(type: .server, name: "servernoop", version: 1)]
        let sets = WorkerTagComputation.compute(WorkerTagInputs(workerType: .celery, dynamicProvidedTags: reported))
        #expect(sets.provided.tags == ["worker:task:server:servernoop:version:1", "worker:type:celery"])
        #expect(sets.provided.dropped.map(\.provenance) == [.worker])
    }

    @Test("a worker cannot claim another worker type (Debusine `server/tests/test_scheduler.py` `test_get_provided_worker_tags_worker_type`)")
    func scenario20() {
        let sets = WorkerTagComputation.compute(WorkerTagInputs(
            workerType: .external, dynamicProvidedTags: [TagOntology.workerType(.signing)]))
        #expect(sets.provided.tags.filter { $0.hasPrefix(TagOntology.workerTypePrefix) } == ["worker:type:external"])
        #expect(sets.provided.dropped.map(\.tag) == ["worker:type:signing"])
        #expect(sets.provided.dropped.first?.description
            == "dropped worker:type:signing (worker): prefix rule 'worker:type:*' allows only system")
    }

    @Test("dynamic required_tags are ignored, static ones required (Debusine `server/tests/test_scheduler.py` `test_get_required_task_tags_worker`)")
    func scenario21() throws {
        let inputs = try WorkerTagInputs(
            workerType: .external, staticMetadata: ["required_tags": ["required"]],
            dynamicMetadata: ["required_tags": ["ignored"]])
        let sets = WorkerTagComputation.compute(inputs)
        #expect(sets.required.tags == ["required"])
        #expect(sets.required.dropped.map(\.tag) == ["ignored"])
    }

    @Test("malformed tag lists in metadata are refused naming the key and value")
    func malformedMetadata() {
        #expect(throws: WorkerMetadataError(source: "dynamic metadata", key: "provided_tags", found: ["a", 3])) {
            try WorkerTagInputs(workerType: .external, staticMetadata: [:], dynamicMetadata: ["provided_tags": ["a", 3]])
        }
        let error = WorkerMetadataError(source: "static metadata", key: "required_tags", found: "x")
        #expect(error.description == #"static metadata key 'required_tags' must be a list of strings or null, found string "x""#)
    }
}
