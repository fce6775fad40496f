import Foundation
import Store

/// A private, migrated PostgreSQL schema for one test on the shared server, with a pool whose `search_path`
/// is that schema; services started for the test get ``serviceURL``.
public struct TestSchema: Sendable {
    public let name: String
    public let pool: PGPool

    /// The PostgreSQL URL that points a service (or `kiln`) at this schema, through libpq `options`.
    public var serviceURL: String { TestServers.postgresURL + "?options=-csearch_path%3D\(name)" }

    /// Creates and migrates `<prefix>_<random>` (`prefix` in lower case letters, digits and `_`).
    public static func create(prefix: String, poolSize: Int = 2, migrate: Bool = true) async throws -> TestSchema {
        let name = "\(prefix)_\(TestServers.uniqueSuffix())"
        let logger = TestServers.logger("kiln.tests.\(prefix)")
        let pool = PGPool(
            configuration: PGConfiguration(url: TestServers.postgresURL, applicationName: "kiln-tests", searchPath: [name]),
            size: poolSize, logger: logger)
        let schema = TestSchema(name: name, pool: pool)
        if migrate {
            do {
                try await Migrator.migrate(pool, logger: logger)
            } catch {
                await schema.drop()
                throw error
            }
        }
        return schema
    }

    /// Drops the schema and closes the pool (best effort).
    public func drop() async {
        _ = try? await pool.query("DROP SCHEMA IF EXISTS \(name) CASCADE")
        await pool.close()
    }
}
