import ArgumentParser
import Foundation
import KilnCore
import Store

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain why a work request is not running: dependencies, pipeline stage, worker classes.",
        discussion: """
            For a pending work request, every worker is put in a class (same provided tags, required tags, \
            tasks_allowlist and tasks_denylist) and each class is checked with the scheduler's own rule \
            (TR ⊆ WP and WR ⊆ TP, then the task lists): which required tags it lacks, which of its required \
            tags the task does not provide, and how many of its workers are idle, busy, offline or disabled. \
            For any other status, it says what the work request waits for.

            Examples:
              kiln explain 12
              kiln explain 12 --json | jq '.worker_classes[] | select(.can_run)'
            """
    )

    @Argument(help: "The work request id.")
    var id: Int

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let diagnosis = try await pool.withConnection { conn in try await Self.load(id: id, on: conn) }
            if json {
                Output.json(Self.json(diagnosis))
            } else {
                Self.printText(diagnosis)
            }
        }
    }

    /// Reads the work request, its dependencies and every worker, and diagnoses it.
    static func load(id: Int, on conn: PGConnection) async throws -> WorkRequestDiagnosis {
        let stored = try await WorkRequestRepository.require(id: id, on: conn)
        let request = stored.workRequest
        let dependencies = try await WorkRequestRepository.load(ids: request.dependencyIDs.sorted(), on: conn)
            .map {
                DependencyStatus(id: $0.workRequest.id, status: $0.workRequest.status, result: $0.workRequest.result)
            }
        let workerName = try await request.workerID.asyncMap { try await WorkerRepository.find(id: $0, on: conn)?.name }
        let workers = try await WorkerRepository.list(on: conn).map(diagnosedWorker)
        let described = DiagnosedWorkRequest(
            id: request.id,
            taskType: request.taskType,
            taskName: request.taskName,
            status: request.status,
            pendingStage: request.pendingStage,
            workerName: workerName ?? nil,
            result: request.result,
            providedTags: request.schedulerTagsProvided,
            requiredTags: request.schedulerTagsRequired,
            dependencies: dependencies,
            errors: errorLines(request.outputData),
            unblockStrategy: request.unblockStrategy
        )
        return WorkRequestDiagnosis(workRequest: described, workers: workers)
    }

    /// `code: message` for each error of the output data.
    static func errorLines(_ output: OutputData?) -> [String] {
        (output?.errors ?? []).map { "\($0.code): \($0.message)" }
    }

    /// A worker row as the diagnosis sees it. The task lists come from the metadata the scheduler reads:
    /// static metadata (set by admins) wins over what the worker reported.
    static func diagnosedWorker(_ record: WorkerRecord) -> DiagnosedWorker {
        let metadata = record.dynamicMetadata.merging(record.staticMetadata) { _, admin in admin }
        func list(_ key: String) -> [String]? { metadata[key]?.arrayValue?.compactMap(\.stringValue) }
        return DiagnosedWorker(
            id: record.id,
            name: record.name,
            enabled: record.enabled,
            connected: record.connectedAt != nil,
            concurrency: record.concurrency,
            currentLoad: record.activeWorkRequests,
            providedTags: record.providedTags,
            requiredTags: record.requiredTags,
            taskNameFilter: WorkerTaskNameFilter(allowlist: list("tasks_allowlist"), denylist: list("tasks_denylist"))
        )
    }

    static func json(_ diagnosis: WorkRequestDiagnosis) -> JSONValue {
        let request = diagnosis.workRequest
        func strings(_ values: some Sequence<String>) -> JSONValue { .array(values.sorted().map(JSONValue.string)) }
        func counts(_ counts: WorkerStandingCounts) -> JSONValue {
            [
                "idle": .int(counts.idle), "busy": .int(counts.busy), "offline": .int(counts.offline),
                "disabled": .int(counts.disabled), "total": .int(counts.total),
            ]
        }
        var waitingOn: JSONValue = .array([])
        if case .blockedOnDependencies(let dependencies) = diagnosis.state {
            waitingOn = .array(
                dependencies.map {
                    ["id": .int($0.id), "status": .string($0.status.rawValue), "result": .string($0.result.rawValue)]
                }
            )
        }
        let closest = diagnosis.closestClass
        return [
            "id": .int(request.id), "task_name": .string(request.taskName),
            "status": .string(request.status.rawValue),
            "pending_stage": Output.optional(request.pendingStage?.rawValue),
            "worker": Output.optional(request.workerName),
            "state": .string(diagnosis.state.code), "explanation": .string(diagnosis.state.description),
            "waiting_on_dependencies": waitingOn,
            "task_tags_provided": strings(request.providedTags), "task_tags_required": strings(request.requiredTags),
            "worker_classes": .array(
                diagnosis.workerClasses.map { workerClass in
                    [
                        "workers": strings(workerClass.workerNames),
                        "provided_tags": .array(workerClass.providedTags.map(JSONValue.string)),
                        "required_tags": .array(workerClass.requiredTags.map(JSONValue.string)),
                        "tasks_allowlist": workerClass.taskNameFilter.allowlist.map { strings($0) } ?? .null,
                        "tasks_denylist": strings(workerClass.taskNameFilter.denylist),
                        "can_run": .bool(workerClass.canRun),
                        "tags_worker_lacks": .array(workerClass.tagMismatch.tagsWorkerLacks.map(JSONValue.string)),
                        "tags_task_lacks": .array(workerClass.tagMismatch.tagsTaskLacks.map(JSONValue.string)),
                        "task_name_rejection": Output.optional(workerClass.taskNameRejection?.rawValue),
                        "reasons": .array(workerClass.reasons.map(JSONValue.string)),
                        "closest": .bool(workerClass == closest),
                        "standing": counts(workerClass.standing),
                    ]
                }
            ),
            "matching_workers": counts(diagnosis.matchingWorkers),
            "summary": .string(diagnosis.summary),
        ]
    }

    static func printText(_ diagnosis: WorkRequestDiagnosis) {
        let request = diagnosis.workRequest
        print("Work request \(request.id) (\(request.taskName)): \(diagnosis.state.description)")
        guard diagnosis.state == .waitingForWorker else { return }
        print("Task provides: " + request.providedTags.sorted().joined(separator: ", ").orDash)
        print("Task requires: " + request.requiredTags.sorted().joined(separator: ", ").orDash)
        let closest = diagnosis.closestClass
        for (index, workerClass) in diagnosis.workerClasses.enumerated() {
            let count = workerClass.workers.count
            let verdict =
                workerClass.canRun
                ? "can run it" : (workerClass == closest ? "cannot run it (closest)" : "cannot run it")
            print(
                "Worker class \(index + 1): \(count) worker\(count == 1 ? "" : "s") "
                    + "(\(workerClass.workerNames.joined(separator: ", "))): \(verdict)"
            )
            print("  provides: " + workerClass.providedTags.joined(separator: ", ").orDash)
            print("  requires: " + workerClass.requiredTags.joined(separator: ", ").orDash)
            if let allowlist = workerClass.taskNameFilter.allowlist {
                print("  tasks_allowlist: " + allowlist.sorted().joined(separator: ", "))
            }
            if !workerClass.taskNameFilter.denylist.isEmpty {
                print("  tasks_denylist: " + workerClass.taskNameFilter.denylist.sorted().joined(separator: ", "))
            }
            for reason in workerClass.reasons { print("  - \(reason)") }
            print("  workers: \(workerClass.standing.description)")
        }
        print("Summary: \(diagnosis.summary)")
    }
}
