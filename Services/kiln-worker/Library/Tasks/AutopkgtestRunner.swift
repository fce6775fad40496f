import Foundation
import KilnCore
import KilnTasks

/// `autopkgtest` (Debusine `tasks/autopkgtest.py`): runs the source package's tests on the host with
/// `autopkgtest-virt-unshare` over the cached environment tarball, against the downloaded binaries. The result
/// follows `fail_on` and autopkgtest's exit status as Debusine decides it; one `debian:autopkgtest` with the
/// output folder (without `binaries/`) relates to the source and binaries.
struct AutopkgtestRunner: WorkerTaskRunner {
    static let taskName = AutopkgtestTask.taskName
    static let hostCommands = ["autopkgtest", "unshare"]

    func run(_ task: any ExternalTask, context: TaskRunContext) async throws -> TaskRunReport {
        guard let autopkgtest = task as? AutopkgtestTask else {
            throw CommandError.cannotStart("autopkgtest", reason: "not an autopkgtest task")
        }
        guard let sourceID = try autopkgtest.inputs.artifact("input_source_artifact").artifactID else {
            return TaskRunReport(.error, message: "the source artifact was not resolved")
        }
        let source = try await context.download(sourceID)
        var debs: [URL] = []
        var related = [sourceID]
        for id in try autopkgtest.inputs.multiple("input_binary_artifacts").artifactIDs {
            debs += try await context.download(id).files(endingWith: ".deb")
            related.append(id)
        }
        for id in try autopkgtest.inputs.multiple("input_context_artifacts").artifactIDs {
            debs += try await context.download(id).files(endingWith: ".deb")
        }
        guard let dscPath = source.files.keys.sorted().first(where: { $0.hasSuffix(".dsc") }),
            let dsc = source.files[dscPath]
        else {
            return TaskRunReport(.failure, message: "source artifact \(sourceID) has no .dsc")
        }
        let (_, tarball, environment) = try await context.environmentTarball(task)
        let data = autopkgtest.data
        let outputFolder = context.outputs.appendingPathComponent("artifact-dir", isDirectory: true)
        var arguments = [
            "autopkgtest", "--apt-upgrade", "--output-dir=\(outputFolder.path)",
            "--summary=\(outputFolder.path)/summary", "--no-built-binaries",
        ]
        let codename = environment["codename"]?.stringValue ?? "unstable"
        let repositories = try ExtraRepositoryFiles.write(
            for: task, architecture: context.buildArchitecture(task) ?? environment["architecture"]?.stringValue ?? "amd64",
            codename: codename, context: context)
        arguments += Self.options(data, codename: codename, extraRepositories: repositories.autopkgtestArguments)
        if FileManager.default.fileExists(atPath: "/etc/resolv.conf") {
            arguments.append("--copy=/etc/resolv.conf:/etc/resolv.conf")
        }
        arguments += debs.map(\.path) + [dsc.path]
        let architecture = context.buildArchitecture(task) ?? environment["architecture"]?.stringValue ?? "amd64"
        arguments += ["--", "unshare", "--arch", architecture, "--release", codename, "--tarball", tarball.path]
        let termination = try await context.runMain(Command(arguments, in: context.outputs, timeout: .seconds(6 * 3600)))
        let summaryText = (try? String(contentsOf: outputFolder.appendingPathComponent("summary"), encoding: .utf8)) ?? ""
        let summary = AutopkgtestSummary(summaryText)
        let status: Int32? = if case .exited(let code) = termination { code } else { nil }
        let decision = summary.result(
            exitStatus: status, failOn: (data.failOn.failedTest, data.failOn.flakyTest, data.failOn.skippedTest))
        guard FileManager.default.fileExists(atPath: outputFolder.appendingPathComponent("summary").path) else {
            return TaskRunReport(decision == .temporaryFailure ? .temporaryFailure : .failure, message: "autopkgtest wrote no summary (see the task log)")
        }
        var files: [String: URL] = [:]
        if let walker = FileManager.default.enumerator(at: outputFolder, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker {
                let relative = String(url.path.dropFirst(outputFolder.path.count + 1))
                guard !relative.hasPrefix("binaries/"), (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true
                else { continue }
                files[relative] = url
            }
        }
        let output = OutputArtifact(
            category: KnownCategories.autopkgtest,
            data: [
                "results": summary.resultsJSON, "cmdline": .string(arguments.map(ShellQuoting.quoted).joined(separator: " ")),
                "source_package": [
                    "name": .string(source.data["name"]?.stringValue ?? ""),
                    "version": .string(source.data["version"]?.stringValue ?? ""),
                    // Debusine gives the URL its API serves the .dsc from (`file_data.url`).
                    "url": .string(context.fileStore.fileURL(artifactID: sourceID, path: dscPath).absoluteString),
                ],
                "architecture": .string(architecture),
                "distribution": .string("\(environment["vendor"]?.stringValue ?? "debian"):\(codename)"),
            ],
            files: files, relations: related.map { (.relatesTo, .artifact($0)) })
        return TaskRunReport(
            decision, message: decision == .success ? nil : "autopkgtest: \(summary.lines.map { "\($0.name) \($0.status)" }.joined(separator: ", "))",
            outputs: [output])
    }
}

/// autopkgtest's `summary` file and Debusine's result rules (`Autopkgtest.task_result`).
struct AutopkgtestSummary: Hashable, Sendable {
    struct Line: Hashable, Sendable {
        var name: String
        var status: String
        var details: String?
    }

