import Foundation

/// What the scheduler does by itself with a work request that no worker runs (Debusine `server/scheduler.py`
/// `schedule_internal` and `complete_wait_tasks`).
public enum InternalWorkAction: Hashable, Sendable {
    /// Complete it with `success` (a PENDING synchronisation point, a RUNNING delay that is due).
    case completeSuccess
    /// Mark it RUNNING (a PENDING Wait task; it then waits for time or a person).
    case markRunning
    /// Mark it RUNNING and queue its parent workflow's callback (at most one per parent in flight).
    case runWorkflowCallback(parentID: Int)
    /// Mark it RUNNING and queue the orchestrator of its root workflow (at most one per root in flight).
    case runOrchestrator(rootID: Int)
}

/// A Wait/delay task whose `delay_until` is missing or unreadable.
public struct InternalWorkError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The offending work request.
    public var workRequestID: Int
    /// What is wrong.
    public var reason: String

    /// Memberwise.
    public init(workRequestID: Int, reason: String) {
        self.workRequestID = workRequestID
        self.reason = reason
    }

    public var description: String { "work request \(workRequestID): \(reason)" }
}

extension WorkRequest {
    /// The scheduler's own action for this work request now, or `nil` when there is none (Worker, Server
    /// and Signing tasks, unknown Internal names, blocked or terminated work requests, a delay not yet
    /// due, Wait tasks that wait for a person).
    ///
    /// Wait/delay reads `delay_until` (ISO 8601) from the configured task data, falling back to the
    /// original task data.
    public func internalWorkAction(at now: Date) throws(InternalWorkError) -> InternalWorkAction? {
        let name = taskName.lowercased()
        switch (taskType, status) {
        case (.internal, .pending) where name == "synchronization_point":
            return .completeSuccess
        case (.internal, .pending) where name == "workflow":
            guard let parentID else {
                throw InternalWorkError(workRequestID: id, reason: "a workflow callback needs a parent workflow")
            }
            return .runWorkflowCallback(parentID: parentID)
        case (.workflow, .pending):
            return .runOrchestrator(rootID: workflowRootID ?? id)
        case (.wait, .pending):
            return .markRunning
        case (.wait, .running) where name == "delay":
            return try delayUntil() <= now ? .completeSuccess : nil
        default:
            return nil
        }
    }

    /// The `delay_until` time of a Wait/delay task.
    public func delayUntil() throws(InternalWorkError) -> Date {
        let data = configuredTaskData ?? taskData
        guard let value = data.value(atPath: "delay_until") else {
            throw InternalWorkError(workRequestID: id, reason: "delay task has no delay_until")
        }
        guard let text = value.stringValue, let date = ISO8601Timestamp.parse(text) else {
            throw InternalWorkError(
                workRequestID: id, reason: "delay_until \(value.compactJSON) is not an ISO 8601 timestamp")
        }
        return date
    }

    /// Applies an internal action: the changed work request (the callback or orchestrator is queued by
    /// the scheduler once this is committed).
    public func applying(_ action: InternalWorkAction, at now: Date) throws(StatusChangeError) -> WorkRequest {
        switch action {
        case .completeSuccess: try markedCompleted(result: .success, at: now)
        case .markRunning, .runWorkflowCallback, .runOrchestrator: try markedRunning(at: now)
        }
    }
}

/// Picks, from the pending workflow callbacks and workflows, the ones that may run now (Debusine 0.16
/// `server/scheduler.py` `schedule_internal`): at most one callback per parent and one orchestrator per root in flight,
/// lowest id first.
public enum InternalWorkBatch {
    /// The actions to take this round, in id order.
    ///
    /// - Parameters:
    ///   - candidates: work requests to consider (any status; those without an action are skipped).
    ///   - busyParents: parents whose callback is already queued or running.
    ///   - busyRoots: roots whose orchestrator is already queued or running.
    public static func plan(
        candidates: [WorkRequest], busyParents: Set<Int>, busyRoots: Set<Int>, at now: Date
    ) throws(InternalWorkError) -> [(workRequest: WorkRequest, action: InternalWorkAction)] {
        var parents = busyParents
        var roots = busyRoots
        var planned: [(workRequest: WorkRequest, action: InternalWorkAction)] = []
        for candidate in candidates.sorted(by: { $0.id < $1.id }) {
            guard let action = try candidate.internalWorkAction(at: now) else { continue }
            switch action {
            case .runWorkflowCallback(let parentID):
                guard parents.insert(parentID).inserted else { continue }
            case .runOrchestrator(let rootID):
                guard roots.insert(rootID).inserted else { continue }
            case .completeSuccess, .markRunning:
                break
            }
            planned.append((candidate, action))
        }
        return planned
    }
}
