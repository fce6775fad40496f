import Foundation
import KilnRuntime
import ServiceKit

/// The file store's own settings (the runtime's — URLs, ops port, log format — are read by
/// `ServiceBootstrap`). A bad value stops the service at start, naming the variable.
struct FileStoreSettings: Sendable, Hashable {
    static let root = Setting(
        "KILN_FILE_STORE_ROOT", default: "/var/lib/kiln/files",
        help: "directory holding the stored files (a volume in compose); created if missing")
    static let host = Setting("KILN_FILE_STORE_HOST", default: "0.0.0.0", help: "address the file-store API binds")
    static let port = Setting("KILN_FILE_STORE_PORT", default: "8070", help: "port of the file-store API")
    static let maxFileSize = Setting(
        "KILN_FILE_STORE_MAX_FILE_SIZE", default: "8G",
        help: "largest file accepted: bytes, or with a K, M, G or T suffix (powers of 1024), 1 to 1T")
    static let expiryInterval = Setting(
        "KILN_FILE_STORE_EXPIRY_INTERVAL", default: "1h",
        help: "how often expired artifacts and unreferenced files are deleted, 1s to 7d")
    static let stagingMaxAge = Setting(
        "KILN_FILE_STORE_STAGING_MAX_AGE", default: "24h",
        help: "an unfinished upload older than this is deleted by the expiry sweep, 1m to 7d")

    /// Every file-store setting, for `--help-env` and the start-up configuration log line.
    static let all = [root, host, port, maxFileSize, expiryInterval, stagingMaxAge]

    /// Where content lives.
    var root: URL
    /// API address.
    var host: String
    /// API port.
    var port: Int
    /// Largest file, in bytes.
    var maxFileSize: Int
    /// Expiry sweep period.
    var expiryInterval: Duration
    /// Age after which a staged upload is abandoned.
    var stagingMaxAge: Duration

    /// Reads the settings.
    ///
    /// - Throws: `ConfigurationError` naming the bad variable.
    init(environment: EnvironmentReader) throws {
        let rootText = try environment.string(Self.root)
        guard rootText.hasPrefix("/") else {
            throw ConfigurationError.invalid(
                variable: Self.root.name, value: rootText, expected: "an absolute directory path")
        }
        root = URL(fileURLWithPath: rootText, isDirectory: true)
        host = try environment.string(Self.host)
        port = try environment.int(Self.port, in: 1...65_535)
        maxFileSize = try environment.byteCount(Self.maxFileSize, in: 1...(1 << 40))
        expiryInterval = try environment.duration(Self.expiryInterval, in: .seconds(1) ... .seconds(7 * 86_400))
        stagingMaxAge = try environment.duration(Self.stagingMaxAge, in: .seconds(60) ... .seconds(7 * 86_400))
    }
}
