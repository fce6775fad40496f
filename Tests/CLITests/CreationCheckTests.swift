import Foundation
import Store
import Testing

extension CLIIntegration {
    /// `kiln submit` keeps a work request only if it could start as it is, as Debusine's API does
    /// (`server/views/work_requests.py` `WorkRequestViewSet.post`: `mark_pending()`, `resolve_inputs(Stage.RUNNING)`,
    /// `compute_dynamic_data()`; tests `server/views/tests/test_work_requests.py`
    /// `test_post_work_request_resolve_inputs_raise_exception`, `test_post_work_request_compute_dynamic_data_failed`).
    @Suite("Refused at creation")
    struct CreationCheckTests {
        /// A fresh schema with workspace debian/dev, a source package and a binary package.
        static func withWorkspace(
            _ body: (String, PGPool, _ source: Int, _ binary: Int) async throws -> Void
        ) async throws {
            try await CLIProcessTests.withCLISchema { schema, pool in
                try await KilnBinary.succeed(["workspace", "create", "debian/dev"], schema: schema)
                func create(_ category: String, _ data: String) async throws -> Int {
                    let created =
                        try await KilnBinary.json(
                            [
                                "artifact", "create", "--workspace", "debian/dev", "--category", category, "--data",
                                data, "--json",
                            ],
                            schema: schema
                        ) as? [String: Any]
                    return try #require(created?["id"] as? Int)
                }
                let source = try await create(
                    "debian:source-package",
                    #"{"name": "hello", "version": "2.10-3", "type": "dpkg", "dsc_fields": {}}"#
                )
                let binary = try await create(
                    "debian:binary-package",
                    #"{"srcpkg_name": "hello", "srcpkg_version": "2.10-3", "deb_fields": {}, "deb_control_files": []}"#
                )
                try await body(schema, pool, source, binary)
            }
        }

        static func count(_ pool: PGPool) async throws -> Int {
            try await pool.query("SELECT count(*)::bigint FROM work_requests").rows[0].decode(Int.self, at: 0)
        }

        @Test(
            "an input that does not resolve, the wrong category, a missing configuration collection: refused with Debusine's detail, nothing created"
        )
        func refusals() async throws {
            try await Self.withWorkspace { schema, pool, _, binary in
                let cases: [(arguments: [String], detail: String)] = [
                    // `ArtifactInput.resolve` raises TaskConfigError from the lookup's NoSuchItemError; the view
                    // reports the cause.
                    (
                        ["lintian", "--set", "input.source_artifact=999"],
                        #"Task data: {'input': {'source_artifact': 999}} Error: NoSuchItemError("'999@artifacts' does not exist or is hidden")"#
                    ),
                    // `tasks/_task.py` `ensure_artifact_categories` raises TaskConfigError with no cause.
                    (
                        ["lintian", "--set", "input.source_artifact=\(binary)"],
                        "Error: TaskConfigError(\"input.source_artifact: unexpected artifact category: "
                            + "'debian:binary-package'. Valid categories: ['debian:source-package', 'debian:upload']\")"
                    ),
                    // `TaskConfigurationCollection.resolve`: only the default collection may be missing.
                    (
                        ["noop", "--set", "task_configuration=nope@debusine:task-configuration"],
                        #"Error: NoSuchItemError("'nope@debusine:task-configuration' does not exist or is hidden")"#
                    ),
                ]
                for (arguments, detail) in cases {
                    let refused = try await KilnBinary.run(
                        ["submit"] + arguments + ["--workspace", "debian/dev"],
                        schema: schema
                    )
                    #expect(refused.status == 1, "\(arguments): \(refused)")
                    let lines = refused.stderr.split(separator: "\n")
                    #expect(lines.first?.contains("Cannot create work request: ") == true, "\(arguments): \(refused)")
                    #expect(lines.first?.hasSuffix(detail) == true, "\(arguments): \(refused)")
                    // Kiln's own words, naming the stage, on a line of their own.
                    #expect(lines.count == 2 && lines[1].contains("configure-failed"), "\(arguments): \(refused)")
                }
                #expect(try await Self.count(pool) == 0)
            }
        }

