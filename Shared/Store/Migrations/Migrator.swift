import Logging

/// A problem that stops migrations.
public enum MigrationError: Error, CustomStringConvertible, Sendable {
    /// An applied migration's recorded checksum differs from the code's: someone edited a released
    /// migration, and the schema may not be what the code expects.
    case checksumMismatch(version: Int, name: String, recorded: String, expected: String)
    /// The list of migrations is not strictly increasing by version.
    case unorderedMigrations(versions: [Int])

    public var description: String {
        switch self {
        case .checksumMismatch(let version, let name, let recorded, let expected):
            "migration \(version) (\(name)) was applied with checksum \(recorded) but the code has \(expected); "
                + "released migrations must not be edited: add a new one"
        case .unorderedMigrations(let versions):
            "migration versions must be strictly increasing, got \(versions)"
        }
    }
}

/// Applies Kiln's schema migrations.
///
/// Safe to run from every service at start-up and from `kiln migrate` at the same time: the whole run is
/// one transaction holding a transaction-level advisory lock keyed by the target schema, so concurrent
/// runs queue and the later ones find nothing to do. Applied versions are recorded in
/// `schema_migrations` (version, name, checksum, applied_at).
///
/// ```swift
/// let applied = try await Migrator.migrate(pool)   // [] when already up to date
/// ```
public enum Migrator {
    /// Every migration of the Kiln schema, oldest first.
    public static let migrations: [Migration] = KilnSchema.migrations

    /// Brings the schema up to date.
    ///
    /// - Parameters:
    ///   - pool: where to migrate.
    ///   - schema: the schema to create the tables in; default: the pool's first `searchPath` entry, or
    ///     `public`. Created when missing.
    ///   - migrations: the steps (default: Kiln's).
    ///   - logger: one info line per applied migration.
    /// - Returns: the versions applied by this call (empty when nothing was missing).
    /// - Throws: `MigrationError`, or the `PGError` of a failing statement (nothing is applied then).
    @discardableResult
    public static func migrate(
        _ pool: PGPool,
        schema: String? = nil,
        migrations: [Migration] = Migrator.migrations,
        logger: Logger = Logger(label: "kiln.store.migrate")
    ) async throws -> [Int] {
        let versions = migrations.map(\.version)
        guard zip(versions, versions.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw MigrationError.unorderedMigrations(versions: versions)
        }
        let target = schema ?? pool.configuration.primarySchema
        let quotedSchema = try PGIdentifier.quoted(target)
        return try await pool.withTransaction { conn in
            try conn.query("SELECT pg_advisory_xact_lock(hashtext($1))", "kiln.migrate:" + target)
            try conn.query("CREATE SCHEMA IF NOT EXISTS \(quotedSchema)")
            try conn.query("SET LOCAL search_path TO \(quotedSchema)")
            try conn.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """
            )
            var recorded: [Int: (name: String, checksum: String)] = [:]
            for row in try conn.query("SELECT version, name, checksum FROM schema_migrations").rows {
                recorded[try row.decode(Int.self, at: 0)] = (
                    try row.decode(String.self, at: 1), try row.decode(String.self, at: 2)
                )
            }
            var applied: [Int] = []
            for migration in migrations {
                if let existing = recorded[migration.version] {
                    guard existing.checksum == migration.checksum else {
                        throw MigrationError.checksumMismatch(
                            version: migration.version,
                            name: migration.name,
                            recorded: existing.checksum,
                            expected: migration.checksum
                        )
                    }
                    continue
                }
                for statement in migration.statements { try conn.query(statement) }
                try conn.query(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    migration.version,
                    migration.name,
                    migration.checksum
                )
                logger.info(
                    "applied migration",
                    metadata: [
                        "migration.version": "\(migration.version)", "migration.name": "\(migration.name)",
                        "pg.schema": "\(target)",
                    ]
                )
                applied.append(migration.version)
            }
            if let newest = recorded.keys.max(), let known = versions.last, newest > known {
                // A newer release already migrated this database (rolling upgrade): keep going, but say so.
                logger.warning(
                    "database schema is newer than this build",
                    metadata: ["migration.database": "\(newest)", "migration.code": "\(known)"]
                )
            }
            return applied
        }
    }
}
