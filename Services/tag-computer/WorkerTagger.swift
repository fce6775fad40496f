import Foundation
import KilnCore
import KilnRuntime
import Logging
import Metrics
import Store

/// `worker.metadata` → the worker's provided and required tag sets with provenance (Debusine `server/scheduler.py`
/// `get_provided_worker_tags`, `get_required_task_tags`), stored with their audit trail; `worker.ready` when the worker
/// can take work.
///
/// Idempotent: recomputing from the same metadata stores the same sets; the store is a compare-and-set on
/// the metadata version read, so an older computation never overwrites a newer one.
struct WorkerTagger: Sendable {
    func handle(_ worker: WorkerID, _ context: EventContext, on conn: PGConnection) async throws {
        let id = worker.rawValue
        guard let snapshot = try await WorkerRepository.tagSnapshot(id: id, on: conn) else {
            throw EventRejected("worker \(id) does not exist")
        }
        var logger = context.logger
        logger[metadataKey: "worker.name"] = "\(snapshot.name)"
        let sets = WorkerTagComputation.compute(try Self.inputs(snapshot, logger: logger))
        switch try await WorkerRepository.storeComputedTags(sets, basedOn: snapshot, on: conn) {
        case .superseded:
            Self.count("superseded")
            logger.info("worker metadata changed meanwhile: its own worker.metadata recomputes")
        case .stored(let announce):
            if announce { try await EventOutbox.enqueue(.workerReady(worker), on: conn) }
            Self.count("computed")
            let dropped = sets.provided.dropped.count + sets.required.dropped.count
            if dropped > 0 {
                Counter(label: "kiln_tag_computer_tags_dropped_total", dimensions: [("subject", "worker")])
                    .increment(by: dropped)
            }
            logger.info(
                "worker tags computed",
                metadata: [
                    "tags.provided": "\(sets.provided.tags.joined(separator: " "))",
                    "tags.required": "\(sets.required.tags.joined(separator: " "))",
                    "tags.dropped": "\(dropped)", "ready": "\(announce)",
                ])
        }
    }

    /// The tag lists of the worker's metadata.
    ///
    /// Static metadata is the admin's (the repository validates it): a malformed list there is refused.
    /// Dynamic metadata is the worker's and untrusted: a malformed list there is ignored with a warning,
    /// so a broken worker report cannot stop the admin's tags from applying.
    static func inputs(_ snapshot: WorkerTagSnapshot, logger: Logger) throws -> WorkerTagInputs {
        var inputs: WorkerTagInputs
        do {
            inputs = try WorkerTagInputs(
                workerType: snapshot.workerType, staticMetadata: snapshot.staticMetadata, dynamicMetadata: [:])
        } catch {
            throw EventRejected("worker \(snapshot.id) (\(snapshot.name)): \(error)")
        }
        do {
            let dynamic = try WorkerTagInputs(
                workerType: snapshot.workerType, staticMetadata: [:], dynamicMetadata: snapshot.dynamicMetadata)
            inputs.dynamicProvidedTags = dynamic.dynamicProvidedTags
            inputs.dynamicRequiredTags = dynamic.dynamicRequiredTags
        } catch {
            logger.warning("ignoring the worker's own tag lists", metadata: ["error": "\(error)"])
        }
        return inputs
    }

    static func count(_ outcome: String) {
        Counter(label: "kiln_tag_computer_workers_total", dimensions: [("outcome", outcome)]).increment()
    }
}