    /// `name STATUS [details]` lines with a known status (error lines are skipped).
    var lines: [Line]

    init(_ text: String) {
        lines = text.split(separator: "\n").compactMap { raw in
            let parts = raw.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard parts.count >= 2, ["PASS", "FAIL", "SKIP", "FLAKY"].contains(String(parts[1])) else { return nil }
            return Line(
                name: String(parts[0]), status: String(parts[1]),
                details: parts.count == 3 ? parts[2].trimmingCharacters(in: .whitespaces) : nil)
        }
    }

    /// `{test: {status, details}}`.
    var resultsJSON: JSONValue {
        .object(
            Dictionary(
                lines.map { ($0.name, ["status": .string($0.status), "details": $0.details.map(JSONValue.string) ?? .null]) },
                uniquingKeysWith: { $1 }))
    }

    /// Debusine's decision: an abort, exit 16 or an unknown status is a temporary failure; a covered FAIL,
    /// FLAKY or SKIP fails; then exit 4 with failed tests tolerated succeeds, 2 with flaky on fails, 8 with
    /// skipped on fails, 8 with every test skipped is skipped, 0/2/8 succeed, anything else fails.
    func result(exitStatus: Int32?, failOn: (failed: Bool, flaky: Bool, skipped: Bool)) -> TaskOutcome.Result {
        guard let status = exitStatus, status != 16, [0, 2, 4, 6, 8, 12, 14].contains(status) else { return .temporaryFailure }
        for line in lines {
            if line.status == "FAIL" && failOn.failed || line.status == "FLAKY" && failOn.flaky
                || line.status == "SKIP" && failOn.skipped
            {
                return .failure
            }
        }
        if status == 4 && !failOn.failed { return .success }
        if status == 2 && failOn.flaky { return .failure }
        if status == 8 && failOn.skipped { return .failure }
        if status == 8 && !lines.isEmpty && lines.allSatisfy({ $0.status == "SKIP" }) { return .skipped }
        return [0, 2, 8].contains(status) ? .success : .failure
    }
}

extension AutopkgtestRunner {
    /// The options Debusine's `Autopkgtest._cmdline` derives from the task data, in its order (tests
    /// `tasks/tests/test_autopkgtest.py` `test_cmdline_*`): tests to run and skip, the debug level as one `-dd…`,
    /// the extra repositories' `--copy` options (`ExtraRepositoryFiles`), `--apt-default-release` for
    /// `use_packages_from_base_repository`, one `--pin-packages=RELEASE=P1,P2` per release, the environment variables, `--needs-internet`, then the timeouts. Releases and variables come in
    /// sorted order (Kiln's task data keeps no key order); timeouts in `AutopkgtestTimeout`'s field order.
    static func options(
        _ data: AutopkgtestTask.TaskData, codename: String, extraRepositories: [String] = []
    ) -> [String] {
        var options = data.includeTests.map { "--test-name=\($0)" } + data.excludeTests.map { "--skip-test=\($0)" }
        if data.debugLevel > 0 { options.append("-" + String(repeating: "d", count: data.debugLevel)) }
        options += extraRepositories
        // Prefer the base suite's packages over newer ones.
        if data.usePackagesFromBaseRepository { options.append("--apt-default-release=\(codename)") }
        options += data.pinPackages.keys.sorted().map { release in
            "--pin-packages=\(release)=\(data.pinPackages[release]!.joined(separator: ","))"
        }
        options += data.extraEnvironment.keys.sorted().map { "--env=\($0)=\(data.extraEnvironment[$0]!)" }
        options.append("--needs-internet=\(data.needsInternet)")
        options += AutopkgtestTask.timeoutKeys.compactMap { key in data.timeout[key].map { "--timeout-\(key)=\($0)" } }
        return options
    }
}
