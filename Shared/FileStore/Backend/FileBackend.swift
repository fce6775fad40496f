import Foundation

/// Where the file store keeps content, addressed by SHA-256. The service stages each upload in the backend,
/// checks its digest and size while it arrives, then commits it under its digest; a file the backend holds
/// never changes. ``LocalDirectoryBackend`` is the one Kiln ships; a farm spread over several hosts puts the
/// directory on shared storage or implements this protocol over an object store
/// (deploy/docs/scaling.md, "File store").
public protocol FileBackend: Sendable {
    /// A fresh place to write an incoming upload to; nothing reads it until ``commit(staged:sha256:)``.
    func stagingFile() throws -> URL
    /// Moves checked content to its digest's place. Committing content the backend already holds discards
    /// the staged copy (same digest, same bytes).
    func commit(staged: URL, sha256: String) throws
    /// Drops a staged upload that was refused or abandoned.
    func discard(staged: URL)
    /// Whether content `sha256` is held.
    func contains(sha256: String) -> Bool
    /// A local path from which content `sha256` can be streamed, if the backend has one.
    func localPath(sha256: String) -> String?
    /// Deletes content `sha256` (the expiry sweep, once no artifact declares it). Deleting what is not
    /// there is not an error.
    func remove(sha256: String) throws
    /// Deletes staged uploads older than `age` (a service that crashed mid-upload left them).
    ///
    /// - Returns: how many were deleted.
    func removeStaleStaging(olderThan age: TimeInterval) throws -> Int
}
