import Foundation
import KilnCore
import KilnTasks

/// `sbuild` (Debusine `tasks/sbuild.py`): builds the source package on the host with sbuild's unshare mode
/// in the cached environment tarball. The build log is uploaded whatever the result (with dose3's
/// explanation when the build dependencies could not be installed); on success, as Debusine's
/// `upload_artifacts`: one `debian:binary-package` per `.deb`/`.udeb` of the built components (`-dbgsym`
/// packages included), one `debian:debug-symbols` per binary with a `-dbgsym` package, a `debian:upload` of
/// the `.changes`, and the `.changes` alone as `debusine:signing-input`, related as Debusine relates them.
struct SbuildRunner: WorkerTaskRunner {
    static let taskName = SbuildTask.taskName
    static let hostCommands = ["sbuild", "unshare", "dpkg-deb"]

    func run(_ task: any ExternalTask, context: TaskRunContext) async throws -> TaskRunReport {
        guard let sbuild = task as? SbuildTask else { throw CommandError.cannotStart("sbuild", reason: "not an sbuild task") }
        guard let sourceID = try sbuild.inputs.artifact("input_source_artifact").artifactID else {
            return TaskRunReport(.error, message: "the source artifact was not resolved")
        }
        let source = try await context.download(sourceID)
        guard let dsc = source.files(endingWith: ".dsc").first else {
            return TaskRunReport(.failure, message: "source artifact \(sourceID) has no .dsc")
        }
        var extras: [URL] = []
        for id in try sbuild.inputs.multiple("input_extra_binary_artifacts").artifactIDs {
            extras += try await context.download(id).files(endingWith: ".deb")
        }
        let (_, tarball, environment) = try await context.environmentTarball(task)
        let architecture = context.buildArchitecture(task) ?? "amd64"
        let data = sbuild.data
        let components = Set(data.buildComponents)
        var arguments = [
            "sbuild", "--purge-deps=never", "--no-run-lintian", "--no-run-autopkgtest",
            components.contains("any") ? "--arch-any" : "--no-arch-any",
            components.contains("all") ? "--arch-all" : "--no-arch-all",
            components.contains("source") ? "--source" : "--no-source",
            "--arch=\(architecture)", "--dist=\(environment["codename"]?.stringValue ?? "unstable")",
            "--chroot-mode=unshare", "--chroot=\(tarball.path)", "--build-dir=\(context.outputs.path)",
        ]
        // Then in the order of Debusine's `Sbuild._cmdline`: extra repositories, binNMU, profiles, resolver
        // options, dose3, extra packages, the .dsc.
        arguments += try ExtraRepositoryFiles.write(
            for: task, architecture: architecture, codename: environment["codename"]?.stringValue ?? "unstable",
            context: context
        ).sbuildArguments
        arguments += try Self.binNMUArguments(sbuild)
        if !data.buildProfiles.isEmpty { arguments.append("--profiles=" + data.buildProfiles.joined(separator: ",")) }
        if let resolver = data.buildDepResolver { arguments.append("--build-dep-resolver=\(resolver)") }
        if let criteria = data.aspcudCriteria, !criteria.isEmpty { arguments.append("--aspcud-criteria=\(criteria)") }
        if data.resolveAlternatives { arguments.append("--resolve-alternatives") }
        arguments.append("--bd-uninstallable-explainer=dose3")
        arguments += extras.map { "--extra-package=\($0.path)" }
        arguments.append(dsc.path)
        var environmentVariables = Command.toolEnvironment()
        let options = ["nocheck", "nodoc"].filter(data.buildProfiles.contains)
        if !options.isEmpty { environmentVariables["DEB_BUILD_OPTIONS"] = options.joined(separator: " ") }
        let termination = try await context.runMain(
            Command(arguments, in: context.outputs, environment: environmentVariables, timeout: .seconds(6 * 3600)))

        // Debusine's consistency check comes before any upload; a folder that fails it uploads nothing.
        let inconsistencies: [String]
        do {
            inconsistencies = try SbuildConsistency.errors(in: context.outputs)
        } catch {
            return TaskRunReport(.error, message: "\(error)")
        }
        if let first = inconsistencies.first {
            for error in inconsistencies { context.note("consistency: \(error)") }
            let more = inconsistencies.count > 1 ? " (and \(inconsistencies.count - 1) more in the task log)" : ""
            return TaskRunReport(.failure, message: "sbuild's output is inconsistent: \(first)\(more)")
        }

        // The build log: sbuild's timestamped regular file (the symbolic link beside it is skipped).
        let logs = (try? FileManager.default.contentsOfDirectory(at: context.outputs, includingPropertiesForKeys: nil)) ?? []
        let buildLog = logs.filter { $0.pathExtension == "build" && !Self.isSymbolicLink($0) }.sorted { $0.path < $1.path }.last
        let sourceName = source.data["name"]?.stringValue ?? ""
        let sourceVersion = source.data["version"]?.stringValue ?? ""
        var result: TaskOutcome.Result
        var message: String?
        switch termination {
        case .timedOut:
            result = .failure
            message = "sbuild timed out"
        case .exited(let status) where status != 0:
            result = .failure
            message = "sbuild exited with status \(status)"
        case .exited:
            guard let buildLog else { return TaskRunReport(.error, message: "sbuild exited 0 but wrote no .build log") }
            let status = SbuildLog.status(in: SbuildLog.text(of: buildLog))
            result = status == "successful" ? .success : .failure
            message = result == .success ? nil : "sbuild's log says Status: \(status ?? "(none)")"
        }
        guard let buildLog else { return TaskRunReport(result, message: message) }
        // Debusine looks for dose3's explanation only when the build did not succeed; output that is not YAML
        // stops the upload there (its `yaml.load` raises).
        var explanation: JSONValue?
        if result != .success {
            do {
                explanation = try SbuildDoseExplanation.parse(log: SbuildLog.text(of: buildLog))
            } catch {
                return TaskRunReport(.error, message: "dose3's output in \(buildLog.lastPathComponent) is not YAML: \(error)")
            }
        }
        var outputs: [OutputArtifact] = [
            OutputArtifact(
                category: KnownCategories.packageBuildLog,
                data: [
                    "source": .string(sourceName), "version": .string(sourceVersion), "architecture": .string(architecture),
                    "filename": .string(buildLog.lastPathComponent), "bd_uninstallable": explanation ?? .null,
                ],
                files: [buildLog.lastPathComponent: buildLog], relations: context.relatesToInputs())
        ]
        guard result == .success else {
            if explanation != nil { message = (message.map { $0 + ": " } ?? "") + "build dependencies are not installable" }
            return TaskRunReport(result, message: message, outputs: outputs)
        }

        // Debusine's `_upload_binary_packages`: the host architecture's packages for `any`, then the `_all` ones
        // for `all`, each group by name.
        var groups: [[String]] = []
        if components.contains("any") { groups.append(["_\(architecture).deb", "_\(architecture).udeb"]) }
        if components.contains("all") { groups.append(["_all.deb", "_all.udeb"]) }
        let debs = groups.flatMap { suffixes in
            logs.filter { deb in suffixes.contains { deb.lastPathComponent.hasSuffix($0) } && !Self.isSymbolicLink(deb) }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        var binaries: [(deb: URL, index: Int)] = []
        for deb in debs {
            let data = try await SbuildLog.binaryPackageData(deb, context: context)
            outputs.append(
                OutputArtifact(
                    category: KnownCategories.binaryPackage, data: data, files: [deb.lastPathComponent: deb],
                    relations: context.fetchedArtifactIDs.map { (.builtUsing, .artifact($0)) }))
            binaries.append((deb, outputs.count - 1))
            outputs[0].relations.append((.relatesTo, .output(outputs.count - 1)))
        }
        for (deb, index) in binaries {
            do {
                guard let symbols = try await DebugSymbolsExtraction.artifact(for: deb, context: context) else { continue }
                outputs.append(
                    OutputArtifact(
                        category: symbols.category, data: symbols.data, files: symbols.files,
                        relations: [(.relatesTo, .output(index))]))
            } catch {
                // Debusine has uploaded the log and the binary packages when this raises, and related only the
                // log to the sources (the other relations come after every upload).
                var uploaded = Array(outputs.prefix(binaries.count + 1))
                uploaded[0].relations = context.relatesToInputs()
                for position in 1..<uploaded.count { uploaded[position].relations = [] }
                return TaskRunReport(.error, message: "\(error)", outputs: uploaded)
            }
        }
        if let changes = logs.first(where: { $0.pathExtension == "changes" }) {
            let (data, listed) = try PackageArtifactData.upload(
                changesName: changes.lastPathComponent, changesText: try String(contentsOf: changes, encoding: .utf8))
            var files = [changes.lastPathComponent: changes]
            for name in listed { files[name] = context.outputs.appendingPathComponent(name) }
            outputs.append(
                OutputArtifact(
                    category: KnownCategories.upload, data: data, files: files,
                    relations: binaries.flatMap { [(.extends, .output($0.index)), (.relatesTo, .output($0.index))] }))
            let upload = outputs.count - 1
            outputs[0].relations.append((.relatesTo, .output(upload)))
            // Debusine's `SigningInputArtifact.create([changes])`: what a later signing task signs.
            outputs.append(
                OutputArtifact(
                    category: KnownCategories.signingInput, data: ["trusted_certs": .null, "binary_package_name": .null],
                    files: [changes.lastPathComponent: changes], relations: [(.relatesTo, .output(upload))]))
        }
        return TaskRunReport(.success, outputs: outputs)
    }

    /// Debusine's `Sbuild._cmdline_binnmu`: nothing without a binNMU; else its changelog, suffix, timestamp (as
    /// `email.utils.format_datetime` writes it) and maintainer (`binnmu_maintainer` when none is given).
    static func binNMUArguments(_ sbuild: SbuildTask) throws -> [String] {
        guard let binnmu = sbuild.data.binnmu else { return [] }
        var arguments = ["--make-binNMU=\(binnmu.changelog)", "--append-to-version=\(binnmu.suffix)", "--binNMU=0"]
        if let timestamp = binnmu.timestamp { arguments.append("--binNMU-timestamp=\(timestamp.rfc5322)") }
        arguments.append("--maintainer=\(try binnmu.maintainer ?? sbuild.binnmuMaintainer)")
        return arguments
    }

    static func isSymbolicLink(_ url: URL) -> Bool {
        ((try? url.resourceValues(forKeys: [.isSymbolicLinkKey]))?.isSymbolicLink) ?? false
    }
}

/// What Kiln reads from sbuild's results.
enum SbuildLog {
    /// The log as text, whatever its encoding (a build log is not necessarily UTF-8: a compiler or LaTeX may
    /// print Latin-1); invalid bytes become U+FFFD, as Debusine reads it with `errors="replace"`.
    static func text(of log: URL) -> String {
        String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
    }

