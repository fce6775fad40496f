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

    /// Debusine's `WorkerWorkRequestSerializer` fields for `workRequest` as the worker gets it
    /// (`WorkRequestSerialization`): its status before it is marked running (`pending` for a new assignment, as
    /// Debusine serialises before `mark_running`; `running` for work handed back to a reconnecting worker), the
    /// configured task data, and this assignment's dynamic data.
    static func getNextFields(
        _ workRequest: WorkRequest, configured: JSONValue, dynamic: JSONValue,
        workspace: (scope: String, workspace: String)
    ) -> JSONValue {
        var shown = workRequest
        shown.configuredTaskData = configured
        shown.dynamicTaskData = dynamic
        return .object(
            WorkRequestSerialization.fields(
                of: shown, in: WorkRequestSerialization.Context(scope: workspace.scope, workspace: workspace.workspace)))
    }
}
