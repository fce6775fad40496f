import Foundation
import KilnCore
import Store
import Testing

extension CLIIntegration {
    /// The built `kiln` binary, run as a real process against its own schema.
    @Suite("kiln executable")
    struct CLIProcessTests {
        /// Runs `body` with a fresh schema name (created by `kiln migrate`), dropping it afterwards.
        static func withCLISchema(_ body: (String, PGPool) async throws -> Void) async throws {
            try await CLITestDatabase.withSchema(migrated: false) { pool, schema in
                let migrated = try await KilnBinary.run(["migrate"], schema: schema)
                #expect(migrated.status == 0, "\(migrated)")
                try await body(schema, pool)
            }
        }

        @Test("migrate twice: the second run applies nothing")
        func migrateTwice() async throws {
            try await CLITestDatabase.withSchema(migrated: false) { pool, schema in
                let first = try await KilnBinary.run(["migrate"], schema: schema)
                #expect(first.status == 0, "\(first)")
                // Derived from the migration list, so adding a migration does not break this test.
                let all = Migrator.migrations.map(\.version)
                #expect(first.stdout.contains("applied migrations \(all.map(String.init).joined(separator: ", "))"))
                #expect(first.stderr.isEmpty, "migrate logs nothing below warning: \(first.stderr)")
                let second = try await KilnBinary.run(["migrate"], schema: schema)
                #expect(second.status == 0, "\(second)")
                #expect(second.stdout.contains("schema is up to date (version \(all.max() ?? 0))"))
                let versions = try await pool.query("SELECT version FROM schema_migrations ORDER BY 1").rows.map {
                    try $0.decode(Int.self, at: 0)
                }
                #expect(versions == all)
            }
        }