    /// The last `Status: ` line's value (Debusine's `Sbuild.task_result`).
    static func status(in log: String) -> String? {
        log.split(separator: "\n").last { $0.hasPrefix("Status: ") }.map { String($0.dropFirst(8)).trimmingCharacters(in: .whitespaces) }
    }

    /// Debusine's `debian:binary-package` data for `deb` (`BinaryPackage.create`), read with `dpkg-deb`
    /// (`PackageArtifactData.binaryPackage`).
    static func binaryPackageData(_ deb: URL, context: TaskRunContext) async throws -> [String: JSONValue] {
        let control = context.directory.appendingPathComponent("control-\(deb.lastPathComponent).txt")
        let tarball = context.directory.appendingPathComponent("control-\(deb.lastPathComponent).tar")
        let members = context.directory.appendingPathComponent("members-\(deb.lastPathComponent).txt")
        let steps = PackageArtifactData.debReadingCommands(
            deb: deb.path, control: control.path, tarball: tarball.path, members: members.path)
        for step in steps {
            let command = Command(step.arguments, in: context.outputs, standardOutput: URL(fileURLWithPath: step.output))
            guard case .exited(0) = try await context.run(command) else {
                throw CommandError.cannotStart(step.arguments[0], reason: "could not read \(deb.lastPathComponent)")
            }
        }
        return try PackageArtifactData.binaryPackage(
            debName: deb.lastPathComponent, controlText: try String(contentsOf: control, encoding: .utf8),
            controlMembers: try String(contentsOf: members, encoding: .utf8).split(separator: "\n").map(String.init))
    }
}
