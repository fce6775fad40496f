import KilnCore
import Store

/// The two pipeline steps this service owns (Debusine `db/models/work_requests.py`: the pending-stage inputs of
/// `WorkRequest.apply_task_configuration`, the dynamic data of `WorkRequest.assign_worker`), each run as one
/// synchronous lookup walk on the handler's own connection (inside its transaction), so the lookups see the same
/// database state the compare-and-set will be judged against.
///
/// Both read through `memo`, which the events of one transaction share (`TransactionCache`): a batch of work
/// requests looking in the same suite and environments asks each collection question once.
///
/// Each returns the pipeline's own failure as a value (the work request must be completed with it) and
/// throws only what should be retried: database errors, including those met while looking up.
struct ResolverPipelines: Sendable {
    let registry: TaskRegistry
    let settings: InputResolutionSettings

    /// `PendingTransition.resolvePendingInputs`: the `Stage.pending` fields of the submitted task data.
    ///
    /// Internal tasks are neither configured nor tagged by Debusine (`db/models/work_requests.py`
    /// `WorkRequest.mark_pending`) and have no input fields, so they pass with no values rather than failing on a
    /// registry they may not be part of.
    func resolvePendingInputs(
        of workRequest: WorkRequest, context: LookupContext, memo: LookupMemo, on conn: PGConnection
    ) async throws -> Result<ResolvedPendingInputs, WorkRequestPipelineError> {
        if workRequest.taskType == .internal {
            return .success(
                ResolvedPendingInputs(
                    taskType: workRequest.taskType, taskName: workRequest.taskName, taskData: workRequest.taskData,
                    lookupContext: context, pendingFieldValues: [:]))
        }
        let registry = self.registry
        let settings = self.settings
        return try await conn.withSynchronousAccess { session in
            let store = FaultRecordingLookupStore(PGLookupStore(session, memo: memo))
            do throws(WorkRequestPipelineError) {
                return .success(
                    try PendingTransition.resolvePendingInputs(
                        registry: registry, taskType: workRequest.taskType, taskName: workRequest.taskName,
                        taskData: workRequest.taskData, lookups: LookupResolver(store: store), context: context,
                        settings: settings))
            } catch {
                if let fault = store.fault { throw fault }
                return .failure(error)
            }
        }
    }

    /// `WorkRequestAssignment.computeDynamicData`: `Stage.running` fields from the CONFIGURED task data,
    /// then `computeDynamicData()`.
    func computeDynamicData(
        of workRequest: WorkRequest, context: LookupContext, memo: LookupMemo, on conn: PGConnection
    ) async throws -> Result<TaskDynamicData, WorkRequestPipelineError> {
        guard let configured = workRequest.configuredTaskData else {
            // Debusine 0.16 guarantees configured task data for every PENDING work request; without it there is
            // nothing to compute from, which no retry will change.
            return .failure(
                WorkRequestPipelineError(
                    code: .dynamicDataFailed,
                    cause: .task("work request \(workRequest.id) has no configured task data")))
        }
        let registry = self.registry
        let settings = self.settings
        return try await conn.withSynchronousAccess { session in
            let store = FaultRecordingLookupStore(PGLookupStore(session, memo: memo))
            do throws(WorkRequestPipelineError) {
                return .success(
                    try WorkRequestAssignment.computeDynamicData(
                        registry: registry, taskType: workRequest.taskType, taskName: workRequest.taskName,
                        configuredTaskData: configured, lookups: LookupResolver(store: store), context: context,
                        settings: settings))
            } catch {
                if let fault = store.fault { throw fault }
                return .failure(error)
            }
        }
    }
}
