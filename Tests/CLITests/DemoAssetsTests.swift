import Foundation
import KilnCore
import KilnTasks
import KilnTestSupport
import Store
import Testing

extension CLIIntegration {
    /// `deploy/demo` loads `deploy/demo-data/` and expects its work requests to route as it says. These tests
    /// load the same files with the real `kiln` binary into a private schema and run the two pending steps
    /// the lookup-resolver and tag-computer would run (no service processes), so a change to the files, the
    /// import format, a task model or the tag rules that would break the demo fails here first.
    @Suite("Demo assets (deploy/demo-data)")
    struct DemoAssetsTests {
        static let data = TestServers.repositoryRoot.appendingPathComponent("deploy/demo-data")

        static func file(_ name: String) -> String { data.appendingPathComponent(name).path }

        /// The demo's workspace set-up, as `deploy/demo` does it.
        static func loadDemoWorkspace(schema: String) async throws {
            try await KilnBinary.succeed(["workspace", "create", "demo/base"], schema: schema)
            try await KilnBinary.succeed(
                ["collection", "import", file("archive.yaml"), "--workspace", "demo/base"],
                schema: schema
            )
            try await KilnBinary.succeed(
                ["workspace", "create", "demo/run-1", "--inherits", "demo/base"],
                schema: schema
            )
            try await KilnBinary.succeed(
                ["collection", "import", file("configuration.yaml"), "--workspace", "demo/run-1"],
                schema: schema
            )
        }

        /// Submits with `kiln submit … --json` and returns the new work request's id.
        static func submit(_ arguments: [String], schema: String) async throws -> Int {
            let output = try await KilnBinary.succeed(
                ["submit"] + arguments + ["--workspace", "demo/run-1", "--json"],
                schema: schema
            )
            let reply = try JSONDecoder().decode(JSONValue.self, from: Data(output.utf8))
            return try #require(reply.objectValue?["id"]?.intValue, "no id in: \(output)")
        }

        /// `wr.unblocked` then `wr.inputs-resolved`, in process: resolve the `Stage.pending` inputs through the
        /// database's lookups, then configure and compute the final tag sets.
        static func configure(_ id: Int, pool: PGPool) async throws -> PendingTransitionResult {
            let (stored, lookupContext, tagContext) = try await pool.withConnection { conn in
                let stored = try #require(try await WorkRequestRepository.load(id: id, on: conn))
                return (
                    stored,
                    try await WorkRequestRepository.lookupContext(of: stored.workRequest, on: conn),
                    try await WorkRequestRepository.tagContext(id: id, on: conn)
                )
            }
            let registry = try KilnTasks.registry()
            let settings = try InputResolutionSettings()
            let workRequest = stored.workRequest
            return try await pool.withSynchronousAccess { session in
                let lookups = LookupResolver(store: PGLookupStore(session))
                let pending = try PendingTransition.resolvePendingInputs(
                    registry: registry,
                    taskType: workRequest.taskType,
                    taskName: workRequest.taskName,
                    taskData: workRequest.taskData,
                    lookups: lookups,
                    context: lookupContext,
                    settings: settings
                )
                return try PendingTransition.configure(
                    pending,
                    registry: registry,
                    workRequest: tagContext,
                    lookups: lookups,
                    settings: settings
                )
            }
        }

