import Foundation
import KilnCore
import KilnRuntime
import Logging
import Metrics
import Store

/// Applies `wr.unblocked` and `wr.assigned` inside the consumer's transaction (the inbox row is already
/// claimed on `conn`).
///
/// Both re-read the work request and act only if it is still in the state the event announced, so a
/// duplicate, late or re-driven event (another replica, the sweep) has no second effect; the writes are
/// compare-and-set, so two replicas racing on the same work request change it once.
struct ResolverEventHandler: Sendable {
    let pipelines: ResolverPipelines

    /// What the consumer calls, per event.
    var handlers: EventHandlers {
        var handlers = EventHandlers()
        handlers.on(.unblocked) { id, context, conn in try await unblocked(id, context, conn) }
        handlers.on(.assigned) { assignment, context, conn in try await assigned(assignment, context, conn) }
        return handlers
    }

    // MARK: wr.unblocked → Stage.pending inputs

    private func unblocked(_ id: WorkRequestID, _ context: EventContext, _ conn: PGConnection) async throws {
        let logger = context.logger
        let workRequest = try await load(id, conn)
        guard workRequest.workRequest.pendingStage == .requested else {
            Self.count(stage: "pending-inputs", outcome: "skipped")
            logger.info(
                "work request is not waiting for its pending inputs; nothing to do",
                metadata: ["wr.status": "\(workRequest.displayStatus)"])
            return
        }
        let id = workRequest.workRequest.id
        let lookupContext = try await WorkRequestRepository.lookupContext(of: workRequest.workRequest, on: conn)
        switch try await pipelines.resolvePendingInputs(of: workRequest.workRequest, context: lookupContext, memo: context.cache.lookups, on: conn) {
        case .success(let resolved):
            guard try await WorkRequestRepository.markInputsResolved(workRequest.workRequest, resolved: resolved, on: conn)
            else {
                Self.count(stage: "pending-inputs", outcome: "lost-race")
                logger.info("work request changed while its pending inputs were resolved; nothing written")
                return
            }
            Self.count(stage: "pending-inputs", outcome: "resolved")
            logger.info(
                "pending inputs resolved",
                metadata: ["fields": "\(resolved.pendingFieldValues.keys.sorted().joined(separator: ","))"])
        case .failure(let error):
            try await fail(id, with: error, logger: logger, conn: conn)
            Self.count(stage: "pending-inputs", outcome: "failed")
        }
    }

    // MARK: wr.assigned → Stage.running inputs and computeDynamicData()

    private func assigned(_ assignment: Assignment, _ context: EventContext, _ conn: PGConnection) async throws {
        let logger = context.logger
        let workerID = assignment.worker.rawValue
        let epoch = assignment.epoch.rawValue
        let workRequest = try await load(assignment.workRequest, conn).workRequest
        let id = workRequest.id
        guard workRequest.status == .pending, workRequest.workerID == workerID,
            workRequest.assignmentEpoch == epoch
        else {
            Self.count(stage: "dynamic-data", outcome: "skipped")
            logger.info(
                "assignment is no longer current; nothing to do",
                metadata: [
                    "wr.status": "\(workRequest.status.rawValue)",
                    "wr.worker": "\(workRequest.workerID.map(String.init) ?? "none")",
                    "wr.epoch": "\(workRequest.assignmentEpoch)", "epoch": "\(epoch)",
                ])
            return
        }
        guard workRequest.dynamicDataEpoch != epoch else {
            // Announced again (a worker reconnected, a sweep): the data stands, but the dispatch may have
            // gone to a queue that no longer exists. A dispatch is idempotent per epoch, so queue one more.
            try await EventOutbox.enqueue(.dispatch(assignment), on: conn)
            Self.count(stage: "dynamic-data", outcome: "skipped")
            logger.info("dynamic data already computed for this assignment; dispatch queued again")
            return
        }
        let lookupContext = try await WorkRequestRepository.lookupContext(of: workRequest, on: conn)
        switch try await pipelines.computeDynamicData(of: workRequest, context: lookupContext, memo: context.cache.lookups, on: conn) {
        case .success(let dynamic):
            guard try await WorkRequestRepository.recordDynamicData(dynamic.json, of: workRequest, for: assignment, on: conn)
            else {
                Self.count(stage: "dynamic-data", outcome: "lost-race")
                logger.info("assignment changed while its dynamic data was computed; nothing written")
                return
            }
            Self.count(stage: "dynamic-data", outcome: "computed")
            logger.info("dynamic data computed; dispatch queued", metadata: ["epoch": "\(epoch)"])
        case .failure(let error):
            try await fail(id, with: error, logger: logger, conn: conn)
            Self.count(stage: "dynamic-data", outcome: "failed")
        }
    }

    // MARK: helpers

    /// The event's work request; one that does not exist can never be processed, so the event is
    /// dead-lettered with the reason instead of retried.
    private func load(_ id: WorkRequestID, _ conn: PGConnection) async throws -> StoredWorkRequest {
        guard let stored = try await WorkRequestRepository.load(id: id.rawValue, on: conn) else {
            throw EventRejected("work request \(id) does not exist")
        }
        return stored
    }

    /// Completes the work request with `error` and the pipeline's error entry, cascading to its dependants.
    private func fail(_ id: Int, with error: WorkRequestPipelineError, logger: Logger, conn: PGConnection) async throws {
        let outcome = try await WorkRequestOperations.completeWithPipelineError(
            id, error: error.workRequestError, on: conn)
        logger.warning(
            "work request completed with error",
            metadata: [
                "code": "\(error.code.rawValue)", "error": "\(error.message)",
                "dependants.unblocked": "\(outcome.unblocked)", "dependants.aborted": "\(outcome.aborted)",
            ])
    }

    private static func count(stage: String, outcome: String) {
        Counter(
            label: "kiln_lookup_resolver_pipeline_total", dimensions: [("stage", stage), ("outcome", outcome)]
        ).increment()
    }
}
