import KilnCore
import KilnTestSupport
import Testing

/// Runs the shared scenario table (`KilnTestSupport.LookupScenarios`) against the in-memory store. Rows 31–41 mirror
/// Debusine's `server/collections/tests/test_lookup.py`, named in each test.
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

    @Test("empty lookup (Debusine `test_empty_lookup`)") func scenario31() { check(LookupScenarios.spec(31)) }
    @Test("integer lookups (Debusine `test_specific_artifact_integer`)") func scenario32() { check(LookupScenarios.spec(32)) }
    @Test("artifact visibility (Debusine `test_specific_artifact_restricts_workspace`)") func scenario33() { check(LookupScenarios.spec(33)) }
    @Test("default category (Debusine `test_implicit_category`)") func scenario34() { check(LookupScenarios.spec(34)) }
    @Test("suite item lookups (Debusine `test_collection_member`)") func scenario35() { check(LookupScenarios.spec(35)) }
    @Test("traversing past an artifact (Debusine `test_no_lookup_through_artifact`)") func scenario36() { check(LookupScenarios.spec(36)) }
    @Test("result types of dictionary lookups (Debusine `LookupMultipleTests.test_expect_type`)") func scenario37() { check(LookupScenarios.spec(37)) }
    @Test("name and data matchers (Debusine `test_name_matcher`, `test_data_matchers`)") func scenario38() { check(LookupScenarios.spec(38)) }
    @Test("list lookups keep order (Debusine `test_alternatives`)") func scenario39() { check(LookupScenarios.spec(39)) }
    @Test("a failing element fails the list (Debusine `test_artifact_expired`)") func scenario40() { check(LookupScenarios.spec(40)) }
    @Test("internal collection and reconstruction (Debusine `test_internal_collection`, `ReconstructLookupTests`)") func scenario41() {
        check(LookupScenarios.spec(41))
    }

    @Test("inheritance, visibility and the workspace prefix") func inheritance() {
        check(LookupScenarios.group("inheritance"))
    }
    @Test("debian:suite segment handlers and lookup__binaries") func suite() { check(LookupScenarios.group("suite")) }
    @Test("debian:archive segment handlers over the exported suites (Debusine `DebianArchiveManager.do_lookup`)")
    func archive() { check(LookupScenarios.group("archive")) }
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
        let groups: Set = ["spec", "inheritance", "suite", "archive", "environments", "lookupEnvironment", "name-only", "types"]
        for scenario in LookupScenarios.all {
            #expect(groups.contains(scenario.group), "\(scenario)")
            if scenario.group == "spec" { #expect((31...41).contains(scenario.specScenario ?? 0), "\(scenario)") }
        }
    }

    // Debusine 0.16 `server/collections/tests/test_lookup.py` `ReconstructLookupTests` (`test_artifact`,
    // `test_collection`, `test_collection_item`): results that came from no single lookup, built by hand as
    // Debusine's `make_result` builds them.
    @Test("reconstructing results built without a single lookup: item, artifact, collection, internal collection")
    func reconstructHandBuiltResults() throws {
        let store = try LookupFixture.inMemoryStore()
        let artifact = try #require(store.artifact(id: 42))
        let internalCollection = try #require(store.collection(id: LookupFixture.Collection.workflowInternal))
        let inWorkflow = LookupContext(
            workspaceID: LookupFixture.Workspace.developers, workflowRootID: LookupFixture.workflowRootID)
        let elsewhere = LookupContext(workspaceID: LookupFixture.Workspace.developers, workflowRootID: 600)
        #expect(resolver.reconstructLookup(LookupResult(resultType: .artifact, artifact: artifact), context: inWorkflow) == "42@artifacts")
        let collection = LookupResult(resultType: .collection, collection: internalCollection)
        #expect(resolver.reconstructLookup(collection, context: inWorkflow) == "internal@collections")
        #expect(resolver.reconstructLookup(collection, context: elsewhere) == "15@collections")
        #expect(resolver.reconstructLookup(collection, context: LookupScenario.developers) == "15@collections")
        let item = try resolver.lookupSingle(
            "bookworm@debian:suite/source:src1", expect: .artifact, defaultCategory: nil, context: LookupScenario.developers)
        var fromDictionary = item
        fromDictionary.singleLookup = nil
        #expect(resolver.reconstructLookup(fromDictionary, context: inWorkflow) == "bookworm@debian:suite/name:src1_1.0")
        #expect(resolver.reconstructLookup(item, context: inWorkflow) == "bookworm@debian:suite/source:src1")
    }

    @Test("the resolver's workspace(id:) reads the store")
    func workspaceByID() {
        #expect(resolver.workspace(id: LookupFixture.Workspace.developers)?.name == "developers")
        #expect(resolver.workspace(id: 999) == nil)
    }
}
