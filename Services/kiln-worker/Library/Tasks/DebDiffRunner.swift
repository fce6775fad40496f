import Foundation
import KilnCore
import KilnTasks

/// `debdiff` (Debusine `tasks/debdiff.py`): compares two source packages (their `.changes`, else `.dsc`) or two
/// sets of binary packages (`--from … --to …`) inside the environment, devscripts installed there first. Exit 0
/// (same) or 1 (different) is success, anything else failure; `debian:debdiff` with `debdiff.txt` is uploaded
/// whatever the result, relating to every input.
struct DebDiffRunner: WorkerTaskRunner {
    static let taskName = DebDiffTask.taskName
    static let hostCommands = ["unshare"]

    func run(_ task: any ExternalTask, context: TaskRunContext) async throws -> TaskRunReport {
        guard let debdiff = task as? DebDiffTask else { throw CommandError.cannotStart("debdiff", reason: "not a debdiff task") }
        let sources = try debdiff.inputs.artifactList("source_artifacts")
        let binaries = try debdiff.inputs.multipleList("binary_artifacts")
        var arguments = ["debdiff"] + debdiff.data.extraFlags
        var original: [URL] = []
        var new: [URL] = []
        if sources.count == 2 {
            for (index, source) in sources.enumerated() {
                guard let id = source.artifactID else { continue }
                let artifact = try await context.download(id)
                guard let target = artifact.files(endingWith: ".changes").first ?? artifact.files(endingWith: ".dsc").first else {
                    return TaskRunReport(.failure, message: "artifact \(id) has no .changes or .dsc to compare")
                }
                if index == 0 { original.append(target) } else { new.append(target) }
            }
            arguments += (original + new).map(\.path)
        } else if binaries.count == 2 {
            for (index, group) in binaries.enumerated() {
                for id in group.artifactIDs {
                    let artifact = try await context.download(id)
                    let debs = artifact.files(endingWith: ".deb") + artifact.files(endingWith: ".udeb")
                    if index == 0 { original += debs } else { new += debs }
                }
            }
            arguments += ["--from"] + original.map(\.path) + ["--to"] + new.map(\.path)
        } else {
            return TaskRunReport(.failure, message: "debdiff compares two source artifacts or two lists of binary artifacts")
        }
        let report = context.outputs.appendingPathComponent("debdiff.txt")
        let termination = try await context.withInstance(task) { instance in
            try await context.install(["devscripts", "diffstat", "patchutils", "wdiff"], in: instance)
            return try await context.runMain(instance.command(arguments, in: context.downloads, standardOutput: report))
        }
        let success: Bool = if case .exited(let status) = termination { status == 0 || status == 1 } else { false }
        var data: [String: JSONValue] = [
            "original": .string(original.map(\.lastPathComponent).joined(separator: " ")),
            "new": .string(new.map(\.lastPathComponent).joined(separator: " ")),
        ]
        if let summary = try? debdiff.computeDynamicData().parameterSummary { data["label"] = .string("debdiff \(summary)") }
        return TaskRunReport(
            success ? .success : .failure, message: success ? nil : "debdiff \(termination)",
            outputs: [
                OutputArtifact(
                    category: KnownCategories.debdiff, data: data, files: ["debdiff.txt": report],
                    relations: context.relatesToInputs())
            ])
    }
}
