import Foundation
import Store
import Testing

extension StoreIntegration {
    @Suite("Migrations")
    struct MigrationTests {
        static let expectedTables: Set<String> = [
            "scopes", "users", "workspaces", "workspace_inheritance", "workspace_members", "groups", "group_members",
            "workers", "work_requests", "work_request_dependencies", "artifacts", "collections", "collection_items",
            "tokens", "tag_audit_events", "leases", "outbox", "inbox", "schema_migrations", "scheduler_leadership",
            "artifact_relations", "files", "artifact_files", "collection_item_match_constraints",
        ]

        /// Tables, columns, indexes, constraints and migration records of `schema`, one sorted line each.
        static func catalog(_ pool: PGPool, schema: String) async throws -> [String] {
            try await pool.query(
                """
                SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' '
                       || is_nullable || ' ' || coalesce(column_default, '')
                  FROM information_schema.columns WHERE table_schema = $1
                UNION ALL
                SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = $1
                UNION ALL
                SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                  FROM pg_constraint WHERE connamespace = $1::regnamespace
                UNION ALL
                SELECT 'migration ' || version || ' ' || name || ' ' || checksum || ' ' || applied_at
                  FROM schema_migrations
                ORDER BY 1
                """,
                schema
            ).rows.map { try $0.decode(String.self, at: 0) }
        }

        @Test("applying migrations twice changes nothing in the catalog")
        func migrationsAreIdempotent() async throws {
            try await TestDatabase.withSchema { pool, schema in
                let before = try await Self.catalog(pool, schema: schema)
                let appliedAgain = try await Migrator.migrate(pool, logger: TestDatabase.logger)
                let after = try await Self.catalog(pool, schema: schema)
                #expect(appliedAgain == [])
                #expect(before == after)
                #expect(before.count > 100, "the dump covers the whole schema (\(before.count) lines)")
                let tables = Set(
                    try await pool.query(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
                        schema
                    ).rows.map { try $0.decode(String.self, at: 0) }
                )
                #expect(tables == Self.expectedTables)
            }
        }

        @Test("two services migrating the same empty schema at once apply each migration exactly once")
        func concurrentMigrationsDoNotRace() async throws {
            try TestDatabase.ensureServer()
            let schema = TestDatabase.newSchemaName()
            let first = TestDatabase.makePool(schema: schema)
            let second = TestDatabase.makePool(schema: schema)
            async let appliedByFirst = Migrator.migrate(first, logger: TestDatabase.logger)
            async let appliedBySecond = Migrator.migrate(second, logger: TestDatabase.logger)
            let results = try await [appliedByFirst, appliedBySecond]
            #expect(results.flatMap { $0 }.sorted() == Migrator.migrations.map(\.version))
            let recorded = try await first.query("SELECT count(*) FROM schema_migrations").rows[0].decode(
                Int.self,
                at: 0
            )
            #expect(recorded == Migrator.migrations.count)
            try await first.query("DROP SCHEMA \(schema) CASCADE")
        }

