import Foundation
import KilnCore
import KilnRuntime
import KilnTasks
import ServiceKit
import Store

/// `kiln submit --batch FILE`: every entry validated against its task's model before anything is written,
/// then all of them created in one transaction by `WorkRequestOperations.submitBatch`.
struct BatchSubmission {
    var path: String
    var workspace: String
    var createdBy: String?
    var json: Bool

    func run() async throws {
        let started = ContinuousClock.now
        // Inside CLIRunner.run, so every refusal prints as one `kiln: …` line with exit 1, as elsewhere.
        let (outcomes, displayed) = try await CLIRunner.run { pool in
            var file = try BatchFile(DataInput.file(path, what: "--batch"), source: path == "-" ? "(stdin)" : path)
            let registry = try KilnTasks.registry()
            let workspacePath = try WorkspacePath(parsing: workspace)
            // Validate everything before touching the database: a bad entry never reaches a transaction.
            for position in file.entries.indices {
                do {
                    file.entries[position].taskType = try SubmittableTasks.resolve(
                        name: file.entries[position].taskName, requested: file.entries[position].requestedType,
                        registry: registry)
                } catch {
                    throw CLIError("--batch entry \(position): \(error)")
                }
                let entry = file.entries[position]
                do {
                    _ = try submission(entry, workspaceID: 0, createdBy: 0).validated(by: registry)
                } catch {
                    let refusal = SubmittableTasks.invalidData(
                        type: entry.taskType, name: entry.taskName, taskData: entry.taskData, error: error)
                    throw CLIError("--batch entry \(position): \(refusal.description)")
                }
            }
            let settings = try RuntimeSettings.inputResolution(EnvironmentReader())
            let user = ActingUser.name(createdBy)
            return try await pool.withCASRetry { conn in
                let workspace = try await WorkspaceRepository.require(workspacePath, on: conn)
                let creator = try await WorkspaceRepository.findOrCreateUser(user, on: conn)
                let entries = try file.entries.map { entry in
                    BatchSubmissionEntry(
                        try submission(entry, workspaceID: workspace.id, createdBy: creator.id).validated(by: registry),
                        afterPositions: entry.after)
                }
                let outcomes = try await WorkRequestOperations.submitBatch(entries, on: conn)
                let statuses = try await WorkRequestRepository.statuses(ids: outcomes.map(\.id), on: conn)
                // Every entry that could start at once must be able to start as it is (WorkRequestCreationCheck);
                // one that cannot refuses the whole file, as any bad entry does.
                let pending = outcomes.indices.filter { statuses[outcomes[$0].id]?.pendingStage == .requested }
                if let first = pending.first,
                    let (index, failure) = try await WorkRequestOperations.firstCreationCheckFailure(
                        of: pending.map { entries[$0].validated.submission },
                        representative: try await WorkRequestRepository.require(id: outcomes[first].id, on: conn)
                            .workRequest,
                        registry: registry, settings: settings, on: conn)
                {
                    let position = pending[index]
                    let entry = file.entries[position]
                    let refusal = SubmittableTasks.cannotStart(
                        type: entry.taskType, name: entry.taskName, taskData: entry.taskData, failure: failure)
                    throw CLIError("--batch entry \(position): \(refusal.description)", context: refusal.context)
                }
                return (outcomes, statuses)
            }
        }
        let elapsed = ContinuousClock.now - started
        if json {
            Output.json(
                .array(
                    outcomes.map { outcome in
                        [
                            "id": .int(outcome.id),
                            "status": .string(displayed[outcome.id]?.coreStatus.rawValue ?? "?"),
                            "pending_stage": Output.optional(displayed[outcome.id]?.pendingStage?.rawValue),
                            "aborted": .array(outcome.aborted.map(JSONValue.int)),
                        ]
                    }))
            return
        }
        var counts: [String: Int] = [:]
        for outcome in outcomes { counts[displayed[outcome.id]?.displayStatus ?? "?", default: 0] += 1 }
        let summary = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let first = outcomes.first?.id ?? 0
        let last = outcomes.last?.id ?? 0
        print(
            "submitted \(outcomes.count) work requests, ids \(first)–\(last), in one transaction "
                + "(\(Self.seconds(elapsed)) s): \(summary)")
    }

    private func submission(_ entry: BatchFile.Entry, workspaceID: Int, createdBy: Int) -> WorkRequestSubmission {
        WorkRequestSubmission(
            workspaceID: workspaceID, createdBy: createdBy, taskType: entry.taskType, taskName: entry.taskName,
            taskData: entry.taskData, priorityBase: entry.priority, dependencyIDs: entry.dependsOn,
            workflowData: entry.workflowData)
    }

    private static func seconds(_ duration: Duration) -> String {
        String(format: "%.2f", duration.timeInterval)
    }
}
