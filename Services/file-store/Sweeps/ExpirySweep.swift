import FileStore
import Foundation
import Logging
import Metrics
import Store

/// The file store's sweep: expired and abandoned artifacts, then content no artifact declares, then staged
/// uploads a crashed or cut-off upload left behind (`ArtifactFileRepository.deleteExpiredArtifacts`,
/// `deleteUnreferencedContent`). Each step works in batches, so one sweep never holds a long transaction.
struct ExpirySweep: Sendable {
    let pool: PGPool
    let backend: any FileBackend
    let stagingMaxAge: Duration
    let logger: Logger
    /// Rows per batch.
    var batchSize = 500
    /// An artifact still incomplete after this long is abandoned (Debusine's `vacuum_storage`: one day).
    var incompleteMaxAge: TimeInterval = 86_400

    /// One full sweep; returns how many artifacts and contents it deleted.
    func sweep() async throws -> Int {
        var artifacts = 0
        var contents = 0
        let now = Date()
        while true {
            let deleted = try await pool.withConnection { conn in
                try await ArtifactFileRepository.deleteExpiredArtifacts(
                    now: now, incompleteBefore: now.addingTimeInterval(-incompleteMaxAge), limit: batchSize, on: conn)
            }
            artifacts += deleted.count
            if deleted.count < batchSize { break }
        }
        while true {
            let deleted = try await pool.withConnection { conn in
                try await ArtifactFileRepository.deleteUnreferencedContent(
                    limit: batchSize, remove: { try backend.remove(sha256: $0) }, on: conn)
            }
            contents += deleted
            if deleted < batchSize { break }
        }
        let (seconds, _) = stagingMaxAge.components
        let staged = try backend.removeStaleStaging(olderThan: TimeInterval(seconds))
        _ = try await pool.withConnection { conn in try await TokenRepository.deleteExpiredUserTokens(on: conn) }
        Counter(label: "kiln_file_store_expired_artifacts_total").increment(by: artifacts)
        Counter(label: "kiln_file_store_deleted_contents_total").increment(by: contents)
        if artifacts + contents + staged > 0 {
            logger.notice(
                "expiry sweep deleted",
                metadata: ["artifacts": "\(artifacts)", "contents": "\(contents)", "staged_uploads": "\(staged)"])
        }
        return artifacts + contents
    }
}