        @Test("migration 11 moves the pipeline's values out of dynamic_task_data, which then always names its assignment")
        func pendingStageDataMigration() async throws {
            try await TestDatabase.withSchema(migrated: false) { pool, _ in
                try await Migrator.migrate(
                    pool, migrations: Migrator.migrations.filter { $0.version < 11 }, logger: TestDatabase.logger)
                try await pool.query("INSERT INTO scopes (name) VALUES ('debian')")
                try await pool.query("INSERT INTO workspaces (scope_id, name) SELECT id, 'dev' FROM scopes")
                // (status, pending_stage, worker, assignment epoch, dynamic data, its epoch, started) as version 10
                // wrote them: resolved inputs at inputs-resolved; pending-stage values of an unassigned and of an
                // assigned-but-not-computed row; an assignment's data; a finished row that ran, from before
                // migration 3; one that ended at its assignment without running (dynamic-data-failed).
                let rows: [(String, String?, Int?, Int, String, Int?, Bool)] = [
                    ("blocked", "inputs-resolved", nil, 0, #"{"pending_field_values": {}}"#, nil, false),
                    ("pending", nil, nil, 0, #"{"task_input_fields": {"p": 1}}"#, nil, false),
                    ("pending", nil, 1, 1, #"{"task_input_fields": {"p": 2}}"#, nil, false),
                    ("running", nil, 1, 2, #"{"task_input_fields": {"d": 3}}"#, 2, true),
                    ("completed", nil, nil, 3, #"{"task_input_fields": {"d": 4}}"#, nil, true),
                    ("completed", nil, nil, 1, #"{"task_input_fields": {"p": 5}}"#, nil, false),
                ]
                try await pool.query("INSERT INTO workers (name) VALUES ('w.example.org')")
                for (status, stage, worker, epoch, data, dataEpoch, started) in rows {
                    try await pool.query(
                        """
                        INSERT INTO work_requests (workspace_id, task_type, task_name, status, pending_stage, worker_id,
                                                   assignment_epoch, dynamic_task_data, dynamic_data_epoch,
                                                   configured_task_data, result, started_at)
                        VALUES ((SELECT id FROM workspaces), 'Worker', 'noop', $1, $2,
                                (SELECT id FROM workers WHERE $3::bigint IS NOT NULL), $4, $5::jsonb, $6,
                                CASE WHEN $1 <> 'blocked' THEN '{}'::jsonb END,
                                CASE WHEN $1 = 'completed' THEN 'success' ELSE '' END,
                                CASE WHEN $7 THEN now() END)
                        """, status, stage, worker, epoch, data, dataEpoch, started)
                }
                #expect(
                    try await Migrator.migrate(pool, logger: TestDatabase.logger)
                        == Migrator.migrations.map(\.version).filter { $0 > 10 })
                let after = try await pool.query(
                    """
                    SELECT pending_stage_data::text, dynamic_task_data::text, dynamic_data_epoch FROM work_requests
                    ORDER BY id
                    """
                ).rows.map {
                    (try $0.decode(String?.self, at: 0), try $0.decode(String?.self, at: 1), try $0.decode(Int?.self, at: 2))
                }
                let expected: [(String?, String?, Int?)] = [
                    (#"{"pending_field_values": {}}"#, nil, nil),
                    (#"{"task_input_fields": {"p": 1}}"#, nil, nil),
                    (#"{"task_input_fields": {"p": 2}}"#, nil, nil),
                    (nil, #"{"task_input_fields": {"d": 3}}"#, 2),
                    (nil, #"{"task_input_fields": {"d": 4}}"#, 3),
                    (#"{"task_input_fields": {"p": 5}}"#, nil, nil),
                ]
                #expect(after.count == expected.count)
                for (got, want) in zip(after, expected) {
                    #expect(got.0 == want.0 && got.1 == want.1 && got.2 == want.2, "\(got) vs \(want)")
                }
                await #expect(throws: PGError.self) {
                    try await pool.query("UPDATE work_requests SET dynamic_data_epoch = NULL WHERE dynamic_task_data IS NOT NULL")
                }
            }
        }

        @Test("migration 15 gives the packages already in suites their pool-file claims, in the suite and its archive")
        func poolFileBackfill() async throws {
            try await TestDatabase.withSchema(migrated: false) { pool, _ in
                try await Migrator.migrate(
                    pool, migrations: Migrator.migrations.filter { $0.version < 15 }, logger: TestDatabase.logger)
                try await pool.query("INSERT INTO scopes (name) VALUES ('debian')")
                try await pool.query("INSERT INTO workspaces (scope_id, name) SELECT id, 'dev' FROM scopes")
                let workspace = try await pool.query("SELECT id FROM workspaces").rows[0].decode(Int.self, at: 0)
                func insert(_ sql: String, _ parameters: any PGEncodable...) async throws -> Int {
                    try await pool.withConnection { conn in
                        try await conn.query(sql, parameters: parameters).rows[0].decode(Int.self, at: 0)
                    }
                }
                let suite = try await insert(
                    "INSERT INTO collections (name, category, workspace_id) VALUES ('sid', 'debian:suite', $1) RETURNING id",
                    workspace)
                let archive = try await insert(
                    "INSERT INTO collections (name, category, workspace_id) VALUES ('_', 'debian:archive', $1) RETURNING id",
                    workspace)
                // (category, item data, file, removed): a source, a lib… binary, a removed source, an index.
                let items: [(String, String, String, Bool)] = [
                    ("debian:source-package", #"{"package": "hello", "version": "1", "component": "main"}"#, "hello_1.dsc", false),
                    ("debian:binary-package", #"{"srcpkg_name": "libfoo", "package": "libfoo1", "component": "contrib"}"#, "libfoo1_1_all.deb", false),
                    ("debian:source-package", #"{"package": "gone", "version": "1", "component": "main"}"#, "gone_1.dsc", true),
                    ("debian:repository-index", #"{"path": "main/source/Sources.xz"}"#, "Sources.xz", false),
                    // A null component claims nothing (and does not break the migration).
                    ("debian:source-package", #"{"package": "odd", "version": "1", "component": null}"#, "odd_1.dsc", false),
                ]
                var itemIDs: [Int] = []
                for (index, (category, data, path, removed)) in items.enumerated() {
                    let artifact = try await insert(
                        "INSERT INTO artifacts (category, workspace_id) VALUES ($1, $2) RETURNING id", category, workspace)
                    let digest = String(repeating: String(index), count: 64)
                    try await pool.query(
                        "INSERT INTO artifact_files (artifact_id, path, sha256, size) VALUES ($1, $2, $3, 1)",
                        artifact, path, digest)
                    itemIDs.append(
                        try await insert(
                            """
                            INSERT INTO collection_items (parent_collection_id, name, child_type, category, data, artifact_id,
                                                          removed_at)
                            VALUES ($1, $2, 'artifact', $3, $4::jsonb, $5, CASE WHEN $6 THEN now() END) RETURNING id
                            """,
                            suite, "item\(index)", category, data, artifact, removed))
                }
                try await Migrator.migrate(pool, logger: TestDatabase.logger)
                let claims = try await pool.query(
                    "SELECT collection_id, collection_item_id, key, value FROM collection_item_match_constraints ORDER BY id"
                ).rows.map {
                    "\(try $0.decode(Int.self, at: 0) == suite ? "suite" : $0.decode(Int.self, at: 0) == archive ? "archive" : "?") "
                        + "\(try $0.decode(Int.self, at: 1)) \(try $0.decode(String.self, at: 2)) \(try $0.decode(String.self, at: 3))"
                }
                let source = "pool/main/h/hello/hello_1.dsc sha256:\(String(repeating: "0", count: 64))"
                let binary = "pool/contrib/libf/libfoo/libfoo1_1_all.deb sha256:\(String(repeating: "1", count: 64))"
                #expect(
                    claims == [
                        "suite \(itemIDs[0]) \(source)", "archive \(itemIDs[0]) \(source)",
                        "suite \(itemIDs[1]) \(binary)", "archive \(itemIDs[1]) \(binary)",
                    ])
            }
        }

        @Test("an edited, already applied migration is refused")
        func editedMigrationRefused() async throws {
            try await TestDatabase.withSchema(migrated: false) { pool, _ in
                let original = Migration(version: 1, name: "t", statements: ["CREATE TABLE t (id bigint)"])
                try await Migrator.migrate(pool, migrations: [original], logger: TestDatabase.logger)
                let edited = Migration(version: 1, name: "t", statements: ["CREATE TABLE t (id bigint, x text)"])
                await #expect(throws: MigrationError.self) {
                    try await Migrator.migrate(pool, migrations: [edited], logger: TestDatabase.logger)
                }
            }
        }

        @Test("the partial unique index allows one active collection item per name")
        func oneActiveItemPerName() async throws {
            try await TestDatabase.withSchema { pool, _ in
                let workspace = try await TransactionAndErrorTests.makeWorkspace(pool)
                let collection = try await pool.query(
                    "INSERT INTO collections (name, category, workspace_id) VALUES ($1, $2, $3) RETURNING id",
                    "bookworm",
                    "debian:suite",
                    workspace
                ).rows[0].decode(Int.self, at: 0)
                let insertItem =
                    "INSERT INTO collection_items (parent_collection_id, name, child_type, category) VALUES ($1, $2, 'bare', 'debusine:promise')"
                try await pool.query(insertItem, collection, "hello_1.0")
                let duplicate = await #expect(throws: PGError.self) {
                    try await pool.query(insertItem, collection, "hello_1.0")
                }
                #expect(duplicate?.serverError?.constraint == "db_collectionitem_unique_active_name")
                try await pool.query("UPDATE collection_items SET removed_at = now() WHERE name = $1", "hello_1.0")
                try await pool.query(insertItem, collection, "hello_1.0")
                let duplicateCollection = await #expect(throws: PGError.self) {
                    try await pool.query(
                        "INSERT INTO collections (name, category, workspace_id) VALUES ($1, $2, $3)",
                        "bookworm",
                        "debian:suite",
                        workspace
                    )
                }
                #expect(duplicateCollection?.serverError?.constraint == "collections_name_category_workspace_key")
            }
        }
    }
}
