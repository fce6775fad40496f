import Foundation
import KilnCore

/// Builders shared by the work-request tests, so each test states only what matters to it.
enum Fixture {
    /// A fixed instant; tests offset from it instead of reading the clock.
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    static func at(_ seconds: TimeInterval) -> Date { epoch.addingTimeInterval(seconds) }

    /// A Worker work request in `status`, configured (as Debusine 0.16 guarantees for pending/running ones).
    static func workRequest(
        _ id: Int, status: WorkRequestStatus = .blocked, type: TaskType = .worker, name: String = "sbuild",
        worker: Int? = nil, createdAt: Date? = nil, priority: (base: Int, adjustment: Int) = (0, 0),
        parent: Int? = nil, root: Int? = nil, dependencies: Set<Int> = [], workflowData: WorkflowData = WorkflowData(),
        result: WorkRequestResult = .none, strategy: UnblockStrategy = .deps, taskData: JSONValue = ["input": 1]
    ) -> WorkRequest {
        WorkRequest(
            id: id, workspaceID: 1, createdAt: createdAt ?? at(Double(id)), createdBy: 100, taskType: type,
            taskName: name, taskData: taskData, status: status, result: result,
            configuredTaskData: status == .blocked ? nil : ["configured": true], workerID: worker,
            priorityBase: priority.base, priorityAdjustment: priority.adjustment, unblockStrategy: strategy,
            parentID: parent, workflowRootID: root, dependencyIDs: dependencies, workflowData: workflowData)
    }

    /// A RUNNING workflow that is its own root.
    static func runningWorkflow(_ id: Int) -> WorkRequest {
        workRequest(id, status: .running, type: .workflow, name: "sbuild", root: id)
    }
}