        @Test("the archive and configuration files import: the suite, the environments, four configuration collections")
        func filesImport() async throws {
            try await CLITestDatabase.withSchema { _, schema in
                try await Self.loadDemoWorkspace(schema: schema)
                let base = try await KilnBinary.succeed(
                    ["collection", "list", "--workspace", "demo/base", "--json"],
                    schema: schema
                )
                let run = try await KilnBinary.succeed(
                    ["collection", "list", "--workspace", "demo/run-1", "--json"],
                    schema: schema
                )
                let collections = try [("demo/base", base), ("demo/run-1", run)].flatMap { workspace, output in
                    try #require(try JSONDecoder().decode(JSONValue.self, from: Data(output.utf8)).arrayValue).map {
                        (workspace, $0)
                    }
                }
                let counts = Dictionary(
                    uniqueKeysWithValues: collections.compactMap { workspace, collection -> (String, Int)? in
                        guard let object = collection.objectValue, let name = object["name"]?.stringValue,
                            let category = object["category"]?.stringValue, let items = object["active_items"]?.intValue
                        else { return nil }
                        return (name == "_" ? "\(workspace) _@\(category)" : "\(name)@\(category)", items)
                    }
                )
                // Each workspace also holds its empty singletons, made by `kiln workspace create`.
                let singletons = ["debian:archive", "debian:package-build-logs", "debusine:task-history"]
                let expected = Dictionary(
                    uniqueKeysWithValues: ["demo/base", "demo/run-1"].flatMap { workspace in
                        singletons.map { ("\(workspace) _@\($0)", 0) }
                    })
                #expect(
                    counts
                        == expected.merging(
                            [
                                "sid@debian:suite": 7, "debian@debian:environments": 3,
                                "default@debusine:task-configuration": 2, "large@debusine:task-configuration": 1,
                                "arm64@debusine:task-configuration": 1, "gpu@debusine:task-configuration": 1,
                            ], uniquingKeysWith: { $1 }),
                    "\(collections)"
                )
            }
        }

        @Test("the demo's sbuild resolves its lookups, gets the default configuration and requires worker:cap:sbuild")
        func unschedulableSbuildConfigures() async throws {
            try await CLITestDatabase.withSchema { pool, schema in
                try await Self.loadDemoWorkspace(schema: schema)
                let id = try await Self.submit(["sbuild", "--data", Self.file("sbuild-hello.yaml")], schema: schema)
                let result = try await Self.configure(id, pool: pool)
                #expect(result.subjectContext == TaskConfigurationSubjectContext(subject: "hello", context: "sid"))
                #expect(result.configuredTaskData.objectValue?["build_profiles"] == ["nocheck"])
                #expect(result.appliedConfigurationEntries.count == 1, "\(result.appliedConfigurationEntries)")
                #expect(result.tags.provided.set.contains("task:source-package:hello"))
                #expect(
                    result.tags.required.set.isSuperset(of: [
                        "worker:cap:sbuild", "worker:build-arch:amd64", "worker:executor:unshare",
                        "worker:task:worker:sbuild:version:1",
                    ]),
                    "\(result.tags.required.tags)"
                )
                // The libreoffice entry needs subject libreoffice: it must not apply to hello.
                #expect(!result.tags.required.set.contains("worker:class:large"))
            }
        }

        @Test("noop with configuration 'large' requires worker:class:large, with 'arm64' worker:build-arch:arm64")
        func configurationRoutesNoops() async throws {
            try await CLITestDatabase.withSchema { pool, schema in
                try await Self.loadDemoWorkspace(schema: schema)
                let plain = try await Self.submit(["noop"], schema: schema)
                let large = try await Self.submit(
                    ["noop", "--set", "task_configuration=large@debusine:task-configuration"],
                    schema: schema
                )
                let arm64 = try await Self.submit(
                    ["noop", "--set", "task_configuration=arm64@debusine:task-configuration"],
                    schema: schema
                )
                let routing: [String] = ["worker:class:large", "worker:build-arch:arm64"]
                let plainTags = try await Self.configure(plain, pool: pool).tags.required.set
                #expect(plainTags.isDisjoint(with: routing), "\(plainTags)")
                let largeTags = try await Self.configure(large, pool: pool).tags.required.set
                #expect(largeTags.contains("worker:class:large") && !largeTags.contains("worker:build-arch:arm64"))
                let arm64Tags = try await Self.configure(arm64, pool: pool).tags.required.set
                #expect(arm64Tags.contains("worker:build-arch:arm64") && !arm64Tags.contains("worker:class:large"))
            }
        }
    }
}
