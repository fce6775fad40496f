import Foundation

/// A work request as Debusine's API shows it (`server/serializers.py` `WorkRequestSerializer`, the fields of its
/// `Meta.fields`, with `WorkRequestSerializerWithConfiguredTaskData`'s `task_data`): what `kiln show --json`
/// prints and what a worker's assignment carries (Debusine's get-next body), in one place so the two agree.
///
/// Related rows are ids, times are Django REST framework's (`DateTimeField`: Python's `isoformat()` with `Z` for
/// UTC), the tags are sorted strings. Left out: `url` and `links` (Kiln has no web UI or HTTP API for work
/// requests yet) and the worker's `token` (deploy/docs/fidelity.md, "Artifact files").
public enum WorkRequestSerialization {
    /// What the serializer reads besides the work request itself.
    public struct Context: Hashable, Sendable {
        /// The workspace's scope name (`scope`).
        public var scope: String
        /// The workspace's name within its scope (`workspace`).
        public var workspace: String
        /// The reactions stored with the work request (`event_reactions`).
        public var eventReactions: JSONValue
        /// The ids of the artifacts it created, in order (`artifacts`).
        public var artifacts: [Int]

        /// A context.
        public init(scope: String, workspace: String, eventReactions: JSONValue = [:], artifacts: [Int] = []) {
            self.scope = scope
            self.workspace = workspace
            self.eventReactions = eventReactions
            self.artifacts = artifacts
        }
    }

    /// Which data `task_data` shows: Debusine answers a creation, a show and a worker's get-next with
    /// `WorkRequestSerializerWithConfiguredTaskData`, but an abort and a retry with the plain `WorkRequestSerializer`
    /// (`server/views/work_requests.py` `WorkRequestAbortView.post`, `WorkRequestRetryView.post`).
    public enum TaskDataShown: Sendable {
        /// The configured data once there is some, the data as submitted before.
        case configured
        /// The data as submitted.
        case submitted
    }

    /// The configured data when it is truthy, else the data as submitted: Debusine's
    /// `WorkRequestSerializerWithConfiguredTaskData.to_representation` tests `if instance.configured_task_data:`,
    /// so an empty `{}` shows the submitted data.
    static func configuredOrSubmitted(_ workRequest: WorkRequest) -> JSONValue {
        if let configured = workRequest.configuredTaskData, configured.isPythonTruthy { return configured }
        return workRequest.taskData
    }

    /// The serializer's fields: `task_data` as `shown` says, `status` Debusine's (`pending` while Kiln's pipeline
    /// is still at a pending stage).
    public static func fields(of workRequest: WorkRequest, in context: Context, taskData shown: TaskDataShown = .configured)
        -> [String: JSONValue]
    {
        func time(_ date: Date?) -> JSONValue { date.map { .string(ISO8601Timestamp.restFramework($0)) } ?? .null }
        func id(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }
        let duration: JSONValue =
            if let started = workRequest.startedAt, let completed = workRequest.completedAt {
                .double(completed.timeIntervalSince(started))
            } else {
                .null
            }
        return [
            "id": .int(workRequest.id), "parent": id(workRequest.parentID), "workflow_root": id(workRequest.workflowRootID),
            "task_name": .string(workRequest.taskName), "created_at": time(workRequest.createdAt),
            "created_by": .int(workRequest.createdBy), "completed_by": .null, "aborted_by": id(workRequest.abortedBy),
            "started_at": time(workRequest.startedAt), "completed_at": time(workRequest.completedAt),
            "duration": duration, "worker": id(workRequest.workerID), "task_type": .string(workRequest.taskType.rawValue),
            "task_data": shown == .configured ? configuredOrSubmitted(workRequest) : workRequest.taskData,
            "dynamic_task_data": workRequest.dynamicTaskData ?? .null, "priority_base": .int(workRequest.priorityBase),
            "priority_adjustment": .int(workRequest.priorityAdjustment),
            "workflow_data": (try? JSONValue.from(workRequest.workflowData)) ?? [:],
            "event_reactions": context.eventReactions, "status": .string(workRequest.status.rawValue),
            "result": .string(workRequest.result.rawValue), "artifacts": .array(context.artifacts.map(JSONValue.int)),
            "scope": .string(context.scope), "workspace": .string(context.workspace),
            "scheduler_tags_provided": .array(workRequest.schedulerTagsProvided.sorted().map(JSONValue.string)),
            "scheduler_tags_required": .array(workRequest.schedulerTagsRequired.sorted().map(JSONValue.string)),
        ]
    }
}
