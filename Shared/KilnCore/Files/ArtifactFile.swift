import Foundation

/// One file of an artifact: where it sits in the artifact, how big it is, and its SHA-256, as Debusine's
/// `FileInArtifact` over `File` (`debusine/db/models/files.py`). The content is stored once however many
/// artifacts declare it; the path is the artifact's own.
public struct ArtifactFile: Hashable, Sendable, Codable {
    /// The path inside the artifact (``ArtifactFilePath`` rules), e.g. `hello_1.0.dsc` or `logs/build.log`.
    public var path: String
    /// Size in bytes.
    public var size: Int
    /// SHA-256 of the content, 64 lower-case hexadecimal digits.
    public var sha256: String
    /// `true` once the content is in the file store.
    public var complete: Bool

    /// Memberwise; `complete` defaults to `false` (declared, not yet uploaded).
    public init(path: String, size: Int, sha256: String, complete: Bool = false) {
        self.path = path
        self.size = size
        self.sha256 = sha256
        self.complete = complete
    }
}

/// The checks every artifact file path and digest pass before anything is stored, so a path can never
/// escape the artifact (no `..`, no absolute path) and a digest is always one the store can name.
public enum ArtifactFilePath {
    /// Longest path accepted, in UTF-8 bytes (a file system's `PATH_MAX` less room for the store's prefix).
    public static let maximumLength = 1024

    /// `path` if it is a relative path of non-empty components, none `.` or `..`, without NUL, backslash or
    /// control characters, at most ``maximumLength`` bytes.
    ///
    /// - Throws: ``ArtifactFileError/invalidPath(_:reason:)`` naming the path and the rule it breaks.
    public static func validated(_ path: String) throws(ArtifactFileError) -> String {
        if path.isEmpty { throw .invalidPath(path, reason: "it is empty") }
        if path.utf8.count > maximumLength {
            throw .invalidPath(path, reason: "it is longer than \(maximumLength) bytes")
        }
        if path.hasPrefix("/") { throw .invalidPath(path, reason: "it is absolute; paths are relative to the artifact") }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }) {
            throw .invalidPath(path, reason: "it contains a control character or a backslash")
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "": throw .invalidPath(path, reason: "it has an empty component (a trailing or doubled '/')")
            case ".", "..": throw .invalidPath(path, reason: "it has a '\(component)' component")
            default: continue
            }
        }
        return path
    }

    /// `digest` if it is 64 lower-case hexadecimal digits.
    ///
    /// - Throws: ``ArtifactFileError/invalidDigest(_:)``.
    public static func validatedDigest(_ digest: String) throws(ArtifactFileError) -> String {
        guard digest.utf8.count == 64, digest.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { throw .invalidDigest(digest) }
        return digest
    }
}

/// Why a file declaration or an upload is refused; each case names the value.
public enum ArtifactFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The path breaks a rule of ``ArtifactFilePath``.
    case invalidPath(String, reason: String)
    /// Not 64 lower-case hexadecimal digits.
    case invalidDigest(String)
    /// A negative size, or one above the store's limit.
    case invalidSize(path: String, size: Int, limit: Int)
    /// More or fewer bytes arrived than were declared (nothing was kept).
    case sizeMismatch(path: String, declared: Int, received: Int)

    public var description: String {
        switch self {
        case .invalidPath(let path, let reason): "invalid artifact file path \(JSONValue.string(path).pythonRepr): \(reason)"
        case .invalidDigest(let digest):
            "invalid SHA-256 \(JSONValue.string(digest).pythonRepr): expected 64 lower-case hexadecimal digits"
        case .invalidSize(let path, let size, let limit):
            size < 0
                ? "file \(path): size \(size) is negative"
                : "file \(path): size \(size) bytes is over the file store's limit of \(limit) bytes (KILN_FILE_STORE_MAX_FILE_SIZE)"
        case .sizeMismatch(let path, let declared, let received):
            "file \(path): \(received) bytes received, \(declared) declared; nothing was kept"
        }
    }
}
