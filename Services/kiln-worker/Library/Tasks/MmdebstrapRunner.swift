import Foundation
import KilnCore
import KilnTasks

/// `mmdebstrap` (Debusine `tasks/mmdebstrap.py`): bootstraps a system on the host with `mmdebstrap
/// --mode=unshare --format=tar` from the first repository (the worker's APT mirror in the demo), records
/// `/etc/os-release` and the package list through hooks, and on success uploads `debian:system-tarball`
/// (`system.tar.xz`) with Debusine's data. No inputs, no relations.
struct MmdebstrapRunner: WorkerTaskRunner {
    static let taskName = MmdebstrapTask.taskName
    static let hostCommands = ["mmdebstrap", "unshare"]

    func run(_ task: any ExternalTask, context: TaskRunContext) async throws -> TaskRunReport {
        guard let bootstrap = task as? MmdebstrapTask, let repository = bootstrap.bootstrap.repositories.first else {
            throw CommandError.cannotStart("mmdebstrap", reason: "not an mmdebstrap task")
        }
        let data = bootstrap.bootstrap
        let unsupported = Self.unsupported(data)
        guard unsupported.isEmpty else {
            return TaskRunReport(
                .error, message: "Kiln's mmdebstrap runner does not support \(unsupported.joined(separator: ", ")) yet")
        }
        let components = repository.components ?? ["main"]
        let tarball = context.outputs.appendingPathComponent("system.tar.xz")
        let facts = context.directory.appendingPathComponent("facts", isDirectory: true)
        try FileManager.default.createDirectory(at: facts, withIntermediateDirectories: true)
        var arguments = [
            "mmdebstrap", "--mode=unshare", "--format=tar", "--architectures=\(data.architecture)", "--verbose",
            "--aptopt=Acquire::http::timeout=60", "--aptopt=Acquire::https::timeout=60",
            "--components=\(components.joined(separator: ","))",
            // Ordinary hooks run as mmdebstrap's namespaced root, which may not write the worker's folders; they
            // write inside the chroot, and the special `download` hooks (run as the worker) fetch the results.
            "--customize-hook=download /etc/os-release \(facts.path)/os-release",
            "--customize-hook=chroot \"$1\" dpkg-query --show --showformat '${Package}\\t${Version}\\n' > \"$1/tmp/kiln-pkglist\"",
            "--customize-hook=if [ -x \"$1/sbin/init\" ] || [ -h \"$1/sbin/init\" ]; then echo yes; else echo no; fi > \"$1/tmp/kiln-with-init\"",
            "--customize-hook=download /tmp/kiln-pkglist \(facts.path)/pkglist",
            "--customize-hook=download /tmp/kiln-with-init \(facts.path)/with-init",
            "--customize-hook=rm -f \"$1/tmp/kiln-pkglist\" \"$1/tmp/kiln-with-init\" \"$1/etc/hostname\"",
        ]
        if let variant = data.variant { arguments.append("--variant=\(variant)") }
        if !data.extraPackages.isEmpty { arguments.append("--include=" + data.extraPackages.joined(separator: ",")) }
        arguments += [repository.suite, tarball.path, repository.mirror]
        let termination = try await context.runMain(Command(arguments, in: context.outputs, timeout: .seconds(3 * 3600)))
        guard case .exited(0) = termination else {
            return TaskRunReport(.failure, message: "mmdebstrap \(termination) (see the task log)")
        }
        let osRelease = (try? String(contentsOf: facts.appendingPathComponent("os-release"), encoding: .utf8)) ?? ""
        let release = Self.osRelease(osRelease)
        var codename = release["VERSION_CODENAME"] ?? repository.suite
        if ["unstable", "sid"].contains(repository.suite) { codename = "sid" }
        let packages = ((try? String(contentsOf: facts.appendingPathComponent("pkglist"), encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { line -> (String, JSONValue)? in
                let parts = line.split(separator: "\t", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), .string(String(parts[1]))) : nil
            }
        let output = OutputArtifact(
            category: KnownCategories.systemTarball,
            data: [
                "filename": "system.tar.xz", "vendor": .string(release["ID"] ?? "debian"), "codename": .string(codename),
                "mirror": .string(repository.mirror), "components": .array(components.map(JSONValue.string)),
                "variant": data.variant.map(JSONValue.string) ?? .null,
                "pkglist": .object(Dictionary(packages, uniquingKeysWith: { $1 })),
                "architecture": .string(data.architecture), "with_dev": true,
                "with_init": .bool(
                    ((try? String(contentsOf: facts.appendingPathComponent("with-init"), encoding: .utf8)) ?? "")
                        .hasPrefix("yes")),
            ],
            files: ["system.tar.xz": tarball])
        return TaskRunReport(.success, outputs: [output])
    }

    /// What the task data asks for that this runner does not do yet, by field (Debusine's `SystemBootstrap` does
    /// all of it: deb822 sources for every repository, keyrings, `gpgv_command`, the customization script). Such a
    /// run is an `error` naming them rather than a system built otherwise than asked.
    static func unsupported(_ data: SystemBootstrapData) -> [String] {
        var fields: [String] = []
        if data.repositories.count > 1 { fields.append("more than one bootstrap_repositories entry") }
        for (index, repository) in data.repositories.enumerated() {
            let path = "bootstrap_repositories[\(index)]"
            if repository.types != ["deb"] {
                fields.append("\(path).types \(JSONValue.array(repository.types.map(JSONValue.string)).pythonRepr)")
            }
            if repository.checkSignatureWith != "system" {
                fields.append("\(path).check_signature_with '\(repository.checkSignatureWith)'")
            }
            if repository.keyring != nil { fields.append("\(path).keyring") }
            if repository.keyringPackage != nil { fields.append("\(path).keyring_package") }
        }
        if data.gpgvCommand != nil { fields.append("bootstrap_options.gpgv_command") }
        if data.customizationScript != nil { fields.append("customization_script") }
        return fields
    }

    /// `KEY=value` lines of os-release, quotes removed.
    static func osRelease(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            var value = String(line[line.index(after: equals)...])
            if value.count >= 2, value.first == "\"" || value.first == "'", value.last == value.first {
                value = String(value.dropFirst().dropLast())
            }
            values[String(line[..<equals])] = value
        }
        return values
    }
}
