import KilnCore
import Testing

@Suite("Task tag sets (Debusine `DBTask.apply_task_configuration`)")
struct TaskTagComputationTests {
    static let provided = CandidateTags([.system: [TagOntology.taskScope("debian"), TagOntology.taskSourcePackage("hello")]])
    static let required = CandidateTags([.system: [TagOntology.workerType(.external)]])

    @Test("early sets are the candidates through the restrictions")
    func early() {
        let early = TaskTagComputation.earlySets(
            provided: Self.provided.adding(CandidateTags([.user: [TagOntology.taskScope("forged"), "nice"]])),
            required: Self.required)
        #expect(early.provided.tags == ["nice", "task:scope:debian", "task:source-package:hello"])
        #expect(early.provided.dropped.map(\.tag) == ["task:scope:forged"])
        #expect(early.required.tags == ["worker:type:external"])
    }

    @Test("final sets add configuration tags with workspace provenance; a workspace cannot forge system tags")
    func final() {
        let sets = TaskTagComputation.finalSets(
            provided: Self.provided, required: Self.required,
            configurationProvides: ["pa", TagOntology.taskScope("acme")],
            configurationRequires: [TagOntology.workerClass("large")])
        #expect(sets.provided.tags == ["pa", "task:scope:debian", "task:source-package:hello"])
        #expect(sets.provided.dropped == [TagAuditEntry(
            tag: "task:scope:acme", provenance: .workspace,
            outcome: .dropped(.restricted(.prefix(TagOntology.taskScopePrefix, allowed: [.system]))))])
        #expect(sets.required.tags == ["worker:class:large", "worker:type:external"])
        #expect(sets.required.audit.first == TagAuditEntry(tag: "worker:class:large", provenance: .workspace, outcome: .added))
    }

    @Test("task-required takes no user provenance (Debusine 0.16 code)")
    func requiredRefusesUser() {
        let sets = TaskTagComputation.earlySets(provided: CandidateTags(), required: CandidateTags([.user: ["x"]]))
        #expect(sets.required.tags.isEmpty)
        #expect(sets.required.dropped.count == 1)
    }
}
