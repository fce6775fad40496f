import Foundation
import KilnCore
import KilnTestSupport
import Testing

@testable import Store

/// Holds a value across a `withSynchronousAccess` call on purpose, to show a leaked session refuses work.
private final class LeakedSessionBox: @unchecked Sendable {
    // @unchecked: only touched from inside synchronous-access closures on one connection, one at a time.
    var session: PGSession?
}

extension StoreIntegration {
    @Suite("PostgreSQL lookup store")
    struct PGLookupStoreTests {
        /// Runs `body` on one connection of a fresh, migrated schema, after `populate` has filled it through
        /// `PGLookupStore`'s fixture sink in one transaction.
        static func withPopulatedSchema<Result: Sendable>(
            _ populate: @escaping @Sendable (inout PGLookupStore) throws -> Void,
            _ body: (PGConnection) async throws -> Result
        ) async throws -> Result {
            try await TestDatabase.withSchema { pool, _ in
                try await pool.withConnection { connection in
                    try await connection.withTransaction { connection in
                        try connection.withSynchronousAccess { session in
                            var store = PGLookupStore(session)
                            try populate(&store)
                        }
                    }
                    return try await body(connection)
                }
            }
        }

        static func lookupFixture(_ store: inout PGLookupStore) throws {
            try LookupFixture.populate(&store)
        }

        @Test("every row of LookupScenarios.all gives the in-memory store's answer over PostgreSQL")
        func everyScenarioMatchesInMemory() async throws {
            let memory = LookupResolver(store: try LookupFixture.inMemoryStore())
            try await Self.withPopulatedSchema(Self.lookupFixture) { connection in
                #expect(LookupScenarios.all.count > 50, "the scenario table is the one the core tests use")
                for scenario in LookupScenarios.all {
                    let outcome = try await connection.withSynchronousAccess { session in
                        scenario.run(against: LookupResolver(store: PGLookupStore(session)))
                    }
                    #expect(outcome == scenario.expected, "\(scenario)")
                    #expect(outcome == scenario.run(against: memory), "\(scenario)")
                }
            }
        }

        @Test("records read back equal the fixture's: scope, visibility, ordered inheritance, members, data")
        func recordsRoundTrip() async throws {
            let memory = try LookupFixture.inMemoryStore()
            try await Self.withPopulatedSchema(Self.lookupFixture) { connection in
                let mismatches = try await connection.withSynchronousAccess { session in
                    let store = PGLookupStore(session)
                    var mismatches: [String] = []
                    for (id, expected) in memory.workspaces {
                        if try store.workspace(id: id) != expected { mismatches.append("workspace \(id)") }
                    }
                    for (id, expected) in memory.artifacts {
                        if try store.artifact(id: id) != expected { mismatches.append("artifact \(id)") }
                    }
                    for (id, expected) in memory.collections {
                        if try store.collection(id: id) != expected { mismatches.append("collection \(id)") }
                    }
                    for (id, expected) in memory.items where expected.isActive {
                        let found = try store.activeItems(
                            inCollection: expected.parentCollectionID,
                            matching: ItemFilter(name: ItemMatcher(exactText: expected.name))
                        )
                        if found != [expected] { mismatches.append("item \(id)") }
                    }
                    return mismatches
                }
                #expect(mismatches.isEmpty, "differ from the fixture: \(mismatches)")
            }
        }

