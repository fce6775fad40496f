import Foundation

/// The record a finished task run leaves in its workspace's `_@debusine:task-history` (Debusine's
/// `WorkRequest.process_record_in_task_history` for the `record-in-task-history` action every task adds to its
/// `on_success` and `on_failure` reactions, `db/tasks/base.py` `BaseTask.get_event_reactions`): the bare data of
/// a `debusine:historical-task-run`, as `DebusineHistoricalTaskRun.model_dump(mode="json")` writes it.
///
/// Kept so later planning can see how long, and how successfully, a task ran for a subject and context.
public enum HistoricalTaskRun {
    /// The run's data, or `nil` when this work request records nothing: it is not completed with `success`
    /// (`on_success`) or `failure`, `temporary failure` or `error` (`on_failure`); or it never started, has no
    /// dynamic data, or reported no `runtime_statistics`.
    ///
    /// `subject` and `context` are the dynamic data's `subject` and `runtime_context` (`null` when unset);
    /// `timestamp` is the start time in whole seconds since the epoch.
    public static func data(for workRequest: WorkRequest) -> [String: JSONValue]? {
        guard workRequest.status == .completed,
            workRequest.result == .success || TaskHistoryPruning.failureResults.contains(workRequest.result),
            let startedAt = workRequest.startedAt,
            let dynamicData = workRequest.dynamicTaskData,
            let statistics = workRequest.outputData?.runtimeStatistics
        else { return nil }
        func text(_ key: String) -> JSONValue {
            guard case .string(let value) = dynamicData.objectValue?[key] else { return .null }
            return .string(value)
        }
        return [
            "task_type": .string(workRequest.taskType.rawValue),
            "task_name": .string(workRequest.taskName),
            "subject": text(TaskDynamicData.Key.subject),
            "context": text(TaskDynamicData.Key.runtimeContext),
            "timestamp": .int(Int(startedAt.timeIntervalSince1970.rounded(.down))),
            "work_request_id": .int(workRequest.id),
            "result": .string(workRequest.result.rawValue),
            "runtime_statistics": statistics,
        ]
    }
}
