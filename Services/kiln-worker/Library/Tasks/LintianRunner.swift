import Foundation
import KilnCore
import KilnTasks

/// `lintian` (Debusine `tasks/lintian.py`): installs lintian in the environment and runs it there over the
/// downloaded `.dsc`, `.deb` and `.udeb` files — on the host when the work request has no environment (Kiln's
/// `null` executor; needs lintian installed). Uploads one `debian:lintian` per architecture group (`source`,
/// `all`, each architecture) the `output` options enable, with `analysis.json` and `lintian.txt`, relating to
/// every input; the result follows `fail_on_severity`.
struct LintianRunner: WorkerTaskRunner {
    static let taskName = LintianTask.taskName
    static let hostCommands = ["unshare"]

    func run(_ task: any ExternalTask, context: TaskRunContext) async throws -> TaskRunReport {
        guard let lintian = task as? LintianTask else { throw CommandError.cannotStart("lintian", reason: "not a lintian task") }
        var inputs: [DownloadedArtifact] = []
        if let source = try lintian.inputs.optionalArtifact("input_source_artifact"), let id = source.artifactID {
            inputs.append(try await context.download(id))
        }
        for id in try lintian.inputs.multiple("input_binary_artifacts").artifactIDs {
            inputs.append(try await context.download(id))
        }
        // Targets and the architecture group of each package (Debusine's `_architecture_to_packages`).
        var targets: [URL] = []
        var groups: [String: Set<String>] = [:]
        var filenames: [String: String] = [:]
        for artifact in inputs {
            for dsc in artifact.files(endingWith: ".dsc") {
                targets.append(dsc)
                // lintian names the source package by the .dsc's Source field (an upload artifact has no `name`).
                let text = (try? String(contentsOf: dsc, encoding: .utf8)) ?? ""
                let name = (try? Deb822.parse(text))?["Source"] ?? artifact.data["name"]?.stringValue
                    ?? dsc.deletingPathExtension().lastPathComponent
                groups["source", default: []].insert("\(name) source")
                filenames["\(name) source"] = dsc.lastPathComponent
            }
            for deb in artifact.files(endingWith: ".deb") + artifact.files(endingWith: ".udeb") {
                targets.append(deb)
                let parts = deb.deletingPathExtension().lastPathComponent.split(separator: "_")
                guard parts.count == 3 else { continue }
                let package = String(parts[0])
                groups[String(parts[2]), default: []].insert(package)
                filenames[package] = deb.lastPathComponent
            }
        }
        guard !targets.isEmpty else {
            return TaskRunReport(
                .failure,
                message: "No *.dsc, *.deb or *.udeb to be analyzed. Files: \(JSONValue.array(inputs.flatMap(\.files.keys).sorted().map(JSONValue.string)).pythonRepr)")
        }
        let data = lintian.data
        var arguments = [
            "lintian", "--no-cfg", "--display-level", ">=classification", "--display-experimental", "--info",
            "--show-overrides",
        ]
        if !data.includeTags.isEmpty { arguments.append("--tags=" + data.includeTags.joined(separator: ",")) }
        if !data.excludeTags.isEmpty { arguments.append("--suppress-tags=" + data.excludeTags.joined(separator: ",")) }
        arguments += targets.map(\.path)
        let report = context.outputs.appendingPathComponent("lintian.txt")
        let versionFile = context.outputs.appendingPathComponent("lintian-version.txt")

        let termination: CommandTermination
        if TaskRunContext.environmentID(task) != nil {
            termination = try await context.withInstance(task) { instance in
                try await context.install(["lintian"], in: instance)
                _ = try await context.run(
                    instance.command(["lintian", "--print-version"], in: context.outputs, standardOutput: versionFile))
                return try await context.runMain(instance.command(arguments, in: context.downloads, standardOutput: report))
            }
        } else {
            _ = try await context.run(Command(["lintian", "--print-version"], in: context.outputs, standardOutput: versionFile))
            termination = try await context.runMain(Command(arguments, in: context.downloads, standardOutput: report))
        }
        guard case .exited(let status) = termination, status == 0 || status == 2 else {
            return TaskRunReport(.error, message: "lintian \(termination) (see the task log)")
        }
        let parsed = try LintianReport(output: (try? String(contentsOf: report, encoding: .utf8)) ?? "")
        let version = ((try? String(contentsOf: versionFile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var outputs: [OutputArtifact] = []
        var enabled: Set<String> = []
        for architecture in groups.keys.sorted() where data.analyses.enables(architecture) {
            let packages = groups[architecture]!
            enabled.formUnion(packages)
            let (analysis, summary) = parsed.analysis(
                packages: packages, packageFilenames: filenames, lintianVersion: version,
                distribution: data.targetDistribution)
            let analysisFile = try context.writeOutput("analysis-\(architecture).json", analysis.compactJSON)
            outputs.append(
                OutputArtifact(
                    category: KnownCategories.lintian, data: ["architecture": .string(architecture), "summary": summary],
                    files: ["analysis.json": analysisFile, "lintian.txt": report], relations: context.relatesToInputs()))
        }
        let failed = parsed.fails(on: data.failOnSeverity, packages: enabled)
        return TaskRunReport(
            failed ? .failure : .success,
            message: failed ? "lintian reported tags of severity \(data.failOnSeverity) or higher" : nil, outputs: outputs)
    }

}

extension LintianTask.Analyses {
    /// Whether the analysis of an architecture group is enabled (Debusine's
    /// `_is_analysis_enabled_for_architecture`).
    func enables(_ architecture: String) -> Bool {
        switch architecture {
        case "source": source
        case "all": binaryAll
        default: binaryAny
        }
    }
}