        @Test(
            "related artifacts: one per relation, by id, only of the category asked, as the in-memory store gives them"
        )
        func relatedArtifactsMatchInMemory() async throws {
            let memory = try LookupFixture.inMemoryStore()
            let questions: [([Int], ArtifactRelationType, String)] = [
                ([103, 104, 105, 106], .builtUsing, KnownCategories.sourcePackage),
                ([106, 103], .builtUsing, KnownCategories.sourcePackage),
                ([103, 104, 105, 106], .builtUsing, KnownCategories.binaryPackage),
                ([103, 104], .extends, KnownCategories.sourcePackage),
                ([], .builtUsing, KnownCategories.sourcePackage),
            ]
            try await Self.withPopulatedSchema(Self.lookupFixture) { connection in
                let answers = try await connection.withSynchronousAccess { session in
                    try questions.map { ids, type, category in
                        try PGLookupStore(session).relatedArtifacts(of: ids, type: type, category: category)
                    }
                }
                // Debusine's join lists 101 once for each of the three binaries built using it.
                #expect(answers[0].map(\.id) == [100, 101, 101, 101])
                #expect(answers[1].map(\.id) == [100, 101])
                for (question, answer) in zip(questions, answers) {
                    #expect(answer == memory.relatedArtifacts(of: question.0, type: question.1, category: question.2))
                }
                // An artifact whose files are still uploading is no input, related or not.
                let withoutIncomplete = try await connection.withSynchronousAccess { session in
                    _ = try session.query("UPDATE artifacts SET complete = false WHERE id = 100")
                    return try PGLookupStore(session).relatedArtifacts(
                        of: [106, 103],
                        type: .builtUsing,
                        category: KnownCategories.sourcePackage
                    )
                }
                #expect(withoutIncomplete.map(\.id) == [101])
            }
        }

        @Test("a dictionary lookup over many artifact items costs a fixed number of statements (no N+1)")
        func roundTripsDoNotGrowWithItems() async throws {
            try await Self.withPopulatedSchema(Self.lookupFixture) { connection in
                let (count, statements) = try await connection.withSynchronousAccess { session in
                    let results = try LookupResolver(store: PGLookupStore(session)).lookupMultiple(
                        ["collection": "bookworm@debian:suite", "child_type": "artifact"],
                        expect: .artifact,
                        defaultCategory: nil,
                        context: LookupScenario.developers
                    )
                    #expect(results.allSatisfy { $0.artifact != nil }, "every result carries its artifact")
                    return (results.count, session.statementCount)
                }
                #expect(count >= 6)
                // The workspace chain, the collection along it, the items with their artifacts: three.
                #expect(statements == 3, "statements: \(statements) for \(count) results")
            }
        }

        @Test("private workspaces: members see their collections and artifacts, others get 'does not exist'")
        func privateWorkspaceVisibility() async throws {
            try await Self.withPopulatedSchema(Self.lookupFixture) { connection in
                let outcomes = try await connection.withSynchronousAccess { session in
                    [nil, "alice", "bob"].map { user in
                        let context = LookupContext(workspaceID: LookupFixture.Workspace.developers, user: user)
                        return LookupScenario(
                            group: "visibility",
                            "artifact in a private workspace",
                            lookup: 300,
                            expect: .artifact,
                            context: context,
                            expected: .notFound("")
                        ).run(against: LookupResolver(store: PGLookupStore(session)))
                    }
                }
                #expect(outcomes[0] == .notFound("'300@artifacts' does not exist or is hidden"), "anonymous")
                #expect(outcomes[1] == .result(.artifact(300)), "alice is a member")
                #expect(outcomes[2] == .notFound("'300@artifacts' does not exist or is hidden"), "bob is not")
            }
        }

        // MARK: Item filters in SQL

        /// One collection whose items hold `v` as every JSON kind, and names full of LIKE metacharacters.
        static func typedFixture(_ sink: inout some LookupFixtureSink) throws {
            try sink.addWorkspace(WorkspaceRecord(id: 1, scope: "debian", name: "typed"))
            try sink.addCollection(CollectionRecord(id: 1, name: "typed", category: "debusine:test", workspaceID: 1))
            let items: [(name: String, data: [String: JSONValue])] = [
                ("100%", ["v": 123]), ("100 percent", ["v": "123"]), ("a_b", ["v": true]), ("axb", ["v": "true"]),
                ("back\\slash", ["v": .null]), ("backslash", [:]), ("one-and-a-half", ["v": 1.5]),
                ("hundred", ["v": 100.0]), ("list", ["v": [1, 2]]), ("object", ["v": ["b": 1, "a": 2]]),
                ("percent", ["v": "%"]), ("underscore", ["v": "_"]), ("zero", ["v": 0]), ("negative", ["v": -7]),
                ("false", ["v": false]),
            ]
            for (offset, item) in items.enumerated() {
                try sink.addItem(
                    CollectionItemRecord(
                        id: offset + 1,
                        parentCollectionID: 1,
                        name: item.name,
                        childType: .bare,
                        category: "debusine:test",
                        data: item.data
                    )
                )
            }
            // A removed item whose name and data match too much: it must never show.
            try sink.addItem(
                CollectionItemRecord(
                    id: 99,
                    parentCollectionID: 1,
                    name: "100%",
                    childType: .bare,
                    category: "debusine:test",
                    data: ["v": 123],
                    removedAt: Date(timeIntervalSince1970: 5)
                )
            )
        }

