import KilnCore
import Testing

@Suite("Tag sets: provenance restrictions, audit, derivation")
struct TagsetTests {
    @Test("only admin may add worker:class: to the worker-provided set (Debusine `server/tests/test_tags.py` `WorkerProvidedTagsTests.test_class`)")
    func scenario49WorkerClassIsAdminOnly() {
        var set = Tagset(kind: .workerProvided)
        set.add(.worker, [TagOntology.workerClass("worker")])
        set.add(.admin, [TagOntology.workerClass("admin")])
        set.add(.system, [TagOntology.workerClass("system")])
        let result = set.finalize()
        #expect(result.tags == ["worker:class:admin"])
        #expect(result.dropped.map(\.tag) == ["worker:class:worker", "worker:class:system"])
        let rule = TagRestrictionRule.prefix(TagOntology.workerClassPrefix, allowed: [.admin])
        #expect(result.dropped.map(\.outcome) == [.dropped(.restricted(rule)), .dropped(.restricted(rule))])
        #expect(result.dropped.map(\.provenance) == [.worker, .system])
    }

    @Test("a prefix rule drops only the prefixed tags of a forbidden provenance (Debusine `utils/tests/test_tag_utils.py` `test_filter_set`)")
    func scenario50PrefixRule() {
        let restrictions = ProvenanceRestrictions(
            name: "test", acceptedProvenances: Set(TagProvenance.allCases),
            rules: [.prefix("group", allowed: [.system])])
        var other = Tagset(restrictions: restrictions)
        // The "other" provenance of Debusine's `test_filter_set`: any provenance not on the allow-list.
        other.add(.worker, ["group:foo", "group:bar", "baz"])
        #expect(other.finalize().tags == ["baz"])
        #expect(Set(other.audit.filter(\.isDropped).map(\.tag)) == ["group:foo", "group:bar"])

        var system = Tagset(restrictions: restrictions)
        system.add(.system, ["group:foo", "group:bar", "baz"])
        #expect(system.finalize().tags == ["baz", "group:bar", "group:foo"])
        #expect(system.audit.allSatisfy { !$0.isDropped })
    }

    @Test("an exact rule guards one tag only")
    func exactRule() {
        let restrictions = ProvenanceRestrictions(
            name: "test", acceptedProvenances: Set(TagProvenance.allCases),
            rules: [.exact("official", allowed: [.admin])])
        var set = Tagset(restrictions: restrictions)
        set.add(.worker, ["official", "officially"])
        set.add(.admin, ["official"])
        #expect(set.finalize().tags == ["official", "officially"])
        #expect(set.audit.first?.description == "dropped official (worker): exact rule 'official' allows only admin")
    }

    @Test("derivation rules see the set before their batch; forbidden derived tags are dropped (Debusine `server/tests/test_tags.py` `test_derivation`, `test_derivation_restrictions`)")
    func scenario51Derivation() throws {
        let batch = TagDerivationBatch(
            provenance: .system, rules: [try TagDerivationRule(condition: "dm or dd", tags: ["debian"])])
        let restrictions = ProvenanceRestrictions(name: "test", acceptedProvenances: [.system], rules: [])
        var withDM = Tagset(restrictions: restrictions, derivationRules: [batch])
        withDM.add(.system, ["dm", "foo"])
        let derived = withDM.finalize()
        #expect(derived.tags == ["debian", "dm", "foo"])
        #expect(derived.audit.last == TagAuditEntry(tag: "debian", provenance: .system, outcome: .added,
                                                     derivedBy: "dm or dd"))

        var withoutDM = Tagset(restrictions: restrictions, derivationRules: [batch])
        withoutDM.add(.system, ["foo"])
        #expect(withoutDM.finalize().tags == ["foo"])

        // A rule of the same batch does not see what another rule derived: "debian" → "umbrella" only
        // fires in a later batch.
        let chained = TagDerivationBatch(
            provenance: .system,
            rules: [try TagDerivationRule(condition: "dm", tags: ["debian"]),
                    try TagDerivationRule(condition: "debian", tags: ["umbrella"])])
        var sameBatch = Tagset(restrictions: restrictions, derivationRules: [chained])
        sameBatch.add(.system, ["dm"])
        #expect(sameBatch.finalize().tags == ["debian", "dm"])
        var twoBatches = Tagset(restrictions: restrictions, derivationRules: [chained, chained])
        twoBatches.add(.system, ["dm"])
        #expect(twoBatches.finalize().tags == ["debian", "dm", "umbrella"])

        // Derived under worker provenance, an admin-only class is dropped and logged.
        let forging = TagDerivationBatch(
            provenance: .worker, rules: [try TagDerivationRule(condition: "big", tags: ["worker:class:large"])])
        var worker = Tagset(kind: .workerProvided, derivationRules: [forging])
        worker.add(.worker, ["big"])
        let result = worker.finalize()
        #expect(result.tags == ["big"])
        #expect(result.dropped == [TagAuditEntry(
            tag: "worker:class:large", provenance: .worker,
            outcome: .dropped(.restricted(.prefix(TagOntology.workerClassPrefix, allowed: [.admin]))),
            derivedBy: "big")])
    }

    @Test("a set refuses provenances it does not accept at all, and says which it accepts")
    func provenanceNotAccepted() {
        var required = Tagset(kind: .workerRequired)
        required.add(.worker, ["ignored"])
        let result = required.finalize()
        #expect(result.tags.isEmpty)
        #expect(result.dropped.first?.outcome == .dropped(.provenanceNotAccepted(set: "worker-required", accepted: [.admin])))
        #expect(result.dropped.first?.description == "dropped ignored (worker): the worker-required set accepts only admin")
    }

    @Test("task-provided: scope, workspace, group and source-package tags are system-only")
    func taskProvidedRestrictions() {
        let systemOnly = [
            TagOntology.taskScope("debian"), TagOntology.taskWorkspace(scope: "debian", workspace: "developers"),
            TagOntology.taskGroup(scope: "debian", workspace: nil, group: "Debian"),
            TagOntology.taskSourcePackage("hello"),
        ]
        for provenance in [TagProvenance.user, .workspace] {
            var set = Tagset(kind: .taskProvided)
            set.add(provenance, systemOnly + ["free"])
            #expect(set.finalize().tags == ["free"])
        }
        var system = Tagset(kind: .taskProvided)
        system.add(.system, systemOnly)
        #expect(system.finalize().tags == systemOnly.sorted())
    }

    @Test("candidates are added under their own provenances; the result is sorted")
    func candidates() {
        var set = Tagset(kind: .taskProvided)
        set.add(CandidateTags([.system: [TagOntology.taskScope("debian"), "b"], .user: ["a", TagOntology.taskScope("evil")]]))
        let result = set.finalize()
        #expect(result.tags == ["a", "b", "task:scope:debian"])
        #expect(result.dropped.map(\.tag) == ["task:scope:evil"])
        #expect(result.audit.filter { !$0.isDropped }.count == 3)
    }
}
