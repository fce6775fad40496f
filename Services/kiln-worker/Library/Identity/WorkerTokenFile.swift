import Foundation

/// The worker's secret token on disk (Debusine `worker/_worker.py` `Worker._register`): generated once — 64 random
/// hexadecimal characters — and saved with mode 0600, then reused on every start, because the gateway knows the worker
/// only by the SHA-256 digest of this token: a new token is a new (disabled) worker.
public enum WorkerTokenFile {
    /// What loading produced.
    public struct Loaded: Sendable, Hashable {
        /// The token.
        public var token: String
        /// True when the file did not exist and was created now (a first start: expect to be registered disabled
        /// until an admin runs `kiln worker enable`).
        public var created: Bool
        /// Set when the existing file is readable by group or others (the token grants the worker's identity).
        public var permissionWarning: String?
    }

    /// Characters a token may hold (what Kiln generates is lowercase hex; an operator may install any token of
    /// this alphabet).
    static let allowed = Set("0123456789abcdefABCDEF-_ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ")

    /// Reads the token at `path`, or creates the file with a fresh token if it does not exist.
    ///
    /// - Throws: `WorkerTokenFileError` naming the path and what is wrong with it.
    public static func loadOrCreate(at path: String) throws(WorkerTokenFileError) -> Loaded {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw .notAFile(path: path) }
            return try load(at: path)
        }
        let token = generate()
        try create(at: path, token: token)
        return Loaded(token: token, created: true, permissionWarning: nil)
    }

    /// 32 bytes from the system's cryptographically secure generator, as 64 lowercase hex characters.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    private static func load(at path: String) throws(WorkerTokenFileError) -> Loaded {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .badContent(path: path, reason: "it is not UTF-8 text")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw .badContent(path: path, reason: "it is empty") }
        guard token.count <= 64 else {
            throw .badContent(path: path, reason: "the token has \(token.count) characters, at most 64 are allowed")
        }
        if let bad = token.first(where: { !allowed.contains($0) }) {
            throw .badContent(
                path: path,
                reason: "character '\(bad.unicodeScalars.map { $0.escaped(asASCII: true) }.joined())' is not allowed "
                    + "(letters, digits, '-' and '_' only)")
        }
        var warning: String?
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0
        {
            warning = "token file \(path) has mode \(String(mode, radix: 8)); it should be 600 (chmod 600 \(path))"
        }
        return Loaded(token: token, created: false, permissionWarning: warning)
    }

    /// Creates the file exclusively (never overwrites) with mode 0600 from the start, so the token is never
    /// readable by others, not even for an instant; the parent folder is created with mode 0700 if missing.
    private static func create(at path: String, token: String) throws(WorkerTokenFileError) {
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) {
            do {
                try FileManager.default.createDirectory(
                    atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotCreate(path: path, reason: "cannot create folder \(parent): \(error.localizedDescription)")
            }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        // The umask may have narrowed the mode further, never widened it; set it exactly anyway.
        _ = fchmod(descriptor, 0o600)
        let bytes = Array((token + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw .cannotCreate(path: path, reason: "writing the token failed: \(reason)")
        }
    }
}

/// Why the token file cannot be used.
public enum WorkerTokenFileError: Error, Hashable, Sendable, CustomStringConvertible {
    case notAFile(path: String)
    case unreadable(path: String)
    case badContent(path: String, reason: String)
    case cannotCreate(path: String, reason: String)

    public var description: String {
        switch self {
        case .notAFile(let path): "token file \(path) is a folder, not a file (KILN_WORKER_TOKEN_FILE)"
        case .unreadable(let path): "token file \(path) exists but cannot be read (check its owner and mode)"
        case .badContent(let path, let reason):
            "token file \(path) does not hold a valid token: \(reason); fix it, or delete it to register as a new worker"
        case .cannotCreate(let path, let reason): "cannot create token file \(path): \(reason)"
        }
    }
}