        static func typedPGFixture(_ store: inout PGLookupStore) throws { try typedFixture(&store) }

        static func data(_ kind: ItemMatchKind, _ value: JSONValue) throws -> ItemFilter {
            ItemFilter(data: [
                ItemDataCondition(key: "v", test: .matcher(try ItemMatcher(kind: kind, value: value, key: "v")))
            ])
        }

        static func name(_ kind: ItemMatchKind, _ value: JSONValue) throws -> ItemFilter {
            ItemFilter(name: try ItemMatcher(kind: kind, value: value, key: "name"))
        }

        /// Filters SQL decides on its own (strings, booleans, integers), with the item names they select.
        static func sqlDecidedCases() throws -> [(String, ItemFilter, [String])] {
            [
                (
                    "data__v: \"123\" matches the integer and the string", try data(.exact, "123"),
                    ["100%", "100 percent"]
                ),
                ("data__v: 123 matches the same two", try data(.exact, 123), ["100%", "100 percent"]),
                ("data__v: true matches the boolean and the string", try data(.exact, true), ["a_b", "axb"]),
                ("data__v: \"false\"", try data(.exact, "false"), ["false"]),
                ("data__v: \"null\" never matches JSON null", try data(.exact, "null"), []),
                ("data__v: 0", try data(.exact, 0), ["zero"]),
                ("data__v__startswith: \"-\"", try data(.startswith, "-"), ["negative"]),
                ("data__v__in: [123, true]", try data(.in, [123, true]), ["100%", "100 percent", "a_b", "axb"]),
                ("data__v__contains: \"%\" is literal", try data(.contains, "%"), ["percent"]),
                ("data__v__contains: \"_\" is literal", try data(.contains, "_"), ["underscore"]),
                ("name__contains: \"%\" is literal", try name(.contains, "%"), ["100%"]),
                ("name__endswith: \"%\"", try name(.endswith, "%"), ["100%"]),
                ("name__contains: \"_\" is literal", try name(.contains, "_"), ["a_b"]),
                ("name__startswith: \"back\\\\\" is literal", try name(.startswith, "back\\"), ["back\\slash"]),
                ("name__in with a NUL byte matches nothing else", try name(.in, ["a\u{0}b", "axb"]), ["axb"]),
                ("name with a NUL byte matches nothing", try name(.exact, "a\u{0}b"), []),
                (
                    "absent or null",
                    ItemFilter(data: [ItemDataCondition(key: "v", test: .absentOrNull)]),
                    ["back\\slash", "backslash"]
                ),
            ]
        }

        @Test("strings, booleans, integers and null are compared in SQL exactly as ItemFilter.matches does")
        func sqlDecidesScalarComparisons() async throws {
            var memory = InMemoryLookupStore()
            try Self.typedFixture(&memory)
            let cases = try Self.sqlDecidedCases()
            let answers = try await Self.withPopulatedSchema(Self.typedPGFixture) { connection in
                try await connection.withSynchronousAccess { session in
                    let store = PGLookupStore(session)
                    return try cases.map { _, filter, _ in
                        try store.itemsSelectedBySQL(inCollection: 1, matching: filter).map(\.name)
                    }
                }
            }
            // Items holding a double, a list or an object are left to the core by design (see ItemFilterSQL);
            // every other item is decided by the SQL condition alone.
            let undecided: Set<String> = ["one-and-a-half", "hundred", "list", "object"]
            for ((title, filter, expected), sqlOnly) in zip(cases, answers) {
                let decidedInSQL = sqlOnly.filter { !undecided.contains($0) }
                #expect(decidedInSQL == expected, "\(title)")
                #expect(decidedInSQL == memory.activeItems(inCollection: 1, matching: filter).map(\.name), "\(title)")
            }
        }

