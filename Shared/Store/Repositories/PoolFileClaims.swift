import Foundation
import KilnCore

/// The pool files a `debian:suite` package claims, in the suite and in its archive (`PoolFileRule`), held in
/// `collection_item_match_constraints` as Debusine's `CollectionItemMatchConstraint` rows.
///
/// Debusine enforces "one value per key" with an exclusion constraint; Kiln checks before it writes, under
/// `lockSuites(ofWorkspace:)`, which every change to a workspace's suites takes first (see there).
struct PoolFileClaims {
    /// The collections that hold the claims: the suite, then its archive when it has one.
    let collectionIDs: [Int]
    /// The pool file names claimed, in the artifact's path order.
    let keys: [String]
    /// Each key's `sha256:<digest>`.
    let values: [String]

    /// The workspace's `_@debian:archive`, whose pool all its suites share, if it exists (Debusine's
    /// `DebianSuiteManager.parent_archive`: the workspace's own, not one it inherits).
    static func parentArchive(of suite: CollectionRecord, on conn: PGConnection) async throws -> CollectionRecord? {
        try await CollectionRepository.find(
            workspaceID: suite.workspaceID, name: CollectionNaming.singletonName,
            category: KnownCategories.archive, on: conn)
    }

    /// Serialises the changes to a workspace's `debian:suite` collections: taken first thing, before any row is
    /// read or written, by every addition to or removal from a suite, and held to the end of the transaction.
    ///
    /// One lock per workspace, because the archive's pool spans all its suites, and because a transaction that
    /// changes several items (`kiln collection import`) must not take its locks in an order another transaction
    /// reverses. Under it, the version rule, superseding and the pool check each see every earlier change. It
    /// is a row lock on the workspace, `FOR NO KEY UPDATE`, which does not block inserting rows that reference
    /// the workspace (artifacts, collections).
    static func lockSuites(ofWorkspace workspaceID: Int, on conn: PGConnection) async throws {
        try await conn.execute("SELECT id FROM workspaces WHERE id = $1 FOR NO KEY UPDATE", workspaceID)
    }

    /// Checks the artifact's files against the claims already made in the suite and its archive; the caller
    /// holds `lockSuites(ofWorkspace:)`.
    ///
    /// - Returns: the claims to record once the item exists.
    /// - Throws: `ItemAdditionError` (Debusine's `Artifact <name> already exists in the archive pool`) when a
    ///   file name is already claimed with other bytes in the suite or the archive.
    static func check(
        _ rule: PoolFileRule, artifactID: Int, itemName: String, suite: CollectionRecord, on conn: PGConnection
    ) async throws -> PoolFileClaims {
        let archive = try await parentArchive(of: suite, on: conn)
        let collectionIDs = [suite.id] + (archive.map { [$0.id] } ?? [])
        let files = try await conn.query(
            "SELECT path, sha256 FROM artifact_files WHERE artifact_id = $1 ORDER BY path", artifactID
        ).rows.map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1)) }
        let claims = PoolFileClaims(
            collectionIDs: collectionIDs,
            keys: files.map { rule.key(forPath: $0.0) },
            values: files.map { PoolFileRule.value(sha256: $0.1) }
        )
        let clash = try await conn.query(
            """
            SELECT 1 FROM collection_item_match_constraints c
              JOIN unnest($2::text[], $3::text[]) AS claim (key, value) ON c.key = claim.key
             WHERE c.collection_id = ANY($1) AND c.constraint_name = $4 AND c.value <> claim.value
             LIMIT 1
            """,
            collectionIDs,
            claims.keys,
            claims.values,
            PoolFileRule.constraintName
        ).first
        if clash != nil { throw PoolFileRule.clash(itemName: itemName, in: suite) }
        return claims
    }

    /// Records the claims of the item just added.
    func record(itemID: Int, on conn: PGConnection) async throws {
        guard !keys.isEmpty else { return }
        try await conn.execute(
            """
            INSERT INTO collection_item_match_constraints (collection_id, collection_item_id, constraint_name, key, value)
            SELECT collection.id, $2, $3, claim.key, claim.value
              FROM unnest($1::bigint[]) WITH ORDINALITY AS collection (id, position),
                   unnest($4::text[], $5::text[]) WITH ORDINALITY AS claim (key, value, position)
             ORDER BY collection.position, claim.position
            """,
            collectionIDs,
            itemID,
            PoolFileRule.constraintName,
            keys,
            values
        )
    }

    /// Gives up the claims of removed items, in every collection that holds them.
    static func release(itemIDs: [Int], on conn: PGConnection) async throws {
        guard !itemIDs.isEmpty else { return }
        try await conn.execute(
            "DELETE FROM collection_item_match_constraints WHERE collection_item_id = ANY($1) AND constraint_name = $2",
            itemIDs,
            PoolFileRule.constraintName
        )
    }
}
