import KilnCore
import KilnTestSupport
import Testing

/// Runs the shared scenario table (`KilnTestSupport.LookupScenarios`) against the in-memory store.
@Suite("Lookup scenarios over the in-memory store")
struct LookupScenarioTests {
    let resolver: LookupResolver<InMemoryLookupStore>

    init() throws {
        resolver = LookupResolver(store: try LookupFixture.inMemoryStore())
    }

    /// Checks every row, naming the row on failure; a row set must not be empty, or the test would pass
    /// without checking anything.
    func check(_ scenarios: [LookupScenario], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!scenarios.isEmpty, "no scenarios selected", sourceLocation: sourceLocation)
        for scenario in scenarios {
            #expect(scenario.run(against: resolver) == scenario.expected, "\(scenario)", sourceLocation: sourceLocation)
        }
    }

    @Test("§8 scenario 31: empty lookup") func scenario31() { check(LookupScenarios.spec(31)) }
    @Test("§8 scenario 32: integer lookups") func scenario32() { check(LookupScenarios.spec(32)) }
    @Test("§8 scenario 33: artifact visibility") func scenario33() { check(LookupScenarios.spec(33)) }
    @Test("§8 scenario 34: default category") func scenario34() { check(LookupScenarios.spec(34)) }
    @Test("§8 scenario 35: suite item lookups") func scenario35() { check(LookupScenarios.spec(35)) }
    @Test("§8 scenario 36: traversing past an artifact") func scenario36() { check(LookupScenarios.spec(36)) }
    @Test("§8 scenario 37: result types of dictionary lookups") func scenario37() { check(LookupScenarios.spec(37)) }
    @Test("§8 scenario 38: name and data matchers") func scenario38() { check(LookupScenarios.spec(38)) }
    @Test("§8 scenario 39: list lookups keep order") func scenario39() { check(LookupScenarios.spec(39)) }
    @Test("§8 scenario 40: a failing element fails the list") func scenario40() { check(LookupScenarios.spec(40)) }
    @Test("§8 scenario 41: internal collection and reconstruction") func scenario41() {
        check(LookupScenarios.spec(41))
    }

    @Test("inheritance, visibility and the workspace prefix") func inheritance() {
        check(LookupScenarios.group("inheritance"))
    }
    @Test("debian:suite segment handlers and lookup__binaries") func suite() { check(LookupScenarios.group("suite")) }
    @Test("debian:environments match: segments") func environments() { check(LookupScenarios.group("environments")) }
    @Test("lookupEnvironment augmentation and variant fallback") func lookupEnvironment() {
        check(LookupScenarios.group("lookupEnvironment"))
    }
    @Test("task-configuration, workflow-internal and other categories accept only name:") func nameOnly() {
        check(LookupScenarios.group("name-only"))
    }
    @Test("expected types") func types() { check(LookupScenarios.group("types")) }

    @Test("every row of the table belongs to a test above")
    func everyRowIsChecked() {
        let groups: Set = ["spec", "inheritance", "suite", "environments", "lookupEnvironment", "name-only", "types"]
        for scenario in LookupScenarios.all {
            #expect(groups.contains(scenario.group), "\(scenario)")
            if scenario.group == "spec" { #expect((31...41).contains(scenario.specScenario ?? 0), "\(scenario)") }
        }
    }

    @Test("the resolver's workspace(id:) reads the store")
    func workspaceByID() {
        #expect(resolver.workspace(id: LookupFixture.Workspace.developers)?.name == "developers")
        #expect(resolver.workspace(id: 999) == nil)
    }
}
