import Foundation
import KilnCore
import KilnRuntime
import Logging
import Metrics
import Store

/// `wr.inputs-resolved` → the tag-computer's stage of unblocking (Debusine `db/tasks/base.py`
/// `DBTask.apply_task_configuration`, called by `WorkRequest.mark_pending`): subject/context, task configuration, the
/// final task tag sets with provenance, frozen as the work request becomes PENDING.
///
/// Idempotent by compare-and-set: only a row still BLOCKED at `inputs-resolved` is touched, and the write
/// (`markPendingConfigured` / `failPendingTransition`) repeats that condition, so a duplicate event, a
/// sweep's re-drive or a second replica racing on the same row commits no second effect.
struct WorkRequestConfigurer: Sendable {
    let registry: TaskRegistry
    let settings: InputResolutionSettings

    /// What the pure pipeline decided for one work request.
    enum Outcome: Sendable {
        /// Configured: the result and, per set, who proposed each workspace-provenance tag.
        case configured(PendingTransitionResult, contributors: [TagAuditSetKind: [String: String]])
        /// Configuration failed for good (Debusine `WorkRequest.record_configuration_error`).
        case failed(WorkRequestPipelineError)
    }

    func handle(_ workRequest: WorkRequestID, _ context: EventContext, on conn: PGConnection) async throws {
        let id = workRequest.rawValue
        guard let stored = try await WorkRequestRepository.load(id: id, on: conn) else {
            throw EventRejected("work request \(id) does not exist")
        }
        guard stored.workRequest.pendingStage == .inputsResolved else {
            Self.count("not_at_stage")
            context.logger.info(
                "work request is not at inputs-resolved: nothing to do", metadata: ["status": "\(stored.displayStatus)"])
            return
        }
        let now = Date()
        switch try await configure(stored, memo: context.cache.lookups, on: conn) {
        case .configured(let result, let contributors):
            // The core's transition (inputs-resolved → schedulable), stored as one compare-and-set.
            guard try await WorkRequestRepository.markPendingConfigured(stored.workRequest, result: result, at: now, on: conn)
            else { return lostRace(context) }
            try await TagAuditRepository.attributeWorkspaceTags(workRequestID: id, contributors: contributors, on: conn)
            Self.count("pending")
            let dropped = result.tags.provided.dropped.count + result.tags.required.dropped.count
            if dropped > 0 {
                Counter(label: "kiln_tag_computer_tags_dropped_total", dimensions: [("subject", "wr")])
                    .increment(by: dropped)
            }
            if let failure = result.configuredTaskFailure {
                context.logger.notice(
                    "the configured task data does not build its task: tagged as submitted; the assignment will fail it",
                    metadata: ["error": "\(failure)"])
            }
            context.logger.info(
                "work request configured and pending",
                metadata: [
                    "tags.provided": "\(result.tags.provided.tags.joined(separator: " "))",
                    "tags.required": "\(result.tags.required.tags.joined(separator: " "))",
                    "tags.dropped": "\(dropped)",
                    "configuration.entries": "\(result.appliedConfigurationEntries.joined(separator: ", "))",
                ])
        case .failed(let error):
            // Debusine's `record_configuration_error` completes the PENDING work request: stored as one
            // compare-and-set from inputs-resolved, with the cascade to its dependants in the same transaction.
            // `apply_task_configuration` had copied the task data to `configured_task_data` before it failed
            // (`db/tasks/tests/test_base.py` `test_apply_configuration_fails`), so the record keeps that copy.
            var failed = stored.workRequest
            failed.configuredTaskData = failed.taskData
            let completed = try failed.markedCompleted(
                result: .error, outputData: OutputData(errors: [error.workRequestError]), at: now)
            let cascade = try await WorkRequestOperations.terminate(stored, as: completed, at: now, on: conn)
            context.logger.logDependantsSettled(by: cascade, cause: id)
            Self.count("configure_failed")
            context.logger.notice(
                "work request completed with error: configuration failed",
                metadata: ["error": "\(error.message)", "code": "\(error.code.rawValue)"])
        }
    }

    /// Runs `PendingTransition.configure` over the database (one session, inside the event's transaction),
    /// reading through `memo` (shared by the events of the transaction: the task-configuration collection
    /// of a workspace is read once per batch).
    ///
    /// - Throws: database errors (retried by the consumer); configuration problems are an `Outcome`.
    func configure(_ stored: StoredWorkRequest, memo: LookupMemo, on conn: PGConnection) async throws -> Outcome {
        let id = stored.workRequest.id
        let pending: ResolvedPendingInputs
        do {
            guard let resolved = try WorkRequestRepository.resolvedPendingInputs(of: stored.workRequest) else {
                return .failed(WorkRequestPipelineError(code: .configureFailed, cause: .task("not at inputs-resolved")))
            }
            pending = resolved
        } catch let error as RepositoryError {
            return .failed(WorkRequestPipelineError(code: .configureFailed, cause: .task("\(error)")))
        }
        if stored.workRequest.taskType == .internal {
            // Debusine neither configures nor tags Internal tasks (`WorkRequest.mark_pending`); Kiln still stores
            // configured data so every PENDING row has it (schema.md, migration 2).
            return .configured(
                PendingTransitionResult(
                    configuredTaskData: pending.taskData,
                    pendingStageValues: [ResolvedInputs.dynamicDataKey: .object(pending.pendingFieldValues)],
                    tags: TaskTagSets(
                        provided: ComputedTagSet(tags: [], audit: []), required: ComputedTagSet(tags: [], audit: [])),
                    appliedConfigurationEntries: [],
                    subjectContext: TaskConfigurationSubjectContext(subject: nil, context: nil),
                    configurationCollectionID: nil),
                contributors: [:])
        }
        let tagContext = try await WorkRequestRepository.tagContext(id: id, on: conn)
        let registry = self.registry
        let settings = self.settings
        return try await conn.withSynchronousAccess { session in
            let store = FaultRecordingLookupStore(PGLookupStore(session, memo: memo))
            let lookups = LookupResolver(store: store)
            do {
                let result = try PendingTransition.configure(
                    pending, registry: registry, workRequest: tagContext, lookups: lookups, settings: settings)
                // The pipeline tolerates a configured task that fails to build (the assignment fails it), so a
                // database error met while building it is only seen here.
                if let fault = store.fault { throw fault }
                var items: [TaskConfigurationItem] = []
                if let collectionID = result.configurationCollectionID {
                    items = try TaskConfigurationEntries.load(
                        collectionID: collectionID, lookups: lookups, context: pending.lookupContext)
                }
                return Outcome.configured(
                    result, contributors: ConfigurationAttribution.contributors(result: result, items: items))
            } catch {
                // A database failure surfaces as a lookup failure inside the pipeline; it is not the work
                // request's fault, so it is retried instead of completing the work request with an error.
                if let fault = store.fault { throw fault }
                if let pipelineError = error as? WorkRequestPipelineError { return Outcome.failed(pipelineError) }
                throw error
            }
        }
    }

    private func lostRace(_ context: EventContext) {
        Self.count("not_at_stage")
        context.logger.info("work request left inputs-resolved meanwhile: nothing written")
    }

    static func count(_ outcome: String) {
        Counter(label: "kiln_tag_computer_work_requests_total", dimensions: [("outcome", outcome)]).increment()
    }
}