        @Test("workspace, artifact and collection commands, including import from YAML and JSON")
        func workspaceArtifactCollectionFlow() async throws {
            try await Self.withCLISchema { schema, pool in
                try await KilnBinary.succeed(["workspace", "create", "debian/base"], schema: schema)
                try await KilnBinary.succeed(
                    [
                        "workspace", "create", "debian/dev", "--private", "--inherits", "debian/base", "--member",
                        "alice",
                        "--member", "bob:owner",
                    ],
                    schema: schema
                )
                let workspaces = try #require(
                    try await KilnBinary.json(["workspace", "list", "--json"], schema: schema) as? [[String: Any]]
                )
                let dev = try #require(workspaces.first { $0["name"] as? String == "dev" })
                #expect(dev["inherits"] as? [String] == ["debian/base"])
                #expect(dev["members"] as? [String] == ["alice", "bob"])
                #expect(dev["public"] as? Bool == false)
                let table = try await KilnBinary.succeed(["workspace", "list"], schema: schema)
                #expect(table.split(separator: "\n").first?.hasPrefix("ID  WORKSPACE    VISIBILITY") == true)

                // Singleton collections, as Debusine's `workspace define` makes them; `update` sets their data.
                func collections(_ workspace: String) async throws -> [String] {
                    try #require(
                        try await KilnBinary.json(["collection", "list", "--workspace", workspace, "--json"], schema: schema)
                            as? [[String: Any]]
                    ).compactMap { collection in
                        (collection["name"] as? String).flatMap { name in
                            (collection["category"] as? String).map { "\(name)@\($0)" }
                        }
                    }.sorted()
                }
                #expect(
                    try await collections("debian/dev")
                        == ["_@debian:archive", "_@debian:package-build-logs", "_@debusine:task-history"])
                try await KilnBinary.succeed(
                    ["workspace", "create", "debian/bare", "--no-singleton-collections", "--default-expiration-delay", "0"],
                    schema: schema)
                #expect(try await collections("debian/bare") == [])
                let duplicate = try await KilnBinary.run(
                    ["collection", "create", "_@debusine:task-history", "--workspace", "debian/dev"], schema: schema)
                #expect(duplicate.status == 1, "\(duplicate)")
                let updated = try await KilnBinary.succeed(
                    [
                        "collection", "update", "_@debusine:task-history", "--workspace", "debian/dev", "--data",
                        #"{"old_items_to_keep": 10}"#,
                    ],
                    schema: schema)
                #expect(updated.contains("updated the data of collection _@debusine:task-history"), "\(updated)")
                let history = try #require(
                    try await KilnBinary.json(["collection", "list", "--workspace", "debian/dev", "--json"], schema: schema)
                        as? [[String: Any]]
                ).first { $0["category"] as? String == "debusine:task-history" }
                #expect((history?["data"] as? [String: Any])?["old_items_to_keep"] as? Int == 10)
                let missing = try await KilnBinary.run(
                    ["collection", "update", "nope@debian:suite", "--workspace", "debian/dev", "--data", "{}"],
                    schema: schema)
                #expect(missing.status == 1 && missing.stderr.contains("nope@debian:suite"), "\(missing)")

                let artifact = try #require(
                    try await KilnBinary.json(
                        [
                            "artifact", "create", "--workspace", "debian/dev", "--category", "debian:source-package",
                            "--data", #"{"name": "hello", "version": "2.10-3", "type": "dpkg", "dsc_fields": {}}"#,
                            "--json",
                        ],
                        schema: schema
                    ) as? [String: Any]
                )
                let artifactID = try #require(artifact["id"] as? Int)
                // As Debusine's `workspace define` (30 days unless --default-expiration-delay says otherwise, 0 for
                // ever) and `Artifact.effective_expiration_delay`: the artifact expires with its workspace's delay.
                let keptFor = { (id: Int) in
                    try await pool.query(
                        "SELECT extract(epoch FROM expire_at - created_at)::bigint FROM artifacts WHERE id = $1", id
                    ).rows[0].decode(Int?.self, at: 0)
                }
                #expect(try await keptFor(artifactID) == 30 * 86_400)
                let forever = try #require(
                    try await KilnBinary.json(
                        [
                            "artifact", "create", "debusine:test", "--workspace", "debian/bare", "--data", "{}", "--json",
                        ],
                        schema: schema) as? [String: Any])
                #expect(try await keptFor(try #require(forever["id"] as? Int)) == nil)
                // Stored as the model dumps it, as Debusine's client sends it (`client/debusine.py`
                // `serialize_local_artifact`): the optional `architecture` and `bd_uninstallable` appear as null.
                let log = try #require(
                    try await KilnBinary.json(
                        [
                            "artifact", "create", "debian:package-build-log", "--workspace", "debian/dev", "--data",
                            #"{"source": "hello", "version": "1", "filename": "hello_1_amd64.build"}"#, "--json",
                        ],
                        schema: schema) as? [String: Any])
                let logData = try #require(log["data"] as? [String: Any])
                #expect(logData.keys.sorted() == ["architecture", "bd_uninstallable", "filename", "source", "version"])
                #expect(logData["architecture"] is NSNull && logData["bd_uninstallable"] is NSNull)
                try await KilnBinary.succeed(
                    ["collection", "create", "sid@debian:suite", "--workspace", "debian/dev"],
                    schema: schema
                )
                // Artifact relations, as Debusine's `ArtifactRelation` (db/models/artifacts.py).
                let binary = try #require(
                    try await KilnBinary.json(
                        [
                            "artifact", "create", "--workspace", "debian/dev", "--category", "debian:binary-package",
                            "--data",
                            #"{"srcpkg_name": "hello-x", "srcpkg_version": "1", "deb_fields": {}, "deb_control_files": []}"#,
                            "--json",
                        ],
                        schema: schema
                    ) as? [String: Any]
                )
                let binaryID = try #require(binary["id"] as? Int)
                let related = try await KilnBinary.succeed(
                    ["artifact", "relate", String(binaryID), "built-using", String(artifactID)],
                    schema: schema
                )
                #expect(related.contains("related \(binaryID) built-using \(artifactID)"))
                let again = try await KilnBinary.succeed(
                    ["artifact", "relate", String(binaryID), "built-using", String(artifactID)],
                    schema: schema
                )
                #expect(again.contains("already related"))
                let relations = try #require(
                    try await KilnBinary.json(["artifact", "relations", String(artifactID), "--json"], schema: schema)
                        as? [[String: Any]]
                )
                #expect(relations.count == 1 && relations.first?["type"] as? String == "built-using")
                let badType = try await KilnBinary.run(
                    ["artifact", "relate", String(binaryID), "uses", String(artifactID)],
                    schema: schema
                )
                #expect(badType.status != 0 && badType.stderr.contains("uses"), "\(badType)")

                let added = try await KilnBinary.succeed(
                    [
                        "collection", "add", "sid@debian:suite", "--workspace", "debian/dev",
                        "--artifact", String(artifactID), "--data", #"{"component": "main", "section": "devel"}"#,
                    ],
                    schema: schema
                )
                #expect(added.contains("'hello_2.10-3'"), "the suite names the item from the artifact: \(added)")
                let readded = try await KilnBinary.succeed(
                    [
                        "collection", "add", "sid@debian:suite", "--workspace", "debian/dev",
                        "--artifact", String(artifactID), "--data", #"{"component": "main", "section": "devel"}"#,
                    ],
                    schema: schema
                )
                #expect(readded.contains("nothing added"), "re-adding the same artifact is not a new item: \(readded)")
                let clash = try await KilnBinary.run(
                    [
                        "collection", "add", "sid@debian:suite", "--workspace", "debian/dev",
                        "--artifact", String(artifactID), "--data", #"{"component": "contrib", "section": "devel"}"#,
                    ],
                    schema: schema
                )
                #expect(clash.status == 1 && clash.stderr.contains("db_collectionitem_unique_active_name"), "\(clash)")
                let replaced = try await KilnBinary.succeed(
                    [
                        "collection", "add", "sid@debian:suite", "--workspace", "debian/dev", "--replace",
                        "--artifact", String(artifactID), "--data", #"{"component": "contrib", "section": "devel"}"#,
                    ],
                    schema: schema
                )
                #expect(replaced.contains("replacing item"))
                let items = try #require(
                    try await KilnBinary.json(
                        ["collection", "list", "sid@debian:suite", "--workspace", "debian/dev", "--all", "--json"],
                        schema: schema
                    ) as? [[String: Any]]
                )
                #expect(items.count == 2)
                #expect(items.allSatisfy { $0.keys.contains("superseded_at") }, "\(items)")
                #expect(
                    items.filter { $0["removed_at"] is NSNull }.map {
                        ($0["data"] as? [String: Any])?["component"] as? String
                    }
                        == ["contrib"]
                )
                let badEntry = try await KilnBinary.run(
                    [
                        "collection", "create", "default@debusine:task-configuration", "--workspace", "debian/dev",
                    ],
                    schema: schema
                )
                #expect(badEntry.status == 0, "\(badEntry)")
                let refusedEntry = try await KilnBinary.run(
                    [
                        "collection", "add", "default@debusine:task-configuration", "--workspace", "debian/dev",
                        "--bare", "debusine:task-configuration", "--data",
                        #"{"task_type": "Worker", "task_name": "a:b"}"#,
                    ],
                    schema: schema
                )
                #expect(
                    refusedEntry.status == 1 && refusedEntry.stderr.contains("may not contain ':'"),
                    "\(refusedEntry)"
                )

                let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "kiln-import-\(UUID().uuidString)"
                )
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                let yaml = directory.appendingPathComponent("import.yaml")
                try """
                collections:
                  - name: sid
                    category: debian:suite
                    items:
                      - artifact: {category: debian:source-package, data: {name: dpkg, version: "1.22", type: dpkg, dsc_fields: {}}}
                        data: {component: main, section: admin}
                  - name: default
                    category: debusine:task-configuration
                    items:
                      - bare: debusine:task-configuration
                        data: {task_type: Worker, task_name: sbuild, default_values: {build_profiles: [nocheck]},
                               comment: three}
                """.write(to: yaml, atomically: true, encoding: .utf8)
                try await KilnBinary.succeed(
                    ["collection", "import", yaml.path, "--workspace", "debian/dev"],
                    schema: schema
                )
                let configuration = try #require(
                    try await KilnBinary.json(
                        [
                            "collection", "list", "default@debusine:task-configuration", "--workspace", "debian/dev",
                            "--json",
                        ],
                        schema: schema
                    ) as? [[String: Any]]
                )
                let data = try #require(configuration.first?["data"] as? [String: Any])
                #expect(data["comment"] as? String == "three")
                #expect(configuration.first?["name"] as? String == "Worker:sbuild::")
                #expect((data["default_values"] as? [String: Any])?["build_profiles"] as? [String] == ["nocheck"])

                // A bad item anywhere in the file imports nothing.
                let json = directory.appendingPathComponent("bad.json")
                try
                    #"{"collections": [{"name": "wf", "category": "debusine:workflow-internal", "items": [{"name": "a", "bare": "x"}, {"name": "b"}]}]}"#
                    .write(to: json, atomically: true, encoding: .utf8)
                let refused = try await KilnBinary.run(
                    ["collection", "import", json.path, "--workspace", "debian/dev"],
                    schema: schema
                )
                #expect(refused.status == 1, "\(refused)")
                #expect(refused.stderr.contains("collections[0].items[1] needs exactly one of"))
                let sid = try #require(
                    try await KilnBinary.json(
                        ["collection", "list", "sid@debian:suite", "--workspace", "debian/dev", "--json"],
                        schema: schema
                    )
                        as? [[String: Any]]
                )
                #expect(Set(sid.compactMap { $0["name"] as? String }) == ["hello_2.10-3", "dpkg_1.22"])
            }
        }

        @Test(
            "workflow data from the CLI: aborting a dependency with allow_failure unblocks its dependant (Debusine `db/models/tests/test_work_requests.py` `test_dependencies_aborted_allow_failure`)"
        )
        func toleratedAbortFromCLI() async throws {
            try await Self.withCLISchema { schema, _ in
                try await KilnBinary.succeed(["workspace", "create", "debian/dev"], schema: schema)
                let tolerated = try #require(
                    try await KilnBinary.json(
                        ["submit", "noop", "--workspace", "debian/dev", "--allow-failure", "--json"],
                        schema: schema
                    )
                        as? [String: Any]
                )
                let toleratedID = try #require(tolerated["id"] as? Int)
                let shown = try #require(
                    try await KilnBinary.json(["show", String(toleratedID), "--json"], schema: schema) as? [String: Any]
                )
                #expect((shown["workflow_data"] as? [String: Any])?["allow_failure"] as? Bool == true)
                let dependant = try #require(
                    try await KilnBinary.json(
                        ["submit", "noop", "--workspace", "debian/dev", "--depends-on", String(toleratedID), "--json"],
                        schema: schema
                    ) as? [String: Any]
                )
                let dependantID = try #require(dependant["id"] as? Int)
                #expect(dependant["status"] as? String == "blocked")
                try await KilnBinary.succeed(["abort", String(toleratedID)], schema: schema)
                let after = try #require(
                    try await KilnBinary.json(["show", String(dependantID), "--json"], schema: schema) as? [String: Any]
                )
                #expect(after["status"] as? String == "pending", "\(after)")

                let batch = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "kiln-wf-\(UUID().uuidString).json"
                )
                defer { try? FileManager.default.removeItem(at: batch) }
                try #"[{"task": "noop", "workflow_data": {"allow_dependency_failures": true}}]"#
                    .write(to: batch, atomically: true, encoding: .utf8)
                let submitted = try #require(
                    try await KilnBinary.json(
                        ["submit", "--batch", batch.path, "--workspace", "debian/dev", "--json"],
                        schema: schema
                    )
                        as? [[String: Any]]
                )
                let batchID = try #require(submitted.first?["id"] as? Int)
                let batchShown = try #require(
                    try await KilnBinary.json(["show", String(batchID), "--json"], schema: schema) as? [String: Any]
                )
                #expect((batchShown["workflow_data"] as? [String: Any])?["allow_dependency_failures"] as? Bool == true)
                let refused = try await KilnBinary.run(
                    ["submit", "noop", "--workspace", "debian/dev", "--workflow-data", "[1]"],
                    schema: schema
                )
                #expect(
                    refused.status != 0 && refused.stderr.contains("--workflow-data must be a JSON object"),
                    "\(refused)"
                )
            }
        }

        @Test("submit, list, show, abort and retry")
        func workRequestFlow() async throws {
            try await Self.withCLISchema { schema, pool in
                try await KilnBinary.succeed(["workspace", "create", "debian/dev"], schema: schema)
                let submitted = try #require(
                    try await KilnBinary.json(
                        [
                            "submit", "noop", "--workspace", "debian/dev", "--set", "result=failure", "--priority", "5",
                            "--json",
                        ],
                        schema: schema
                    ) as? [String: Any]
                )
                let first = try #require(submitted["id"] as? Int)
                #expect(submitted["status"] as? String == "pending", "a new work request is pending, as in Debusine")
                #expect(submitted["pending_stage"] as? String == "requested")
                let second = try await KilnBinary.succeed(
                    [
                        "submit", "NOOP", "--workspace", "debian/dev", "--depends-on", String(first), "--created-by",
                        "bob",
                    ],
                    schema: schema
                )
                #expect(second.contains("(blocked): waiting for \(first)"))

                let listed = try #require(
                    try await KilnBinary.json(["list", "--json"], schema: schema) as? [[String: Any]]
                )
                #expect(listed.map { $0["task_name"] as? String } == ["noop", "noop"])
                #expect(listed.map { $0["created_by_name"] as? String } == ["bob", "tester"])
                let creators = try await pool.query("SELECT id FROM users WHERE username = ANY($1) ORDER BY username = 'tester'", ["bob", "tester"])
                    .rows.map { try $0.decode(Int.self, at: 0) }
                #expect(listed.map { $0["created_by"] as? Int } == creators)
                #expect(listed.allSatisfy { $0["scope"] as? String == "debian" && $0["workspace"] as? String == "dev" })
                let pendingOnly = try #require(
                    try await KilnBinary.json(["list", "--status", "pending", "--json"], schema: schema)
                        as? [[String: Any]]
                )
                #expect(pendingOnly.map { $0["id"] as? Int } == [first], "being unblocked counts as pending")
                let table = try await KilnBinary.succeed(["list", "--limit", "1"], schema: schema)
                #expect(table.split(separator: "\n").count == 2)
                #expect(table.contains("ID  WORKSPACE   TASK"))

                let shown = try #require(
                    try await KilnBinary.json(["show", String(first), "--json"], schema: schema) as? [String: Any]
                )
                #expect(shown["priority"] as? Int == 5)
                #expect((shown["task_data"] as? [String: Any])?["result"] as? String == "failure")
                #expect(shown["reverse_dependencies"] as? [Int] == [first + 1])
                // Debusine's `WorkRequestSerializer.Meta.fields` (server/serializers.py), but `url`, with its types:
                // ids for related rows, the tags as strings, the workspace apart from its scope, REST times.
                let serializerFields: Set = [
                    "id", "parent", "workflow_root", "task_name", "created_at", "created_by", "completed_by",
                    "aborted_by", "started_at", "completed_at", "duration", "worker", "task_type", "task_data",
                    "dynamic_task_data", "priority_base", "priority_adjustment", "workflow_data", "event_reactions",
                    "status", "result", "artifacts", "scope", "workspace", "scheduler_tags_provided",
                    "scheduler_tags_required",
                ]
                #expect(serializerFields.isSubset(of: Set(shown.keys)), "\(serializerFields.subtracting(shown.keys))")
                let creator = try await pool.query("SELECT id FROM users WHERE username = 'tester'").rows[0].decode(Int.self, at: 0)
                #expect(shown["created_by"] as? Int == creator && shown["created_by_name"] as? String == "tester")
                #expect(shown["scope"] as? String == "debian" && shown["workspace"] as? String == "dev")
                #expect(shown["artifacts"] as? [Int] == [] && shown["status"] as? String == "pending")
                #expect(shown["scheduler_tags_required"] is [String] && shown["priority_base"] as? Int == 5)
                let createdAt = try await pool.query("SELECT created_at FROM work_requests WHERE id = $1", first).rows[0]
                    .decode(Date.self, at: 0)
                #expect(shown["created_at"] as? String == ISO8601Timestamp.restFramework(createdAt))
                let text = try await KilnBinary.succeed(["show", String(first)], schema: schema)
                #expect(text.contains("Status:       pending-requested"))
                #expect(text.contains("\"result\": \"failure\""))

                let aborted = try await KilnBinary.succeed(["abort", String(first)], schema: schema)
                #expect(aborted.contains("aborted work request \(first); also aborted \(first + 1)"))
                let again = try await KilnBinary.run(["abort", String(first)], schema: schema)
                #expect(
                    again.status == 1
                        && again.stderr
                            == "kiln: Cannot abort work request: Only pending, blocked, or running tasks can be aborted\n",
                    "\(again)"
                )

                // `--json` answers as Debusine's retry view: the new work request's serializer.
                let retried = try #require(
                    try await KilnBinary.json(["retry", String(first), "--json"], schema: schema) as? [String: Any])
                let replacement = try #require(retried["id"] as? Int)
                #expect(retried["retried"] as? Int == first && replacement > first + 1)
                #expect(retried["task_name"] as? String == "noop" && retried["status"] as? String == "pending")
                #expect(retried["pending_stage"] as? String == "requested")
                #expect((retried["workflow_data"] as? [String: Any])?["retry_count"] as? Int == 0)
                #expect(serializerFields.isSubset(of: Set(retried.keys)), "\(serializerFields.subtracting(retried.keys))")
                let refused = try await KilnBinary.run(["retry", String(first)], schema: schema)
                #expect(
                    refused.status == 1
                        && refused.stderr == "kiln: Cannot retry work request: Cannot retry old superseded tasks\n",
                    "\(refused)"
                )
                let keys = try await pool.query("SELECT routing_key FROM outbox ORDER BY id").rows.map {
                    try $0.decode(String.self, at: 0)
                }
                #expect(keys == ["wr.unblocked", "wr.aborted", "wr.aborted", "wr.unblocked"])

                // `--json` answers as Debusine's abort view: the aborted work request's plain serializer (`task_data`
                // as submitted, not the configured data `kiln show --json` gives), then Kiln's fields.
                _ = try await pool.query(
                    "UPDATE work_requests SET configured_task_data = '{\"result\": \"success\"}' WHERE id = $1", replacement)
                let abortedJSON = try #require(
                    try await KilnBinary.json(["abort", String(replacement), "--json"], schema: schema) as? [String: Any])
                #expect(abortedJSON["id"] as? Int == replacement && abortedJSON["status"] as? String == "aborted")
                #expect((abortedJSON["task_data"] as? [String: Any])?["result"] as? String == "failure")
                let shownJSON = try #require(
                    try await KilnBinary.json(["show", String(replacement), "--json"], schema: schema) as? [String: Any])
                #expect((shownJSON["task_data"] as? [String: Any])?["result"] as? String == "success")
                #expect(abortedJSON["aborted"] as? [Int] == [replacement])
                #expect((abortedJSON["workers_to_stop"] as? [String: Any])?.isEmpty == true)
                #expect(serializerFields.isSubset(of: Set(abortedJSON.keys)))
                let retriedText = try await KilnBinary.succeed(["retry", String(replacement)], schema: schema)
                #expect(retriedText.contains("work request \(replacement) retried as"))
            }
        }

        @Test("submit --batch creates every entry in one transaction, or none when one entry is bad")
        func batchSubmit() async throws {
            try await Self.withCLISchema { schema, pool in
                try await KilnBinary.succeed(["workspace", "create", "debian/dev"], schema: schema)
                let file = FileManager.default.temporaryDirectory.appending(path: "batch-\(schema).yaml")
                defer { try? FileManager.default.removeItem(at: file) }
                try """
                - task: noop
                  data: {result: success}
                  priority: 4
                - task: NOOP
                  after: [0]
                """.write(to: file, atomically: true, encoding: .utf8)
                let created = try #require(
                    try await KilnBinary.json(
                        ["submit", "--batch", file.path, "--workspace", "debian/dev", "--json"],
                        schema: schema
                    )
                        as? [[String: Any]]
                )
                #expect(created.compactMap { $0["status"] as? String } == ["pending", "blocked"])
                #expect(created.first?["pending_stage"] as? String == "requested")
                let ids = created.compactMap { $0["id"] as? Int }
                #expect(ids.count == 2)
                let shown = try #require(
                    try await KilnBinary.json(["show", String(ids[1]), "--json"], schema: schema) as? [String: Any]
                )
                #expect(shown["dependencies"] as? [Int] == [ids[0]])
                let text = try await KilnBinary.succeed(
                    ["submit", "--batch", file.path, "--workspace", "debian/dev"],
                    schema: schema
                )
                #expect(text.contains("submitted 2 work requests, ids \(ids[1] + 1)–\(ids[1] + 2), in one transaction"))
                #expect(text.contains("1 blocked, 1 pending-requested"))

                try """
                [{"task": "noop"}, {"task": "noop", "data": {"result": "maybe"}}]
                """.write(to: file, atomically: true, encoding: .utf8)
                let refused = try await KilnBinary.run(
                    ["submit", "--batch", file.path, "--workspace", "debian/dev"],
                    schema: schema
                )
                #expect(refused.status == 1, "\(refused)")
                #expect(refused.stderr.contains("--batch entry 1: cannot submit Worker task 'noop'"), "\(refused)")
                let count = try await pool.query("SELECT count(*)::bigint FROM work_requests").rows[0].decode(
                    Int.self,
                    at: 0
                )
                #expect(count == 4)
                // A data file of any name is read as YAML when it is not JSON, as Debusine's client reads `--data`.
                let plain = FileManager.default.temporaryDirectory.appending(path: "data-\(schema).txt")
                defer { try? FileManager.default.removeItem(at: plain) }
                try "result: failure\n".write(to: plain, atomically: true, encoding: .utf8)
                let fromYAML = try #require(
                    try await KilnBinary.json(
                        ["submit", "noop", "--workspace", "debian/dev", "--data", plain.path, "--json"], schema: schema)
                        as? [String: Any])
                #expect((fromYAML["task_data"] as? [String: Any])?["result"] as? String == "failure")
                // Debusine's client (`client/commands/base.py` `read_input_data`): empty stdin is `{}`, an empty
                // file is refused.
                let fromStdin = try await KilnBinary.run(
                    ["submit", "noop", "--workspace", "debian/dev", "--data", "-", "--json"], schema: schema, stdin: " \n")
                #expect(fromStdin.status == 0, "\(fromStdin)")
                try "\n".write(to: plain, atomically: true, encoding: .utf8)
                let empty = try await KilnBinary.run(
                    ["submit", "noop", "--workspace", "debian/dev", "--data", plain.path], schema: schema)
                #expect(empty.status == 1 && empty.stderr.contains("data must be a dictionary. It is empty"), "\(empty)")
            }
        }

        @Test("bad input is refused with one clear line and a non-zero exit, writing nothing")
        func badInput() async throws {
            try await Self.withCLISchema { schema, pool in
                try await KilnBinary.succeed(["workspace", "create", "debian/dev"], schema: schema)
                let cases: [([String], Int32, String)] = [
                    // Debusine `server/views/work_requests.py` `_validate_task_name`: only registered Worker (and,
                    // for a superuser, Server) task names; Signing, Wait and Internal tasks are not API-creatable.
                    (
                        ["submit", "nope", "--workspace", "debian/dev"], 1,
                        "Cannot create work request: task name is not registered: Task name: \"nope\". "
                            + "Registered task names: assemblesignedsource, autopkgtest,"
                    ),
                    (
                        ["submit", "debsign", "--workspace", "debian/dev", "--type", "signing"], 1,
                        "cannot submit Signing task 'debsign': Cannot create work request: task name is not registered"
                    ),
                    (
                        ["submit", "delay", "--workspace", "debian/dev", "--type", "wait"], 1,
                        "Cannot create work request: task name is not registered"
                    ),
                    (
                        ["submit", "synchronization_point", "--workspace", "debian/dev", "--type", "internal"], 1,
                        "servernoop"
                    ),
                    // Without --type, the name decides (Worker, then Server); a signing task is no submittable type.
                    (["submit", "debsign", "--workspace", "debian/dev"], 1, "cannot submit task 'debsign': Cannot create"),
                    (["submit", "servernoop", "--workspace", "debian/dev", "--type", "worker"], 1, "cannot submit Worker task"),
                    // Debusine's `WorkRequestWorkflowData` has `extra="forbid"`: a misspelt flag is refused.
                    (
                        ["submit", "noop", "--workspace", "debian/dev", "--workflow-data", #"{"allow_failur": true}"#], 1,
                        "--workflow-data is not valid workflow data: 'allow_failur': Extra inputs are not permitted"
                    ),
                    (
                        ["submit", "noop", "--workspace", "debian/dev", "--data", "{bad"], 1,
                        "--data is not valid JSON"
                    ),
                    (
                        ["submit", "noop", "--workspace", "debian/dev", "--set", "result=maybe"], 1,
                        // Debusine's `NoopData` says so for the same data (pydantic's lines joined into one).
                        "Error: 1 validation error for NoopData result   Input should be '', 'success', 'failure', "
                            + "'temporary failure', 'error' or 'skipped' [type=enum, input_value='maybe', input_type=str]"
                    ),
                    (
                        ["submit", "noop", "--workspace", "debian/dev", "--set", "colour=red"], 1,
                        "Error: 1 validation error for NoopData colour   Extra inputs are not permitted "
                            + "[type=extra_forbidden, input_value='red', input_type=str]"
                    ),
                    (["submit", "noop", "--workspace", "debian/nope"], 1, "workspace debian/nope does not exist"),
                    (["submit", "noop", "--workspace", "nope"], 1, "must be written SCOPE/NAME"),
                    (
                        ["submit", "noop", "--workspace", "debian/dev", "--type", "robot"], 1,
                        "unknown task type 'robot'"
                    ),
                    (["submit", "noop", "--workspace", "debian/dev", "--depends-on", "999"], 1, "work request 999"),
                    // Debusine `server/views/tests/test_work_requests.py` `test_post_work_request_invalid_task_data`.
                    (
                        ["submit", "noop", "--workspace", "debian/dev", "--set", "colour=red"], 1,
                        "Cannot create work request: Task data: {'colour': 'red'} Error: "
                    ),
                    // The data as the Python dict Debusine prints (`f"Task data: {w.task_data}"`): keys in the order
                    // written, nested ones too, keys `--set` adds after them.
                    (
                        [
                            "submit", "noop", "--workspace", "debian/dev", "--data",
                            #"{"result": "success", "colour": {"z": 1, "a": 2}}"#, "--set", "b=1", "--set",
                            #"c={"y": 1, "x": 2}"#,
                        ], 1,
                        "Cannot create work request: Task data: {'result': 'success', 'colour': {'z': 1, 'a': 2}, 'b': 1, "
                            + "'c': {'y': 1, 'x': 2}} Error: "
                    ),
                    // Debusine's `DBTask.__init__` calls `NoopData(**task_data)`: a list is Python's TypeError.
                    (
                        ["submit", "noop", "--workspace", "debian/dev", "--data", "[1]"], 1,
                        "Cannot create work request: Task data: [1] Error: TypeError('debusine.tasks.models.NoopData() "
                            + "argument after ** must be a mapping, not list')"
                    ),
                    (["list", "--status", "done"], 1, "unknown status 'done'"),
                    (
                        ["workspace", "create", "debian/x", "--default-expiration-delay=-1"], 64,
                        "--default-expiration-delay -1 must be a number of days from 0 to 36500"
                    ),
                    (
                        [
                            "artifact", "create", "--workspace", "debian/dev", "--category", "c", "--data",
                            "/no/such.json",
                        ], 1, "no such file"
                    ),
                    // Debusine `Artifact.clean` (db/models/tests/test_artifacts.py `test_clean`).
                    (
                        ["artifact", "create", "debian:nope", "--workspace", "debian/dev"], 1,
                        "debian:nope: invalid artifact category"
                    ),
                    (
                        [
                            "artifact", "create", "debian:source-package", "--workspace", "debian/dev", "--data",
                            #"{"name": "hello", "version": 1}"#,
                        ], 1,
                        "invalid artifact data: 3 validation errors for DebianSourcePackage version   Input should be a "
                            + "valid string [type=string_type, input_value=1, input_type=int] type   Field required"
                    ),
                    (["submit", "--workspace", "debian/dev"], 64, "give a task name"),
                    (["submit", "noop", "--workspace", "debian/dev", "--timeout", "1m"], 64, "--timeout applies only with --wait"),
                    (
                        ["submit", "noop", "--batch", "/no/such.json", "--workspace", "debian/dev"], 64,
                        "drop the task name 'noop'"
                    ),
                    (["submit", "--batch", "/no/such.json", "--workspace", "debian/dev"], 1, "no such file"),
                ]
                for (arguments, status, message) in cases {
                    let result = try await KilnBinary.run(arguments, schema: schema)
                    #expect(result.status == status, "kiln \(arguments.joined(separator: " ")): \(result)")
                    #expect(result.stderr.contains(message), "kiln \(arguments.joined(separator: " ")): \(result)")
                    if status == 1 {
                        #expect(result.stderr.hasPrefix("kiln: ") && result.stderr.filter { $0 == "\n" }.count == 1)
                    }
                }
                let count = try await pool.query("SELECT count(*) FROM work_requests").rows[0].decode(Int.self, at: 0)
                #expect(count == 0)
                let unreachable = try await KilnBinary.run(
                    ["list"],
                    schema: schema,
                    environment: ["KILN_POSTGRES_URL": "postgresql://kiln:kiln@127.0.0.1:1/kiln"]
                )
                #expect(unreachable.status == 69 && unreachable.stderr.contains("cannot connect"), "\(unreachable)")
                let unmigrated = try await KilnBinary.run(["list"], schema: schema + "_missing")
                #expect(unmigrated.status == 69 && unmigrated.stderr.contains("kiln migrate"), "\(unmigrated)")
                // compose.env's placeholder: a configuration error (78), which kiln-until-available does not retry.
                let placeholder = try await KilnBinary.run(
                    ["list"],
                    schema: schema,
                    environment: ["KILN_POSTGRES_URL": "postgresql://kiln:change-me-postgres@127.0.0.1:1/kiln"]
                )
                #expect(
                    placeholder.status == 78 && placeholder.stderr.contains("KILN_POSTGRES_URL")
                        && placeholder.stderr.contains("placeholder")
                        && !placeholder.stderr.contains("change-me-postgres"),
                    "\(placeholder)"
                )
            }
        }

        @Test("worker create, show, enable (signing needs --worker-type signing), edit-metadata, disable and list (Debusine `test_worker.py`)")
        func workerFlow() async throws {
            try await Self.withCLISchema { schema, pool in
                let created = try #require(
                    try await KilnBinary.json(
                        ["worker", "create", "signer.example.org", "--type", "signing", "--json"],
                        schema: schema
                    )
                        as? [String: Any]
                )
                let token = try #require(created["activation_token"] as? String)
                #expect(created["name"] as? String == "signer-example-org")
                let digest = try await pool.query("SELECT digest FROM tokens").rows[0].decode(String.self, at: 0)
                #expect(digest == TokenRepository.digest(of: token))
                // Debusine `test_enable_wrong_type`: its text on the first line, exit status 4; Kiln's advice apart.
                let refused = try await KilnBinary.run(["worker", "enable", "signer-example-org"], schema: schema)
                #expect(
                    refused.status == 4
                        && refused.stderr.hasPrefix(
                            "kiln: Worker \"signer-example-org\" is of type \"signing\", not \"external\"\n  ")
                        && refused.stderr.contains("--worker-type signing"),
                    "\(refused)"
                )
                try await KilnBinary.succeed(
                    ["worker", "enable", "signer-example-org", "--worker-type", "signing"],
                    schema: schema
                )

                let metadata = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "kiln-meta-\(UUID().uuidString).yaml"
                )
                defer { try? FileManager.default.removeItem(at: metadata) }
                try "provided_tags: [worker:site:lab]\nsystem:cpu_count: 4\n".write(
                    to: metadata,
                    atomically: true,
                    encoding: .utf8
                )
                try await KilnBinary.succeed(
                    ["worker", "edit-metadata", "signer-example-org", "--file", metadata.path],
                    schema: schema
                )
                let shown = try #require(
                    try await KilnBinary.json(["worker", "show", "signer-example-org", "--json"], schema: schema)
                        as? [String: Any]
                )
                #expect(shown["enabled"] as? Bool == true)
                let staticMetadata = try #require(shown["static_metadata"] as? [String: Any])
                #expect(staticMetadata["provided_tags"] as? [String] == ["worker:site:lab"])
                #expect(staticMetadata["system:cpu_count"] as? Int == 4)
                #expect((shown["tokens"] as? [[String: Any]])?.first?["digest"] as? String == digest)
                #expect(
                    !(try await KilnBinary.succeed(["worker", "show", "signer-example-org"], schema: schema)).contains(
                        token
                    )
                )

                let badMetadata = try await KilnBinary.run(
                    ["worker", "edit-metadata", "signer-example-org", "--file", "/dev/null/x.json"],
                    schema: schema
                )
                #expect(
                    badMetadata.status == 3
                        && badMetadata.stderr == "kiln: [Errno 20] Not a directory: '/dev/null/x.json'\n",
                    "\(badMetadata)"
                )
                // Debusine's `worker disable` defaults to the external type too (`test_disable` …).
                let untyped = try await KilnBinary.run(["worker", "disable", "signer-example-org"], schema: schema)
                #expect(
                    untyped.status == 4
                        && untyped.stderr.contains(
                            "Worker \"signer-example-org\" is of type \"signing\", not \"external\""
                        ),
                    "\(untyped)"
                )
                // Debusine's `handle_disable` prints nothing on stdout; Kiln's note goes to stderr.
                let disabled = try await KilnBinary.run(
                    ["worker", "disable", "signer-example-org", "--type", "signing"],
                    schema: schema
                )
                #expect(disabled.status == 0 && disabled.stdout.isEmpty, "\(disabled)")
                #expect(disabled.stderr.contains("disabled worker signer-example-org"), "\(disabled)")
                // Debusine `test_list_not_connected`: name, type, registered, connected, token hash, enabled.
                let list = try await KilnBinary.succeed(["worker", "list"], schema: schema)
                let rows = list.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
                #expect(rows.first?.prefix(3) == ["Name", "Type", "Registered"], "\(list)")
                let row = try #require(rows.last.map { $0.map(String.init) })
                let registered = try await pool.query("SELECT registered_at FROM workers").rows[0].decode(Date.self, at: 0)
                #expect(
                    row.prefix(6) == [
                        "signer-example-org", "signing", ISO8601Timestamp.pythonISOFormat(registered), "-", "-", "False",
                    ],
                    "\(list)"
                )
                #expect(try await KilnBinary.succeed(["--help"], schema: schema).contains("kiln submit noop"))
                #expect(try await KilnBinary.succeed(["submit", "--help"], schema: schema).contains("Examples:"))
            }
        }

        // Debusine `server/views/tests/test_work_requests.py` `test_get_work_request_not_found`,
        // `WorkRequestAbortViewTests.test_post_work_request_not_found`, `WorkRequestRetryViewTests.…`.
        @Test("show, abort and retry of a work request that does not exist: Django's 404 text, Kiln's on a second line")
        func workRequestNotFound() async throws {
            try await Self.withCLISchema { schema, _ in
                for command in ["show", "abort", "retry"] {
                    let result = try await KilnBinary.run([command, "42"], schema: schema)
                    #expect(
                        result.status == 1
                            && result.stderr == "kiln: No WorkRequest matches the given query.\n  work request 42 does not exist\n",
                        "kiln \(command) 42: \(result)")
                }
            }
        }

        // Debusine `client/commands/work_requests.py` `Manage` (`debusine work-request manage`, test
        // `test_manage_no_changes`) and `server/views/work_requests.py` `WorkRequestView.patch`.
        @Test("manage sets the priority adjustment; without a change it says so; a waiting request is ranked again")
        func managePriority() async throws {
            try await Self.withCLISchema { schema, pool in
                try await KilnBinary.succeed(["workspace", "create", "debian/dev"], schema: schema)
                let submitted = try #require(
                    try await KilnBinary.json(["submit", "noop", "--workspace", "debian/dev", "--priority", "2", "--json"], schema: schema)
                        as? [String: Any])
                let id = try #require(submitted["id"] as? Int)
                let nothing = try await KilnBinary.run(["manage", String(id)], schema: schema)
                #expect(nothing.status == 1 && nothing.stderr.hasPrefix("kiln: no changes specified\n"), "\(nothing)")
                let changed = try await KilnBinary.succeed(["manage", String(id), "--set-priority-adjustment", "-3"], schema: schema)
                #expect(changed == "work request \(id): priority adjustment 0 → -3 (priority -1)\n")
                let shown = try #require(try await KilnBinary.json(["show", String(id), "--json"], schema: schema) as? [String: Any])
                #expect(shown["priority_adjustment"] as? Int == -3 && shown["priority_base"] as? Int == 2)
                // Waiting for a worker: the scheduler hears of the new priority.
                try await pool.query("UPDATE work_requests SET status = 'pending', pending_stage = NULL WHERE id = $1", id)
                try await pool.query("DELETE FROM outbox")
                try await KilnBinary.succeed(["manage", String(id), "--set-priority-adjustment", "4"], schema: schema)
                let keys = try await pool.query("SELECT routing_key FROM outbox").rows.map { try $0.decode(String.self, at: 0) }
                #expect(keys == ["wr.pending"])
                let missing = try await KilnBinary.run(["manage", "999", "--set-priority-adjustment", "1"], schema: schema)
                #expect(missing.status == 1 && missing.stderr.hasPrefix("kiln: No WorkRequest matches the given query.\n"))
            }
        }

        // Debusine `server/views/tests/test_work_requests.py` `test_post_non_worker_task_superuser`: a Server task is
        // created by its name alone, its type found from the name.
        @Test("submit finds a task's type from its name: servernoop is a Server task without --type")
        func serverTaskByName() async throws {
            try await Self.withCLISchema { schema, pool in
                try await KilnBinary.succeed(["workspace", "create", "debian/dev"], schema: schema)
                let submitted = try #require(
                    try await KilnBinary.json(["submit", "servernoop", "--workspace", "debian/dev", "--json"], schema: schema)
                        as? [String: Any])
                let id = try #require(submitted["id"] as? Int)
                let row = try await pool.query("SELECT task_type, task_name FROM work_requests WHERE id = $1", id).rows[0]
                #expect(try row.decode(String.self, at: 0) == "Server" && row.decode(String.self, at: 1) == "servernoop")
                let batch = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-batch-\(UUID().uuidString).json")
                defer { try? FileManager.default.removeItem(at: batch) }
                try #"[{"task": "servernoop"}, {"task": "noop"}]"#.write(to: batch, atomically: true, encoding: .utf8)
                try await KilnBinary.succeed(["submit", "--batch", batch.path, "--workspace", "debian/dev"], schema: schema)
                let types = try await pool.query("SELECT task_type FROM work_requests WHERE id > $1 ORDER BY id", id).rows
                    .map { try $0.decode(String.self, at: 0) }
                #expect(types == ["Server", "Worker"])
            }
        }

        // Debusine `server/management/commands/tests/test_worker.py`: `test_enable_not_found`,
        // `test_edit_metadata_worker_does_not_exist`, `test_edit_metadata_file_empty`,
        // `test_edit_metadata_not_dictionary`, `test_edit_metadata_file_is_invalid`,
        // `test_edit_metadata_cannot_open_file_is_directory`; `Command.get_worker` finds a worker by token too.
        @Test("worker refusals: Debusine's text, then Kiln's advice on a line of its own, and Debusine's exit status 3")
        func workerRefusals() async throws {
            try await Self.withCLISchema { schema, pool in
                let notFound = try await KilnBinary.run(["worker", "enable", "ghost"], schema: schema)
                #expect(notFound.status == 3, "\(notFound)")
                let lines = notFound.stderr.split(separator: "\n")
                #expect(lines.count == 2 && lines[0] == "kiln: Worker not found", "\(notFound)")
                #expect(lines.last?.contains("no worker is named \"ghost\"") == true, "\(notFound)")
                // The worker is looked up before the file, which is never opened.
                let unregistered = try await KilnBinary.run(
                    ["worker", "edit_metadata", "--set", "/no/such.yaml", "ghost.lan"], schema: schema)
                #expect(
                    unregistered.status == 3
                        && unregistered.stderr == "kiln: worker \"ghost.lan\" is not registered\n"
                            + "  Use the command `kiln worker list` to list the existing workers\n",
                    "\(unregistered)"
                )

                let secret = TokenRepository.generateSecret()
                try await pool.withTransaction { conn in
                    let created = try await WorkerRepository.create(fqdn: "builder.lan", on: conn).worker
                    try await TokenRepository.create(
                        secret: secret, kind: .worker, enabled: false, workerID: created.id, on: conn)
                }
                let enabled = try await KilnBinary.run(["worker", "enable", secret], schema: schema)
                #expect(enabled.status == 0 && enabled.stdout.isEmpty && enabled.stderr == "enabled worker builder-lan\n")
                // `debusine-admin worker create` prints the activation token alone (`test_create`).
                let created = try await KilnBinary.run(["worker", "create", "plain.lan"], schema: schema)
                #expect(created.status == 0, "\(created)")
                #expect(created.stdout.count == 65 && created.stdout.hasSuffix("\n"), "\(created)")
                #expect(created.stderr.contains("created external worker plain-lan"), "\(created)")
                let createdDigest = try await pool.query(
                    "SELECT t.digest FROM tokens t JOIN workers w ON w.id = t.worker_id WHERE w.name = 'plain-lan'"
                ).rows[0].decode(String.self, at: 0)
                #expect(createdDigest == TokenRepository.digest(of: String(created.stdout.dropLast())))

                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-meta-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: folder) }
                let cases: [(name: String, contents: String?, message: String)] = [
                    ("empty.yaml", "", "file is empty"),
                    ("comment.txt", "# nothing\n", "file is empty"),
                    ("braces.json", "{}", "file is empty"),
                    ("string.yml", "bullseye", "Data must be a dict or empty"),
                    ("list.json", "[1, 2]", "Data must be a dict or empty"),
                    ("invalid.yml", "a\nb:", "Invalid YAML: "),
                    ("missing.yaml", nil, "[Errno 2] No such file or directory: '\(folder.path)/missing.yaml'"),
                ]
                for (name, contents, message) in cases {
                    let path = folder.appendingPathComponent(name).path
                    if let contents { try contents.write(toFile: path, atomically: true, encoding: .utf8) }
                    let result = try await KilnBinary.run(["worker", "edit-metadata", "builder-lan", "--file", path], schema: schema)
                    #expect(result.status == 3 && result.stderr.hasPrefix("kiln: " + message), "\(name): \(result)")
                }
                let directory = try await KilnBinary.run(
                    ["worker", "edit-metadata", "builder-lan", "--file", folder.path], schema: schema)
                #expect(directory.stderr == "kiln: [Errno 21] Is a directory: '\(folder.path)'\n", "\(directory)")
                // Any file is YAML, whatever its name, as Debusine reads it.
                let plain = folder.appendingPathComponent("metadata.txt")
                try "sbuild:\n  distributions: [stretch, buster]\n".write(to: plain, atomically: true, encoding: .utf8)
                #expect(
                    try await KilnBinary.succeed(["worker", "edit_metadata", "--set", plain.path, "builder-lan"], schema: schema)
                        == "kiln: metadata set for builder-lan\n"
                )
                let stored = try await pool.query("SELECT static_metadata FROM workers WHERE name = 'builder-lan'").rows[0].decode(JSONValue.self, at: 0)
                #expect(stored == ["sbuild": ["distributions": ["stretch", "buster"]]])
                #expect(try await pool.query("SELECT count(*) FROM outbox WHERE routing_key = 'worker.metadata'")
                    .rows[0].decode(Int.self, at: 0) >= 2)
            }
        }
    }
}
