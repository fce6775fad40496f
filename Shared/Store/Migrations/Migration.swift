/// One versioned step of the schema.
///
/// Migrations are append-only: once released, a migration's statements never change (the migrator
/// records a checksum and refuses to run against a database whose applied migration differs). Each
/// statement is sent on its own through the parameterized path, so no multi-statement strings exist.
public struct Migration: Sendable, Hashable {
    /// Increasing version number; the `schema_migrations` primary key.
    public let version: Int
    /// A short description, stored alongside the version.
    public let name: String
    /// The SQL statements, run in order inside the migration transaction.
    public let statements: [String]

    /// Creates a migration.
    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    /// A stable fingerprint of the statements (64-bit FNV-1a, hex), to notice an edited migration.
    public var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for statement in statements {
            for byte in statement.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
