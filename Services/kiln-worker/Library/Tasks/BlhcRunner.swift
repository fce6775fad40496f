import Foundation
import KilnCore
import KilnTasks

/// `blhc` (Debusine `tasks/blhc.py`): checks a build log for missing hardening flags, inside the environment
/// (blhc installed there first). Exit 0 or 1 is success, anything else failure; `debian:blhc` with
/// `blhc.txt` is uploaded whatever the result, relating to the build log.
struct BlhcRunner: WorkerTaskRunner {
    static let taskName = BlhcTask.taskName
    static let hostCommands = ["unshare"]

    func run(_ task: any ExternalTask, context: TaskRunContext) async throws -> TaskRunReport {
        guard let blhc = task as? BlhcTask, let logID = try blhc.inputs.artifact("input_artifact").artifactID else {
            throw CommandError.cannotStart("blhc", reason: "not a blhc task with a resolved build log")
        }
        let log = try await context.download(logID)
        guard let buildLog = log.files(endingWith: ".build").first else {
            return TaskRunReport(.failure, message: "artifact \(logID) has no .build file")
        }
        let report = context.outputs.appendingPathComponent("blhc.txt")
        let termination = try await context.withInstance(task) { instance in
            try await context.install(["blhc"], in: instance)
            return try await context.runMain(
                instance.command(["blhc", "--debian"] + blhc.data.extraFlags + [buildLog.path], in: context.downloads, standardOutput: report))
        }
        let success: Bool = if case .exited(let status) = termination { status == 0 || status == 1 } else { false }
        var data: [String: JSONValue] = [:]
        for key in ["source", "version", "architecture"] { if let value = log.data[key] { data[key] = value } }
        return TaskRunReport(
            success ? .success : .failure, message: success ? nil : "blhc \(termination)",
            outputs: [
                OutputArtifact(
                    category: KnownCategories.blhc, data: data, files: ["blhc.txt": report], relations: context.relatesToInputs())
            ])
    }
}
