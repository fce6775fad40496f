import Foundation

/// Content in a local directory (a compose volume; `.kiln/files` locally): `ab/cd/<sha256>` under the root,
/// staged uploads under `incoming/`, on the same file system so a commit is one `rename(2)`.
public struct LocalDirectoryBackend: FileBackend {
    /// The directory holding everything.
    public let root: URL

    /// Uses `root`, creating it and `incoming/` if missing.
    ///
    /// - Throws: `CocoaError` naming the directory when it cannot be created or written.
    public init(root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        guard FileManager.default.isWritableFile(atPath: incoming.path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: incoming.path])
        }
    }

    private var incoming: URL { root.appendingPathComponent("incoming", isDirectory: true) }

    /// `ab/cd/<sha256>` under the root: two levels of 256 directories keep each directory small.
    public func location(of sha256: String) -> URL {
        let characters = Array(sha256)
        return root.appendingPathComponent(String(characters[0..<2]), isDirectory: true)
            .appendingPathComponent(String(characters[2..<4]), isDirectory: true)
            .appendingPathComponent(sha256, isDirectory: false)
    }

    public func stagingFile() throws -> URL {
        let url = incoming.appendingPathComponent("upload-\(UUID().uuidString)", isDirectory: false)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        return url
    }

    public func commit(staged: URL, sha256: String) throws {
        let destination = location(of: sha256)
        if FileManager.default.fileExists(atPath: destination.path) {
            discard(staged: staged)
            return
        }
        try FileManager.default.createDirectory(
            at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Read-only: content is immutable once stored.
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: staged.path)
        guard rename(staged.path, destination.path) == 0 else {
            let code = errno
            discard(staged: staged)
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [NSFilePathErrorKey: destination.path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)])
        }
    }

    public func discard(staged: URL) {
        try? FileManager.default.removeItem(at: staged)
    }

    public func contains(sha256: String) -> Bool {
        FileManager.default.fileExists(atPath: location(of: sha256).path)
    }

    public func localPath(sha256: String) -> String? {
        let path = location(of: sha256).path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    public func remove(sha256: String) throws {
        do {
            try FileManager.default.removeItem(at: location(of: sha256))
        } catch CocoaError.fileNoSuchFile {
            return
        }
    }

    public func removeStaleStaging(olderThan age: TimeInterval) throws -> Int {
        let cutoff = Date().addingTimeInterval(-age)
        var removed = 0
        for url in try FileManager.default.contentsOfDirectory(
            at: incoming, includingPropertiesForKeys: [.contentModificationDateKey])
        {
            let modified = try url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate
            if let modified, modified < cutoff {
                discard(staged: url)
                removed += 1
            }
        }
        return removed
    }
}
