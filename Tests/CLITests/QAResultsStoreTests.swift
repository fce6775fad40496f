import Foundation
import KilnCore
import Store
import Testing

extension CLIIntegration {
    /// `debian:qa-results` and `debian:package-build-logs` against real PostgreSQL: the expiry, the `latest:` lookup and
    /// the work request each item records (Debusine's `server/collections/tests/test_debian_qa_results.py`,
    /// `test_debian_package_build_logs.py`).
    @Suite("QA results and build logs (real PostgreSQL)")
    struct QAResultsStoreTests {
        static func collection(
            _ pool: PGPool, workspace: Int, name: String, category: String, data: [String: JSONValue] = [:]
        ) async throws -> CollectionRecord {
            try await pool.withTransaction { conn in
                try await CollectionRepository.create(workspaceID: workspace, name: name, category: category, data: data, on: conn)
            }
        }

        static func addResult(
            _ pool: PGPool, to results: CollectionRecord, workRequest: Int, package: String = "hello",
            architecture: String = "amd64", timestamp: Int
        ) async throws -> Int {
            try await pool.withTransaction { conn in
                try await CollectionRepository.addItem(
                    to: results,
                    CollectionItemAddition(
                        child: .bare(
                            category: KnownCategories.qaResult,
                            data: [
                                "package": .string(package), "version": "1.0-1", "architecture": .string(architecture),
                                "timestamp": .int(timestamp), "work_request_id": .int(workRequest),
                            ])),
                    on: conn
                ).item.id
            }
        }

        static func active(_ pool: PGPool, _ collection: CollectionRecord) async throws -> [Int] {
            try await pool.withConnection { conn in
                try await CollectionRepository.items(collectionID: collection.id, on: conn).map(\.id).sorted()
            }
        }

        @Test("results beyond old_items_to_keep per task, package and architecture expire, ties ranked equal; latest: finds the newest timestamp (`test_add_bare_data_old_items_to_keep`, `test_lookup_latest`)")
        func expiryAndLatest() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await RepositoryTests.setUp(pool)
                let results = try await Self.collection(
                    pool, workspace: workspace.id, name: "sid", category: KnownCategories.qaResults,
                    data: ["old_items_to_keep": 3])
                var workRequests: [Int] = []
                for _ in 0..<9 {
                    workRequests.append(try await RepositoryTests.submit(pool, workspace: workspace.id, user: user.id).id)
                }
                let other = try await Self.addResult(
                    pool, to: results, workRequest: workRequests[8], package: "base-files", timestamp: 100)
                // The newest timestamp is added first: `latest:` goes by timestamp, not by insertion.
                let newest = try await Self.addResult(pool, to: results, workRequest: workRequests[0], timestamp: 200)
                var hello: [Int] = []
                for index in 1...5 {
                    hello.append(try await Self.addResult(pool, to: results, workRequest: workRequests[index], timestamp: 100 + index))
                }
                // Ranked 200, 105, 104 | 103, 102, 101: the last three go, the other package stays.
                #expect(try await Self.active(pool, results) == [other, newest, hello[3], hello[4]])
                // A tie at the third rank keeps both.
                let tie = try await Self.addResult(pool, to: results, workRequest: workRequests[6], timestamp: 104)
                #expect(try await Self.active(pool, results) == [other, newest, hello[3], hello[4], tie])
                let stored = try await pool.query("SELECT name, data FROM collection_items WHERE id = $1", newest).rows[0]
                #expect(try stored.decode(String.self, at: 0) == "noop_hello_1.0-1_amd64_\(workRequests[0])")
                #expect(try stored.decode(JSONValue.self, at: 1).value(atPath: "result") == "")

                func latest(_ query: String) async throws -> Int? {
                    try await pool.withConnection { conn in
                        try await conn.withSynchronousAccess { session in
                            try LookupResolver(store: PGLookupStore(session)).lookupSingle(
                                .string("sid@debian:qa-results/\(query)"), expect: .any, defaultCategory: nil,
                                context: LookupContext(workspaceID: workspace.id, user: user.username))
                        }
                    }.collectionItem?.id
                }
                #expect(try await latest("latest:noop_hello_amd64") == newest)
                #expect(try await latest("latest:noop_base-files_amd64") == other)
                await #expect(throws: LookupFailure.notFound("'sid@debian:qa-results' has no item 'latest:noop_hello_i386'")) {
                    _ = try await latest("latest:noop_hello_i386")
                }
                await #expect(throws: LookupFailure.invalid(#"Unexpected lookup format: "latest:nonsense""#)) {
                    _ = try await latest("latest:nonsense")
                }
            }
        }

        @Test("a build log artifact records the worker of its work request; a missing work request is Django's DoesNotExist (`test_do_add_artifact_different_work_request_ids`)")
        func buildLogRecordsWorker() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let (workspace, user) = try await RepositoryTests.setUp(pool)
                let logs = try await Self.collection(
                    pool, workspace: workspace.id, name: "_", category: KnownCategories.packageBuildLogs)
                let workRequest = try await RepositoryTests.submit(pool, workspace: workspace.id, user: user.id).id
                let log = try await pool.withTransaction { conn in
                    let worker = try await WorkerRepository.create(fqdn: "builder.lan", on: conn).worker
                    try conn.execute(
                        """
                        UPDATE work_requests SET status = 'running', pending_stage = NULL, configured_task_data = task_data,
                               worker_id = $2, assignment_epoch = 1, started_at = now() WHERE id = $1
                        """, workRequest, worker.id)
                    return try await ArtifactRepository.create(
                        workspaceID: workspace.id, category: KnownCategories.packageBuildLog,
                        data: ["source": "hello", "version": "1.0-1", "filename": "hello.build"], on: conn)
                }
                func add(_ workRequestID: Int) async throws -> CollectionItemRecord {
                    try await pool.withTransaction { conn in
                        try await CollectionRepository.addItem(
                            to: logs,
                            CollectionItemAddition(
                                child: .artifact(
                                    log,
                                    variables: [
                                        "work_request_id": .int(workRequestID), "vendor": "debian", "codename": "sid",
                                        "architecture": "amd64",
                                    ])),
                            on: conn
                        ).item
                    }
                }
                let item = try await add(workRequest)
                #expect(item.name == "debian_sid_amd64_hello_1.0-1_\(workRequest)")
                #expect(item.data["worker"] == "builder-lan" && item.data["srcpkg_name"] == "hello")
                await #expect(throws: ItemAdditionError("WorkRequest matching query does not exist.")) {
                    _ = try await add(workRequest + 1000)
                }
            }
        }
    }
}
