import Foundation
import KilnCore
import Store

/// Builds the `gateway.assignment` a worker rebuilds its `ExternalTask` from (Debusine `worker/task_runner.py`
/// `TaskRunner.setup_task`): the CONFIGURED task data as `task_data` and the dynamic data with `task_input_fields`, so
/// the worker needs no database and no lookups.
enum AssignmentBuilder {
    /// Why a work request cannot be sent yet.
    struct NotReady: Error, CustomStringConvertible {
        var description: String
    }

    static func assignment(for workRequest: WorkRequest, on conn: PGConnection) async throws -> WorkAssignment {
        guard let configured = workRequest.configuredTaskData else {
            throw NotReady(description: "work request \(workRequest.id) has no configured task data")
        }
        // Only this assignment's dynamic data may reach a worker (the row says whose it is).
        guard let dynamic = workRequest.dynamicTaskData, workRequest.dynamicDataEpoch == workRequest.assignmentEpoch
        else {
            throw NotReady(
                description: "work request \(workRequest.id) has no dynamic task data for assignment \(workRequest.assignmentEpoch) yet")
        }
        let names = try await WorkerRepository.workspaceNames(workspaceID: workRequest.workspaceID, on: conn)
        return WorkAssignment(
            workRequestID: workRequest.id, epoch: workRequest.assignmentEpoch, taskType: workRequest.taskType,
            taskName: workRequest.taskName, taskData: configured, dynamicTaskData: dynamic, workspace: names.workspace,
            scope: names.scope,
            workRequest: getNextFields(workRequest, configured: configured, dynamic: dynamic, workspace: names))
    }

    /// Debusine's `WorkerWorkRequestSerializer` fields for `workRequest` as the worker gets it: its status before
    /// it is marked running (`pending` for a new assignment, as Debusine serialises before `mark_running`;
    /// `running` for work handed back to a reconnecting worker), `task_data` the configured data, ids for the
    /// related rows, ISO 8601 times, and no `url`, `links` or `token` (HTTP only).
    static func getNextFields(
        _ workRequest: WorkRequest, configured: JSONValue, dynamic: JSONValue,
        workspace: (scope: String, workspace: String)
    ) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(ISO8601Timestamp.format($0)) } ?? .null }
        func id(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }
        return [
            "id": .int(workRequest.id), "parent": id(workRequest.parentID), "workflow_root": id(workRequest.workflowRootID),
            "task_type": .string(workRequest.taskType.rawValue), "task_name": .string(workRequest.taskName),
            "task_data": configured, "dynamic_task_data": dynamic,
            "created_at": time(workRequest.createdAt), "created_by": .int(workRequest.createdBy),
            "started_at": time(workRequest.startedAt), "completed_at": time(workRequest.completedAt),
            "duration": .null, "completed_by": .null, "aborted_by": id(workRequest.abortedBy),
            "worker": id(workRequest.workerID), "status": .string(workRequest.status.rawValue),
            "result": .string(workRequest.result.rawValue), "priority_base": .int(workRequest.priorityBase),
            "priority_adjustment": .int(workRequest.priorityAdjustment),
            "workflow_data": (try? JSONValue.from(workRequest.workflowData)) ?? [:], "event_reactions": [:],
            "artifacts": [], "scope": .string(workspace.scope), "workspace": .string(workspace.workspace),
            "scheduler_tags_provided": .array(workRequest.schedulerTagsProvided.sorted().map(JSONValue.string)),
            "scheduler_tags_required": .array(workRequest.schedulerTagsRequired.sorted().map(JSONValue.string)),
        ]
    }
}
