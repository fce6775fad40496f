import Foundation
import KilnCore
import Store

/// What a terminated work request does to its reverse dependencies (§1.5), persisted with the core's state
/// machine: tolerated outcomes unblock the automatically unblockable dependants (BLOCKED with
/// `pending_stage = requested` plus `wr.unblocked`, the lookup-resolver's stage), others abort them, and the
/// aborts cascade transitively (each with its own `wr.aborted`).
enum DependencyCascade {
    /// Applies the termination of `id` in the caller's transaction.
    ///
    /// Idempotent: a dependant already being unblocked (a BLOCKED row with a pending stage) counts as
    /// PENDING here, so a repeated event neither unblocks it twice nor aborts it; an already aborted one is
    /// no longer BLOCKED.
    ///
    /// - Returns: the work requests unblocked and aborted, or `nil` when `id` is not terminated (the event
    ///   was stale: nothing to do).
    static func applyTermination(of id: Int, at now: Date, on conn: PGConnection) async throws -> DependencyOutcome? {
        let (loaded, stages) = try await WorkRequestOperations.loadGraph(around: [id], on: conn)
        guard let terminated = loaded[id], terminated.status.isTerminated else { return nil }
        let graph = try WorkRequestGraph(
            loaded.all.map { workRequest in
                var seen = workRequest
                if (stages[workRequest.id] ?? nil) != nil { seen.status = .pending }
                return seen
            })
        let outcome = try graph.applyingTermination(of: id, at: now)
        try await WorkRequestRepository.apply(outcome.edits, stages: stages, on: conn)
        return outcome
    }
}
