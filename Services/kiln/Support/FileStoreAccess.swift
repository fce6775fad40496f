import FileStore
import Foundation
import KilnCore
import ServiceKit
import Store

/// How `kiln` reaches the file store: its URL, and a person's token, which `kiln` mints for an hour in the
/// database it already holds the credentials of (deploy/docs/cli.md, "Files").
enum FileStoreAccess {
    static let url = Setting(
        "KILN_FILE_STORE_URL", default: "http://127.0.0.1:8070",
        help: "base URL of the file-store service (kiln artifact create --upload, download, kiln log)")

    /// A client acting for `username` (created as a user if new).
    static func client(pool: PGPool, username: String) async throws -> FileStoreClient {
        let environment = EnvironmentReader()
        let text = try environment.string(url)
        guard let base = URL(string: text), base.scheme == "http" || base.scheme == "https", base.host != nil else {
            throw ConfigurationError.invalid(variable: url.name, value: text, expected: "an http:// or https:// URL")
        }
        let secret = TokenRepository.generateSecret()
        try await pool.withConnection { conn in
            let user = try await WorkspaceRepository.findOrCreateUser(username, on: conn)
            try await TokenRepository.create(
                secret: secret, kind: .user, comment: "kiln CLI session", expiresAt: Date().addingTimeInterval(3600),
                userID: user.id, on: conn)
        }
        return FileStoreClient(baseURL: base, token: secret)
    }
}
