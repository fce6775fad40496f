import FileStore
import Foundation
import KilnCore
import Synchronization

/// Environment tarballs (`debian:system-tarball` artifacts) kept on the worker between runs, by SHA-256:
/// `<root>/<sha256>/<filename>`. A tarball is downloaded once, checked, and moved into place in one rename;
/// the least recently used are evicted beyond ``maximumEntries`` or ``maximumBytes`` (Debusine's
/// `ImageCache` keeps ten; Kiln bounds the bytes too, since one tarball is hundreds of MiB).
public actor EnvironmentCache {
    /// The cache folder.
    public let root: URL
    /// Tarballs kept at most.
    public let maximumEntries: Int
    /// Bytes kept at most (the tarball in use is kept even if alone it is bigger).
    public let maximumBytes: Int

    /// A cache in `root` (created if missing).
    public init(root: URL, maximumEntries: Int = 10, maximumBytes: Int) throws {
        self.root = root
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// The local tarball of environment artifact `id`, downloaded if not cached, and its artifact data.
    ///
    /// - Throws: ``EnvironmentError`` for an artifact that is not a one-file system tarball;
    ///   `FileStoreClientError` when the download fails or does not match its SHA-256.
    public func tarball(_ id: Int, client: FileStoreClient) async throws -> (url: URL, data: [String: JSONValue]) {
        let artifact = try await client.artifact(id: id)
        guard artifact.category == KnownCategories.systemTarball else {
            throw EnvironmentError.wrongCategory(id: id, category: artifact.category)
        }
        let name = artifact.data["filename"]?.stringValue ?? artifact.files.first?.path ?? ""
        guard let file = artifact.files.first(where: { $0.path == name }) ?? (artifact.files.count == 1 ? artifact.files.first : nil)
        else {
            throw EnvironmentError.noTarball(id: id, files: artifact.files.map(\.path))
        }
        let folder = root.appendingPathComponent(file.sha256, isDirectory: true)
        let cached = folder.appendingPathComponent((file.path as NSString).lastPathComponent)
        if FileManager.default.fileExists(atPath: cached.path) {
            try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: folder.path)
            return (cached, artifact.data)
        }
        // Two runs wanting the same new tarball share one download (the actor is re-entered while it runs).
        if let running = downloads[file.sha256], !running.task.isCancelled {
            try await running.wait()
            return (cached, artifact.data)
        }
        let download = SharedDownload(
            Task {
                let staging = root.appendingPathComponent(".download-\(UUID().uuidString)", isDirectory: true)
                defer { try? FileManager.default.removeItem(at: staging) }
                let downloaded = staging.appendingPathComponent(cached.lastPathComponent)
                try await client.download(artifactID: id, path: file.path, to: downloaded, expected: file)
                try? FileManager.default.removeItem(at: folder)
                try FileManager.default.moveItem(at: staging, to: folder)
            })
        downloads[file.sha256] = download
        defer { if downloads[file.sha256] === download { downloads[file.sha256] = nil } }
        try await download.wait()
        evict(keeping: folder)
        return (cached, artifact.data)
    }

    /// Downloads under way, by SHA-256.
    private var downloads: [String: SharedDownload] = [:]

    /// One download several runs may wait for, in a task of its own. When the last run waiting for it is
    /// aborted, the download is cancelled, so the abort takes effect at once instead of after the file store's
    /// retries (up to `KILN_WORKER_FILE_STORE_PATIENCE`); a run aborted while others wait keeps waiting with them.
    final class SharedDownload: Sendable {
        let task: Task<Void, any Error>
        private let waiters = Mutex(0)

        init(_ task: Task<Void, any Error>) { self.task = task }

        /// Waits for the download; when the caller is cancelled and nobody else waits, cancels it.
        func wait() async throws {
            waiters.withLock { $0 += 1 }
            try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                if waiters.withLock({ count in
                    count -= 1
                    return count == 0
                }) {
                    task.cancel()
                }
            }
            if Task.isCancelled { throw CancellationError() }
        }
    }

    /// Removes the least recently used entries beyond the bounds, never `kept`.
    func evict(keeping kept: URL) {
        let keys: [URLResourceKey] = [.contentModificationDateKey]
        guard
            let entries = try? FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: keys)
                .filter({ !$0.lastPathComponent.hasPrefix(".") })
        else { return }
        func size(_ folder: URL) -> Int {
            let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.fileSizeKey])) ?? []
            return files.reduce(0) { $0 + ((try? $1.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0) }
        }
        var ordered = entries.map { entry in
            (entry, (try? entry.resourceValues(forKeys: Set(keys)).contentModificationDate) ?? .distantPast, size(entry))
        }.sorted { $0.1 > $1.1 }
        var total = ordered.reduce(0) { $0 + $1.2 }
        while ordered.count > 1, ordered.count > maximumEntries || total > maximumBytes {
            let (oldest, _, bytes) = ordered.removeLast()
            if oldest.standardizedFileURL == kept.standardizedFileURL { continue }
            try? FileManager.default.removeItem(at: oldest)
            total -= bytes
        }
    }
}

/// Why an environment cannot be used.
public enum EnvironmentError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Debusine's `ImageCache`: `Unexpected artifact type {cat}; expected {expected}`.
    case wrongCategory(id: Int, category: String)
    /// No file to unpack.
    case noTarball(id: Int, files: [String])
    /// The tarball did not unpack.
    case unpackFailed(id: Int, status: Int32)
    /// A task needs an environment but none was given.
    case required(task: String)

    public var description: String {
        switch self {
        case .wrongCategory(let id, let category):
            "environment \(id): Unexpected artifact type \(category); expected \(KnownCategories.systemTarball)"
        case .noTarball(let id, let files):
            "environment \(id) has no tarball to unpack (files: \(JSONValue.array(files.map(JSONValue.string)).pythonRepr))"
        case .unpackFailed(let id, let status):
            "environment \(id) did not unpack (tar exited with status \(status); see the task log)"
        case .required(let task): "\(task) needs an environment (task data: environment)"
        }
    }
}
