import Crypto
import Foundation

/// What a token authorises (`tokens.kind`).
public enum TokenKind: String, CaseIterable, Hashable, Sendable, Codable {
    /// A worker's own credential.
    case worker
    /// A one-shot credential an admin hands to a pre-created worker (`kiln worker create`).
    case activation
    /// Authorises the completion report of one work request.
    case workRequest = "work-request"
    /// A person's credential for the file store, minted by `kiln` for a short while (it holds the database's
    /// credentials already; the file store holds them too, and checks the token instead of trusting a name).
    case user
}

/// A stored token: never the secret, only its digest.
public struct TokenRecord: Hashable, Sendable {
    public var id: Int
    /// SHA-256 of the secret, 64 lower-case hex digits.
    public var digest: String
    public var kind: TokenKind
    public var enabled: Bool
    public var comment: String
    public var expiresAt: Date?
    public var workerID: Int?
    public var workRequestID: Int?
    /// The person a `user` token stands for.
    public var userID: Int? = nil

    /// `true` when the token is enabled and not expired at `now`.
    public func isUsable(at now: Date = Date()) -> Bool {
        enabled && (expiresAt.map { $0 > now } ?? true)
    }
}

/// Tokens: random secrets shown once to their holder; the store keeps only their SHA-256 digest (swift-crypto),
/// so a database dump never reveals a credential. Authentication hashes the presented secret and looks the
/// digest up (through a unique index: no comparison in Swift, so timing is not a concern here).
public enum TokenRepository {
    /// A fresh secret: 32 bytes from the system's cryptographic generator, as 64 hex digits (the length
    /// Debusine's registration accepts).
    public static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The digest stored for `secret`: SHA-256 of its UTF-8 bytes as 64 lower-case hexadecimal digits (the
    /// `tokens.digest` format).
    public static func digest(of secret: String) -> String { hex(SHA256.hash(data: Array(secret.utf8))) }

    /// Lower-case hexadecimal text of `bytes`.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Stores a token for `secret` (the secret itself is not stored).
    ///
    /// - Returns: the stored record.
    @discardableResult
    public static func create(
        secret: String,
        kind: TokenKind,
        enabled: Bool = true,
        comment: String = "",
        expiresAt: Date? = nil,
        workerID: Int? = nil,
        workRequestID: Int? = nil,
        userID: Int? = nil,
        on conn: PGConnection
    ) async throws -> TokenRecord {
        let digest = digest(of: secret)
        let row = try await conn.query(
            """
            INSERT INTO tokens (digest, kind, enabled, comment, expires_at, worker_id, work_request_id, user_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
            """,
            digest,
            kind.rawValue,
            enabled,
            comment,
            expiresAt,
            workerID,
            workRequestID,
            userID
        ).first
        guard let id = try row?.decode(Int.self, at: 0) else {
            throw PGError.unexpectedResult(status: "no row", message: "INSERT INTO tokens … RETURNING id")
        }
        return TokenRecord(
            id: id,
            digest: digest,
            kind: kind,
            enabled: enabled,
            comment: comment,
            expiresAt: expiresAt,
            workerID: workerID,
            workRequestID: workRequestID,
            userID: userID
        )
    }

    /// The token whose digest is `digest`, if any.
    public static func find(digest: String, on conn: PGConnection) async throws -> TokenRecord? {
        try await conn.query("SELECT \(columns) FROM tokens WHERE digest = $1", digest).first.map(token(from:))
    }

    /// The token for a presented secret, if any (hashes it first).
    public static func find(secret: String, on conn: PGConnection) async throws -> TokenRecord? {
        try await find(digest: digest(of: secret), on: conn)
    }

    /// The digest of each worker's newest `worker` token, by worker id: the hash `kiln worker list` shows,
    /// as Debusine's `worker list` shows its one worker token's (`management_utils.Workers`). A worker not
    /// activated yet has none.
    public static func newestWorkerTokenDigests(on conn: PGConnection) async throws -> [Int: String] {
        let rows = try await conn.query(
            "SELECT DISTINCT ON (worker_id) worker_id, digest FROM tokens WHERE kind = $1 AND worker_id IS NOT NULL "
                + "ORDER BY worker_id, id DESC",
            TokenKind.worker.rawValue
        ).rows
        var digests: [Int: String] = [:]
        for row in rows { digests[try row.decode(Int.self, at: 0)] = try row.decode(String.self, at: 1) }
        return digests
    }

    /// The tokens of a worker, oldest first.
    public static func tokens(ofWorker workerID: Int, on conn: PGConnection) async throws -> [TokenRecord] {
        try await conn.query("SELECT \(columns) FROM tokens WHERE worker_id = $1 ORDER BY id", workerID).rows
            .map(token(from:))
    }

    /// Enables or disables every `worker` token of a worker (activation tokens are one-shot and left alone).
    ///
    /// - Returns: how many tokens changed.
    @discardableResult
    public static func setWorkerTokensEnabled(
        _ enabled: Bool,
        workerID: Int,
        on conn: PGConnection
    ) async throws -> Int {
        try await conn.execute(
            "UPDATE tokens SET enabled = $2 WHERE worker_id = $1 AND kind = 'worker' AND enabled <> $2",
            workerID,
            enabled
        )
    }

    /// Deletes the `user` tokens that expired before `now` (the file store's sweep: they authorise nothing).
    @discardableResult
    public static func deleteExpiredUserTokens(before now: Date = Date(), on conn: PGConnection) async throws -> Int {
        try await conn.execute("DELETE FROM tokens WHERE kind = 'user' AND expires_at < $1", now)
    }

    /// Deletes the work-request tokens of a work request (it completed or aborted: they authorise nothing).
    @discardableResult
    public static func deleteWorkRequestTokens(workRequestID: Int, on conn: PGConnection) async throws -> Int {
        try await conn.execute(
            "DELETE FROM tokens WHERE kind = 'work-request' AND work_request_id = $1",
            workRequestID
        )
    }

    static let columns = "id, digest, kind, enabled, comment, expires_at, worker_id, work_request_id, user_id"

    static func token(from row: PGRow) throws -> TokenRecord {
        let kindText = try row.decode(String.self, at: 2)
        guard let kind = TokenKind(rawValue: kindText) else {
            throw RepositoryError.invalid("token has unknown kind '\(kindText)'")
        }
        return TokenRecord(
            id: try row.decode(Int.self, at: 0),
            digest: try row.decode(String.self, at: 1),
            kind: kind,
            enabled: try row.decode(Bool.self, at: 3),
            comment: try row.decode(String.self, at: 4),
            expiresAt: try row.decode(Date?.self, at: 5),
            workerID: try row.decode(Int?.self, at: 6),
            workRequestID: try row.decode(Int?.self, at: 7),
            userID: try row.decode(Int?.self, at: 8)
        )
    }
}