        @Test("doubles, lists and objects: SQL lets them through, the final answer is the in-memory one")
        func undecidedValuesGiveTheInMemoryAnswer() async throws {
            var memory = InMemoryLookupStore()
            try Self.typedFixture(&memory)
            let cases: [(ItemFilter, [String])] = [
                (try Self.data(.exact, "1.5"), ["one-and-a-half"]),
                (try Self.data(.exact, "100"), []),
                (try Self.data(.exact, "100.0"), ["hundred"]),
                // Lists and objects compare as PostgreSQL's `->>` writes them (Debusine filters with `KT(…)`).
                (try Self.data(.exact, "[1, 2]"), ["list"]),
                (try Self.data(.exact, #"{"a": 2, "b": 1}"#), ["object"]),
                (try Self.data(.exact, "[1,2]"), []),
                (try Self.data(.exact, #"{"a":2,"b":1}"#), []),
                (try Self.data(.startswith, "1"), ["100%", "100 percent", "one-and-a-half", "hundred"]),
            ]
            let answers = try await Self.withPopulatedSchema(Self.typedPGFixture) { connection in
                try await connection.withSynchronousAccess { session in
                    let store = PGLookupStore(session)
                    return try cases.map { filter, _ in
                        (
                            try store.activeItems(inCollection: 1, matching: filter).map(\.name),
                            try store.itemsSelectedBySQL(inCollection: 1, matching: filter).map(\.name)
                        )
                    }
                }
            }
            for ((filter, expected), (final, sqlOnly)) in zip(cases, answers) {
                #expect(final == expected, "\(filter)")
                #expect(final == memory.activeItems(inCollection: 1, matching: filter).map(\.name), "\(filter)")
                #expect(Set(final).isSubset(of: sqlOnly), "SQL must never drop a match: \(filter)")
            }
        }

        @Test("a removed item is invisible to filters and to name: lookups")
        func removedItemIsInvisible() async throws {
            var memory = InMemoryLookupStore()
            try Self.typedFixture(&memory)
            let lookups: [JSONValue] = ["typed@debusine:test/name:100%", "typed@debusine:test/name:gone"]
            let (ids, outcomes) = try await Self.withPopulatedSchema(Self.typedPGFixture) { connection in
                try await connection.execute("UPDATE collection_items SET removed_at = now() WHERE name = 'list'")
                return try await connection.withSynchronousAccess { session in
                    let store = PGLookupStore(session)
                    let ids = try store.activeItems(inCollection: 1, matching: ItemFilter()).map(\.id)
                    let outcomes = lookups.map { lookup in
                        LookupScenario(
                            group: "removed",
                            "removed item",
                            lookup: lookup,
                            context: LookupContext(workspaceID: 1),
                            expected: .notFound("")
                        ).run(against: LookupResolver(store: PGLookupStore(session)))
                    }
                    return (ids, outcomes)
                }
            }
            #expect(!ids.contains(99), "the removed duplicate of 100% is not returned")
            #expect(!ids.contains(9), "the item removed in SQL is not returned")
            #expect(ids == Array(1...15).filter { $0 != 9 }, "ordered by id")
            #expect(outcomes[0] == .result(.bareItem(1, in: "typed@debusine:test")))
            #expect(outcomes[1] == .notFound("'typed@debusine:test' has no item 'name:gone'"))
        }

        @Test("stores sharing a memo ask each question once; a store with its own memo, or after forget, asks again")
        func sharedMemoAnswersFromMemory() async throws {
            try await Self.withPopulatedSchema(Self.typedPGFixture) { connection in
                let memo = LookupMemo()
                let filter = ItemFilter(name: ItemMatcher(exactText: "list"))
                let first = try await connection.withSynchronousAccess { session in
                    let store = PGLookupStore(session, memo: memo)
                    return (try store.collection(id: 1), try store.activeItems(inCollection: 1, matching: filter))
                }
                #expect(first.0 != nil)
                #expect(first.1.count == 1)
                // Changed behind the memo's back: stores sharing it still answer from what was read.
                try await connection.execute("UPDATE collection_items SET removed_at = now() WHERE name = 'list'")
                try await connection.execute("UPDATE collections SET name = 'renamed' WHERE id = 1")
                let (remembered, fresh, forgotten) = try await connection.withSynchronousAccess { session in
                    let shared = PGLookupStore(session, memo: memo)
                    let remembered = (
                        try shared.collection(id: 1)?.name,
                        try shared.activeItems(inCollection: 1, matching: filter).count
                    )
                    let own = PGLookupStore(session)
                    let fresh = (
                        try own.collection(id: 1)?.name, try own.activeItems(inCollection: 1, matching: filter).count
                    )
                    shared.forgetReads()
                    let after = PGLookupStore(session, memo: memo)
                    let forgotten = (
                        try after.collection(id: 1)?.name,
                        try after.activeItems(inCollection: 1, matching: filter).count
                    )
                    return (remembered, fresh, forgotten)
                }
                #expect(remembered.0 == first.0?.name)
                #expect(remembered.1 == 1)
                #expect(fresh.0 == "renamed")
                #expect(fresh.1 == 0)
                #expect(forgotten.0 == "renamed")
                #expect(forgotten.1 == 0)
            }
        }

        // MARK: Fixture sink and session

        @Test("the fixture sink reports the in-memory store's errors for duplicate ids and missing references")
        func fixtureSinkErrors() async throws {
            try await Self.withPopulatedSchema(Self.typedPGFixture) { connection in
                try await connection.withSynchronousAccess { session in
                    let store = PGLookupStore(session)
                    #expect(throws: LookupFixtureError.duplicateID(kind: "workspace", id: 1)) {
                        try store.addWorkspace(WorkspaceRecord(id: 1, scope: "debian", name: "again"))
                    }
                    #expect(throws: LookupFixtureError.duplicateID(kind: "collection item", id: 99)) {
                        try store.addItem(
                            CollectionItemRecord(
                                id: 99,
                                parentCollectionID: 1,
                                name: "x",
                                childType: .bare,
                                category: "c"
                            )
                        )
                    }
                    let missing = #expect(throws: LookupFixtureError.self) {
                        try store.addArtifact(ArtifactRecord(id: 7, category: "c", workspaceID: 404))
                    }
                    guard case .missingReference? = missing else {
                        Issue.record("expected missingReference, got \(String(describing: missing))")
                        return
                    }
                    let duplicateName = #expect(throws: LookupFixtureError.self) {
                        try store.addItem(
                            CollectionItemRecord(
                                id: 50,
                                parentCollectionID: 1,
                                name: "axb",
                                childType: .bare,
                                category: "c"
                            )
                        )
                    }
                    guard case .notUnique? = duplicateName else {
                        Issue.record("expected notUnique, got \(String(describing: duplicateName))")
                        return
                    }
                }
            }
        }

        @Test("a session kept past its withSynchronousAccess call throws sessionExpired")
        func leakedSessionIsRefused() async throws {
            try TestDatabase.ensureServer()
            let pool = TestDatabase.makePool(schema: nil, size: 1)
            let box = LeakedSessionBox()
            let value = try await pool.withSynchronousAccess { session in
                box.session = session
                return try session.query("SELECT 40 + $1", 2).rows[0].decode(Int.self, at: 0)
            }
            #expect(value == 42)
            let problem = try await pool.withSynchronousAccess { _ -> String? in
                do {
                    _ = try box.session?.query("SELECT 1")
                    return "the leaked session ran a statement"
                } catch PGError.sessionExpired {
                    return nil
                } catch {
                    return "unexpected error: \(error)"
                }
            }
            #expect(problem == nil)
            await pool.close()
        }
    }
}
