import ArgumentParser
import KilnCore
import Store

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List work requests, newest first.",
        discussion: """
            STATUS shows pending-requested or inputs-resolved while a blocked work request is being unblocked.

            Examples:
              kiln list
              kiln list --status pending --status running --task sbuild --limit 20
              kiln list --workspace debian/dev --json
            """
    )

    @Option(help: "Only this status (blocked, pending, running, completed, aborted); repeat for several.")
    var status: [String] = []

    @Option(help: "Only this task name.")
    var task: String?

    @Option(help: "Only this workspace (SCOPE/NAME).")
    var workspace: String?

    @Option(help: "Only work requests assigned to this worker (name).")
    var worker: String?

    @Option(help: "At most this many.")
    var limit = 50

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let statuses = try status.map { text in
                guard let value = WorkRequestStatus(rawValue: text.lowercased()) else {
                    throw CLIError(
                        "unknown status '\(text)': expected one of "
                            + WorkRequestStatus.allCases.map(\.rawValue).joined(separator: ", ")
                    )
                }
                return value
            }
            guard limit >= 1 else { throw CLIError("--limit \(limit) must be at least 1") }
            let path = try workspace.map { text throws(RepositoryError) in try WorkspacePath(parsing: text) }
            let summaries = try await pool.withConnection { conn in
                let workspaceID = try await path.asyncMap { try await WorkspaceRepository.require($0, on: conn).id }
                // A filter naming no worker is an ordinary refusal (exit 1); Debusine's worker codes are `kiln worker`'s.
                let workerID = try await worker.asyncMap { name in
                    guard let found = try await WorkerRepository.find(name: name, on: conn) else {
                        throw RepositoryError.notFound(kind: "worker", key: name)
                    }
                    return found.id
                }
                return try await WorkRequestRepository.list(
                    WorkRequestFilter(
                        statuses: statuses,
                        taskName: task,
                        workspaceID: workspaceID,
                        workerID: workerID,
                        limit: limit
                    ),
                    on: conn
                )
            }
            if json {
                Output.json(.array(summaries.map(Self.json)))
                return
            }
            Output.table(
                ["ID", "WORKSPACE", "TASK", "STATUS", "RESULT", "WORKER", "PRIORITY", "CREATED", "BY"],
                summaries.map { summary in
                    [
                        String(summary.id), summary.workspace, "\(summary.taskType.rawValue)/\(summary.taskName)",
                        summary.displayStatus, summary.result.rawValue.orDash, summary.worker ?? "-",
                        String(summary.priority), Output.time(summary.createdAt), summary.createdBy ?? "-",
                    ]
                }
            )
        }
    }

    /// A row: the fields Debusine's serializer gives under its names and types (ids for the worker and the
    /// creator, `scope` and `workspace` apart), and Kiln's names and stage beside them, as `kiln show --json`.
    static func json(_ summary: WorkRequestSummary) -> JSONValue {
        [
            "id": .int(summary.id), "scope": .string(summary.scope), "workspace": .string(summary.workspaceName),
            "workspace_path": .string(summary.workspace), "task_type": .string(summary.taskType.rawValue),
            "task_name": .string(summary.taskName), "status": .string(summary.coreStatus.rawValue),
            "pending_stage": Output.optional(summary.pendingStage?.rawValue),
            "result": .string(summary.result.rawValue), "worker": Output.optional(summary.workerID),
            "worker_name": Output.optional(summary.worker), "priority": .int(summary.priority),
            "created_at": Output.jsonTime(summary.createdAt), "created_by": Output.optional(summary.createdByID),
            "created_by_name": Output.optional(summary.createdBy),
        ]
    }
}
