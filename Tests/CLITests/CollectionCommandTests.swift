import Foundation
import Store
import Testing

extension CLIIntegration {
    /// `kiln collection` as Debusine's collection API and client answer (`server/views/collections.py`,
    /// `client/commands/collections.py`).
    @Suite("kiln collection: Debusine's answers")
    struct CollectionCommandTests {
        /// Debusine `server/views/tests/test_collections.py` `test_post_name_conflict`, `test_post_invalid_name`,
        /// `test_post_unexpected_error`; DRF's `ChoiceField` for an unknown category.
        @Test("create refuses a duplicate, a bad name, an unknown category and a reserved name as Debusine's API does")
        func createRefusals() async throws {
            try await CLIProcessTests.withCLISchema { schema, _ in
                try await KilnBinary.succeed(["workspace", "create", "debian/dev"], schema: schema)
                try await KilnBinary.succeed(
                    ["collection", "create", "sid@debian:suite", "--workspace", "debian/dev"], schema: schema)
                let cases: [(String, String)] = [
                    ("sid@debian:suite", "kiln: Cannot create collection: A collection with the same name already exists"),
                    ("sid.x/y@debian:suite", "kiln: Cannot deserialize collection: 'sid.x/y' is not a valid collection name"),
                    ("x@debian:nope", #"kiln: Cannot deserialize collection: "debian:nope" is not a valid choice."#),
                    ("main@debian:archive", "kiln: Cannot create collection"),
                    ("_@debian:suite", "kiln: Cannot create collection"),
                ]
                for (collection, first) in cases {
                    let refused = try await KilnBinary.run(
                        ["collection", "create", collection, "--workspace", "debian/dev"], schema: schema)
                    #expect(refused.status == 1, "\(collection): \(refused)")
                    let lines = refused.stderr.split(separator: "\n").map(String.init)
                    #expect(lines.first == first, "\(collection): \(refused)")
                }
            }
        }

        /// Debusine `CollectionViewSet.get_queryset` (the list leaves workflow-internal collections out),
        /// `CollectionItemViewSet.get_queryset` (active items by name) and `.initial` (a missing collection);
        /// `SingleCollectionCommand` (a category alone is its `_` collection); `DebusinePromise` for promises.
        @Test("list leaves internal collections out and gives items by name; a missing collection; a category alone; promises validated")
        func listAndItems() async throws {
            try await CLIProcessTests.withCLISchema { schema, _ in
                try await KilnBinary.succeed(["workspace", "create", "debian/dev"], schema: schema)
                for collection in ["wf@debusine:workflow-internal", "s@debusine:test"] {
                    try await KilnBinary.succeed(
                        ["collection", "create", collection, "--workspace", "debian/dev"], schema: schema)
                }
                for name in ["b", "a", ""] {
                    try await KilnBinary.succeed(
                        [
                            "collection", "add", "wf@debusine:workflow-internal", "--workspace", "debian/dev", "--bare",
                            "debusine:test", "--name", name, "--data", "{}",
                        ],
                        schema: schema)
                }
                let collections = try #require(
                    try await KilnBinary.json(["collection", "list", "--workspace", "debian/dev", "--json"], schema: schema)
                        as? [[String: Any]])
                let names = collections.compactMap { $0["name"] as? String }
                #expect(!names.contains("wf") && names.contains("s"), "\(collections)")

                let items = try #require(
                    try await KilnBinary.json(
                        ["collection", "list", "wf@debusine:workflow-internal", "--workspace", "debian/dev", "--json"],
                        schema: schema) as? [[String: Any]])
                #expect(items.compactMap { $0["name"] as? String } == ["", "a", "b"], "\(items)")

                let missing = try await KilnBinary.run(
                    ["collection", "list", "nope@debian:suite", "--workspace", "debian/dev"], schema: schema)
                #expect(missing.status == 1, "\(missing)")
                #expect(
                    missing.stderr.hasPrefix(
                        "kiln: Collection not found: Collection 'nope@debian:suite' does not exist in workspace debian/dev"),
                    "\(missing)")

                // `debusine:task-history` alone is `_@debusine:task-history`, which `workspace create` made.
                let history = try await KilnBinary.run(
                    ["collection", "list", "debusine:task-history", "--workspace", "debian/dev", "--json"], schema: schema)
                #expect(history.status == 0, "\(history)")

                let promise = try await KilnBinary.run(
                    [
                        "collection", "add", "wf@debusine:workflow-internal", "--workspace", "debian/dev", "--bare",
                        "debusine:promise", "--name", "p", "--data", #"{"promise_work_request_id": 1}"#,
                    ],
                    schema: schema)
                #expect(promise.status == 1, "\(promise)")
                #expect(promise.stderr.contains("2 validation errors for DebusinePromise"), "\(promise)")
            }
        }
    }
}