        @Test(
            "an environment that does not resolve (sbuild's `environment` is a Stage.PENDING field, tasks/sbuild.py): refused at creation"
        )
        func environment() async throws {
            try await Self.withWorkspace { schema, pool, source, _ in
                let refused = try await KilnBinary.run(
                    [
                        "submit", "sbuild", "--workspace", "debian/dev", "--set", "input.source_artifact=\(source)",
                        "--set", "environment=debian/match:codename=sid", "--set", "build_architecture=amd64",
                    ],
                    schema: schema
                )
                #expect(refused.status == 1, "\(refused)")
                #expect(
                    refused.stderr.contains(
                        #"Error: NoSuchItemError("'debian@debian:environments' does not exist or is hidden")"#
                    ),
                    "\(refused)"
                )
                #expect(refused.stderr.contains("configure-failed"), "\(refused)")
                #expect(try await Self.count(pool) == 0)
            }
        }

        @Test(
            "a work request that could start is created pending; one blocked on a dependency is checked when it unblocks"
        )
        func accepted() async throws {
            try await Self.withWorkspace { schema, pool, source, _ in
                let lintian = try #require(
                    try await KilnBinary.json(
                        [
                            "submit", "lintian", "--workspace", "debian/dev", "--set",
                            "input.source_artifact=\(source)", "--json",
                        ],
                        schema: schema
                    ) as? [String: Any]
                )
                #expect(lintian["status"] as? String == "pending" && lintian["pending_stage"] as? String == "requested")
                let first = try #require(lintian["id"] as? Int)
                // Still blocked: its inputs may be what the dependency makes, so the services resolve them later.
                let blocked = try #require(
                    try await KilnBinary.json(
                        [
                            "submit", "lintian", "--workspace", "debian/dev", "--set", "input.source_artifact=999",
                            "--depends-on", String(first), "--json",
                        ],
                        schema: schema
                    ) as? [String: Any]
                )
                #expect(blocked["status"] as? String == "blocked")
                #expect(try await Self.count(pool) == 2)
            }
        }

        /// Debusine's view tags and checks the task as submitted; `mark_pending` only configures its data, so an
        /// override the task's model refuses is found when a worker asks (`server/scheduler.py`
        /// `_assign_work_request_to_worker`, test `test_with_failing_configure_call`), not at creation.
        @Test("configuration that makes the data invalid does not stop the creation")
        func configuredDataNotCheckedAtCreation() async throws {
            try await Self.withWorkspace { schema, pool, _, _ in
                try await KilnBinary.succeed(
                    ["collection", "create", "default@debusine:task-configuration", "--workspace", "debian/dev"],
                    schema: schema)
                try await KilnBinary.succeed(
                    [
                        "collection", "add", "default@debusine:task-configuration", "--workspace", "debian/dev",
                        "--bare", "debusine:task-configuration", "--data",
                        #"{"task_type": "Worker", "task_name": "noop", "override_values": {"result": "nonsense"}}"#,
                    ],
                    schema: schema)
                let created = try await KilnBinary.run(
                    ["submit", "noop", "--workspace", "debian/dev", "--json"], schema: schema)
                #expect(created.status == 0, "\(created)")
                #expect(try await Self.count(pool) == 1)
            }
        }

        @Test("a batch entry that could not start refuses the whole file, naming the entry")
        func batch() async throws {
            try await Self.withWorkspace { schema, pool, source, _ in
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-check-\(UUID()).json")
                defer { try? FileManager.default.removeItem(at: file) }
                try """
                [{"task": "lintian", "data": {"input": {"source_artifact": \(source)}}},
                 {"task": "lintian", "data": {"input": {"source_artifact": 999}}, "after": [0]},
                 {"task": "lintian", "data": {"input": {"source_artifact": 998}}}]
                """.write(to: file, atomically: true, encoding: .utf8)
                let refused = try await KilnBinary.run(
                    ["submit", "--batch", file.path, "--workspace", "debian/dev"],
                    schema: schema
                )
                #expect(refused.status == 1, "\(refused)")
                #expect(
                    refused.stderr.contains(
                        "--batch entry 2: cannot submit Worker task 'lintian': Cannot create work request: Task data: "
                            + #"{'input': {'source_artifact': 998}} Error: NoSuchItemError("'998@artifacts'"#
                    ),
                    "\(refused)"
                )
                #expect(try await Self.count(pool) == 0)
            }
        }
    }
}
