import ArgumentParser
import Foundation
import KilnCore
import Store

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one work request: status, result, priority, worker, tags with provenance, all its data.",
        discussion: """
            Tags come with their provenance from the tag audit trail (who proposed each tag, and which tags \
            were dropped and why). Pending-stage data holds the Stage.pending inputs' values once configured; \
            dynamic data, computed for each assignment, includes task_input_fields: the Input* values the \
            worker receives (artifact ids and lookups as resolved).

            Examples:
              kiln show 12
              kiln show 12 --json | jq .dynamic_task_data.task_input_fields
              kiln show 12 --json | jq .pending_stage_data
            """
    )

    @Argument(help: "The work request id.")
    var id: Int

    @Flag(help: "Print JSON instead of text.")
    var json = false

    struct Details: Sendable {
        var stored: StoredWorkRequest
        /// `SCOPE/NAME`.
        var workspace: String
        var scope: String
        var workspaceName: String
        var worker: String?
        var createdBy: String?
        var abortedBy: String?
        var reverseDependencies: [Int]
        var supersededBy: Int?
        var audit: [TagAuditRecord]
        /// The artifacts it produced: id, category, complete.
        var artifacts: [(id: Int, category: String, complete: Bool)]
        /// What its task last reported doing.
        var progress: String?
    }

    func run() async throws {
        try await CLIRunner.run { pool in
            let details = try await WorkRequestRefusals.answering(id, as: .show) { try await pool.withConnection { conn in
                let stored = try await WorkRequestRepository.require(id: id, on: conn)
                let request = stored.workRequest
                let workspace = try await WorkspaceRepository.find(id: request.workspaceID, on: conn)
                return Details(
                    stored: stored,
                    workspace: workspace.map { "\($0.scope)/\($0.name)" } ?? String(request.workspaceID),
                    scope: workspace?.scope ?? "", workspaceName: workspace?.name ?? String(request.workspaceID),
                    worker: try await request.workerID.asyncMap {
                        try await WorkerRepository.find(id: $0, on: conn)?.name
                    }
                        ?? nil,
                    createdBy: try await WorkspaceRepository.user(id: request.createdBy, on: conn)?.username,
                    abortedBy: try await request.abortedBy.asyncMap {
                        try await WorkspaceRepository.user(id: $0, on: conn)?.username
                    } ?? nil,
                    reverseDependencies: try await WorkRequestRepository.reverseDependencies(of: id, on: conn),
                    supersededBy: try await WorkRequestRepository.supersededBy(id, on: conn),
                    audit: try await TagAuditRepository.events(for: .workRequest(id), on: conn),
                    artifacts: try await ArtifactFileRepository.created(byWorkRequest: id, on: conn).asyncCompactMap {
                        try await ArtifactFileRepository.find(id: $0, on: conn).map {
                            ($0.record.id, $0.record.category, $0.complete)
                        }
                    },
                    progress: try await WorkerRepository.progress(ofWorkRequests: [id], on: conn)[id]
                )
            } }
            if json {
                Output.json(Self.json(details))
            } else {
                Self.printText(details)
            }
        }
    }

    /// For each tag of a set, the provenance of its latest kept audit event (`tag (provenance)`), or just the
    /// tag when the audit trail has nothing on it.
    static func tagLines(_ tags: Set<String>, set: TagAuditSetKind, audit: [TagAuditRecord]) -> [JSONValue] {
        tags.sorted().map { tag in
            let kept = audit.last { $0.tag == tag && $0.setKind == set && $0.action != .dropped }
            return [
                "tag": .string(tag), "provenance": Output.optional(kept?.provenance),
                "rule": Output.optional(kept?.rule),
            ]
        }
    }

    static func dropped(_ audit: [TagAuditRecord]) -> [JSONValue] {
        audit.filter { $0.action == .dropped }.map {
            [
                "tag": .string($0.tag), "set": .string($0.setKind.rawValue), "provenance": .string($0.provenance),
                "reason": Output.optional($0.rule),
            ]
        }
    }

    /// Debusine's serializer fields (`WorkRequestSerialization`), then Kiln's own under names Debusine does not
    /// use: names beside the ids, the pipeline's stage and data, the assignment, the graph, tags with provenance.
    static func json(_ details: Details) -> JSONValue {
        let request = details.stored.workRequest
        let outputData: JSONValue? = try? request.outputData.map { try JSONValue.from($0) }
        var fields = WorkRequestSerialization.fields(
            of: request,
            in: WorkRequestSerialization.Context(
                scope: details.scope, workspace: details.workspaceName, eventReactions: details.stored.eventReactions,
                artifacts: details.artifacts.map(\.id)))
        let kilnFields: [String: JSONValue] = [
            "workspace_path": .string(details.workspace), "pending_stage": Output.optional(request.pendingStage?.rawValue),
            "priority": .int(request.effectivePriority), "worker_name": Output.optional(details.worker),
            "assignment_epoch": .int(request.assignmentEpoch), "created_by_name": Output.optional(details.createdBy),
            "pending_at": Output.jsonTime(request.pendingAt), "aborted_by_name": Output.optional(details.abortedBy),
            "dependencies": .array(request.dependencyIDs.sorted().map(JSONValue.int)),
            "reverse_dependencies": .array(details.reverseDependencies.map(JSONValue.int)),
            "supersedes": Output.optional(request.supersedesID), "superseded_by": Output.optional(details.supersededBy),
            "retry_count": .int(request.workflowData.retryCount),
            "scheduler_tags_provided_provenance": .array(
                tagLines(request.schedulerTagsProvided, set: .provided, audit: details.audit)),
            "scheduler_tags_required_provenance": .array(
                tagLines(request.schedulerTagsRequired, set: .required, audit: details.audit)),
            "dropped_tags": .array(dropped(details.audit)),
            "submitted_task_data": request.taskData, "configured_task_data": request.configuredTaskData ?? .null,
            "pending_stage_data": request.pendingStageData ?? .null,
            "dynamic_data_epoch": Output.optional(request.dynamicDataEpoch), "output_data": outputData ?? .null,
            "progress": Output.optional(details.progress),
            "artifact_details": .array(
                details.artifacts.map {
                    ["id": .int($0.id), "category": .string($0.category), "complete": .bool($0.complete)]
                }),
        ]
        fields.merge(kilnFields) { debusine, _ in debusine }
        return .object(fields)
    }

    static func printText(_ details: Details) {
        let request = details.stored.workRequest
        var pairs: [(String, String)] = [
            ("Work request", String(request.id)),
            ("Workspace", details.workspace),
            ("Task", "\(request.taskType.rawValue)/\(request.taskName)"),
            ("Status", details.stored.displayStatus),
            ("Result", request.result.rawValue.orDash),
            (
                "Priority",
                "\(request.effectivePriority) (base \(request.priorityBase), adjustment \(request.priorityAdjustment))"
            ),
            ("Worker", details.worker.map { "\($0) (epoch \(request.assignmentEpoch))" } ?? "-"),
            ("Created", "\(Output.time(request.createdAt)) by \(details.createdBy ?? "-")"),
            ("Pending at", Output.time(request.pendingAt)),
            ("Started", Output.time(request.startedAt)),
            ("Completed", Output.time(request.completedAt)),
        ]
        if let abortedBy = details.abortedBy { pairs.append(("Aborted by", abortedBy)) }
        pairs.append(("Depends on", request.dependencyIDs.sorted().map(String.init).joined(separator: ", ").orDash))
        pairs.append(("Needed by", details.reverseDependencies.map(String.init).joined(separator: ", ").orDash))
        if let supersedes = request.supersedesID { pairs.append(("Supersedes", String(supersedes))) }
        if let supersededBy = details.supersededBy { pairs.append(("Superseded by", String(supersededBy))) }
        pairs.append(("Retry count", String(request.workflowData.retryCount)))
        if let progress = details.progress { pairs.append(("Progress", progress)) }
        pairs.append((
            "Artifacts",
            details.artifacts.map { "\($0.id) \($0.category)\($0.complete ? "" : " (incomplete)")" }
                .joined(separator: ", ").orDash
        ))
        Output.fields(pairs)

        for (title, tags, set) in [
            ("Tags provided", request.schedulerTagsProvided, TagAuditSetKind.provided),
            ("Tags required", request.schedulerTagsRequired, TagAuditSetKind.required),
        ] {
            print("\(title):" + (tags.isEmpty ? " -" : ""))
            for line in tagLines(tags, set: set, audit: details.audit) {
                let object = line.objectValue ?? [:]
                let provenance = object["provenance"]?.stringValue.map { " (\($0))" } ?? ""
                let rule = object["rule"]?.stringValue.map { " via \($0)" } ?? ""
                print("  \(object["tag"]?.stringValue ?? "")\(provenance)\(rule)")
            }
        }
        let droppedTags = dropped(details.audit)
        if !droppedTags.isEmpty {
            print("Dropped tags:")
            for line in droppedTags {
                let object = line.objectValue ?? [:]
                print(
                    "  \(object["tag"]?.stringValue ?? "") [\(object["set"]?.stringValue ?? "")] "
                        + "(\(object["provenance"]?.stringValue ?? "")): \(object["reason"]?.stringValue ?? "")"
                )
            }
        }
        block("Task data", request.taskData)
        block("Configured task data", request.configuredTaskData)
        block("Pending-stage data", request.pendingStageData)
        block(
            request.dynamicDataEpoch.map { "Dynamic task data (assignment \($0))" } ?? "Dynamic task data",
            request.dynamicTaskData)
        let outputData: JSONValue? = try? request.outputData.map { try JSONValue.from($0) }
        block("Output data", outputData)
    }

    static func block(_ title: String, _ value: JSONValue?) {
        guard let value else {
            print("\(title): -")
            return
        }
        print("\(title):")
        let text = Output.pretty(value)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { print("  " + line) }
    }
}
