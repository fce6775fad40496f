import Foundation
import KilnCore

/// The steps of Kiln's pipelines, as the services write them: each takes the row as the caller read it in
/// this transaction, applies the core's transition (`WorkRequest+Pipeline`) and persists it through
/// ``apply(_:workersToStop:on:)`` — one compare-and-set, with the event the core derives from the
/// before/after states:
///
/// ```
/// PENDING/requested ─markInputsResolved─► PENDING/inputs-resolved ─markPendingConfigured─► PENDING   (wr.inputs-resolved, wr.pending)
/// PENDING, assigned under epoch N ─recordDynamicData─► ready to dispatch                           (wr.dispatch)
/// ```
///
/// Each returns `false`, writing nothing, when the row is no longer where the step starts (a duplicate or
/// late event, another replica first); a row changed between the read and the write throws
/// `RepositoryError.concurrentUpdate`, which the consumer applies again in place.
extension WorkRequestRepository {
    /// Lookup-resolver: the `Stage.pending` inputs are resolved; `resolved` is kept in `pending_stage_data`
    /// for the tag-computer.
    public static func markInputsResolved(
        _ before: WorkRequest, resolved: ResolvedPendingInputs, on conn: PGConnection
    ) async throws -> Bool {
        let record = try JSONValue.from(resolved)  // an encoding failure is an error, not a lost race
        guard let after = try? before.markedInputsResolved(record) else { return false }
        try await apply([WorkRequestEdit(before: before, after: after)], on: conn)
        return true
    }

    /// The resolved pending inputs of a work request at `inputs-resolved` (`nil` at any other stage).
    ///
    /// An earlier agreement between the services kept them under the key `pending_inputs`; both forms are
    /// read.
    ///
    /// - Throws: `RepositoryError.invalid` naming the work request when they are missing or unreadable.
    public static func resolvedPendingInputs(of workRequest: WorkRequest) throws -> ResolvedPendingInputs? {
        guard workRequest.pendingStage == .inputsResolved else { return nil }
        guard let stored = workRequest.pendingStageData, !stored.isNull else {
            throw RepositoryError.invalid(
                "work request \(workRequest.id) is at inputs-resolved but has no resolved pending inputs")
        }
        do {
            return try (stored.objectValue?["pending_inputs"] ?? stored).decode(ResolvedPendingInputs.self)
        } catch {
            throw RepositoryError.invalid(
                "the resolved pending inputs stored for work request \(workRequest.id) are unreadable: \(error)")
        }
    }

    /// Tag-computer: configured, tags frozen — the work request is schedulable. Stores the configured task
    /// data, the pending fields' values, the sorted tag arrays and their audit trail.
    public static func markPendingConfigured(
        _ before: WorkRequest, result: PendingTransitionResult, at now: Date = Date(), on conn: PGConnection
    ) async throws -> Bool {
        guard let after = try? before.markedConfigured(
                configuredTaskData: result.configuredTaskData, pendingStageValues: result.pendingStageValues,
                tagsProvided: Set(result.tags.provided.tags), tagsRequired: Set(result.tags.required.tags), at: now)
        else { return false }
        try await apply([WorkRequestEdit(before: before, after: after)], on: conn)
        try await TagAuditRepository.record(result.tags, subject: .workRequest(before.id), on: conn)
        return true
    }

    /// Lookup-resolver: the dynamic data of `assignment` is computed; it replaces an earlier assignment's,
    /// and the assignment is ready to dispatch.
    public static func recordDynamicData(
        _ dynamicData: JSONValue, of before: WorkRequest, for assignment: Assignment, on conn: PGConnection
    ) async throws -> Bool {
        guard before.id == assignment.workRequest.rawValue, before.workerID == assignment.worker.rawValue,
            let after = try? before.recordingDynamicData(dynamicData, forEpoch: assignment.epoch.rawValue)
        else { return false }
        try await apply([WorkRequestEdit(before: before, after: after)], on: conn)
        return true
    }
}
