import KilnCore
import PropertyBased
import Testing

@Suite("Provenance restrictions (Debusine `restrictions_when_provided`) as properties")
struct ProvenanceRestrictionPropertyTests {
    /// Debusine's `worker/tags.py` and `tasks/tags.py` `restrictions_when_provided`, restated independently of the
    /// library's tables: (set, restricted prefix, provenances allowed).
    static let restricted: [(TagSetKind, String, Set<TagProvenance>)] = [
        (.workerProvided, "worker:class:", [.admin]), (.workerProvided, "worker:type:", [.system]),
        (.taskProvided, "task:group:", [.system]), (.taskProvided, "task:scope:", [.system]),
        (.taskProvided, "task:workspace:", [.system]), (.taskProvided, "task:source-package:", [.system]),
    ]
    /// The provenances per set (Debusine 0.16 `ProvenanceProvided`, `ProvenanceRequired`: worker-required takes admin
    /// only, task-required no user).
    static let accepted: [TagSetKind: Set<TagProvenance>] = [
        .workerProvided: [.worker, .admin, .system], .workerRequired: [.admin],
        .taskProvided: [.user, .system, .workspace], .taskRequired: [.system, .workspace],
    ]

    @Test("the built-in tables hold exactly Debusine's restrictions")
    func tables() {
        #expect(ProvenanceRestrictions.workerProvided.rules == [
            .prefix("worker:class:", allowed: [.admin]), .prefix("worker:type:", allowed: [.system]),
        ])
        #expect(ProvenanceRestrictions.taskProvided.rules.map(\.allowed) == Array(repeating: [.system], count: 4))
        #expect(ProvenanceRestrictions.workerRequired.rules.isEmpty)
        #expect(ProvenanceRestrictions.taskRequired.rules.isEmpty)
        #expect(ProvenanceRestrictions.workerRequired.acceptedProvenances == [.admin])
        #expect(ProvenanceRestrictions.workerProvided.acceptedProvenances == [.worker, .admin, .system])
        #expect(ProvenanceRestrictions.taskProvided.acceptedProvenances == [.user, .system, .workspace])
        #expect(ProvenanceRestrictions.taskRequired.acceptedProvenances == [.system, .workspace])
    }

    @Test("property: a restricted prefix never survives from a forbidden provenance, and always from an allowed one")
    func restrictedPrefixes() async {
        let suffix = Gen.letterOrNumber.string(of: 0...6)
        await propertyCheck(
            count: 300, input: Gen.int(in: 0...(Self.restricted.count - 1)), suffix,
            Gen.int(in: 0...(TagProvenance.allCases.count - 1))
        ) { ruleIndex, suffix, provenanceIndex in
            let (kind, prefix, allowed) = Self.restricted[ruleIndex]
            let provenance = TagProvenance.allCases[provenanceIndex]
            let tag = prefix + suffix
            var set = Tagset(kind: kind)
            set.add(provenance, [tag])
            let result = set.finalize()
            let survives = Self.accepted[kind, default: []].contains(provenance) && allowed.contains(provenance)
            #expect(result.tags.contains(tag) == survives, "\(tag) from \(provenance) in \(kind)")
            #expect(result.audit.count == 1)
            #expect(result.audit.first?.isDropped == !survives)
        }
    }
}
