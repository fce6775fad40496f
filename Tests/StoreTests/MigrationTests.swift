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
                #expect(duplicate?.serverError?.constraint == "collection_items_active_name_key")
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
