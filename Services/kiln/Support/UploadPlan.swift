import Foundation
import KilnCore

/// What `kiln artifact create --upload` sends: each file under its own name, and for a `.dsc` (category
/// `debian:source-package`) or a `.changes` (`debian:upload`) the data derived from it and the files it lists,
/// taken from beside it, as Debusine's client does (`prepare_dsc_for_upload`, `Upload.create`); for a `.deb`
/// (`debian:binary-package`) the data read from it (`BinaryPackage.create`).
struct UploadPlan {
    /// Path in the artifact → file on disk.
    var files: [String: URL]
    /// The paths in the artifact in the order given (then those a `.dsc` or `.changes` lists), as Debusine's
    /// client keeps them: its file rules name the first that breaks one.
    var names: [String]
    /// Derived data (empty when nothing is derived); `--data` keys override it.
    var derived: [String: JSONValue]

    static func make(category: String, uploads: [String], given: [String: JSONValue] = [:]) throws -> UploadPlan {
        var files: [String: URL] = [:]
        var names: [String] = []
        for upload in uploads {
            let url = URL(fileURLWithPath: upload)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw CLIError("--upload \(upload): no such file")
            }
            let name = url.lastPathComponent
            if let other = files[name] {
                throw CLIError("--upload \(upload): another file named \(name) is uploaded too (\(other.path))")
            }
            files[name] = url
            names.append(name)
        }
        var derived: [String: JSONValue] = [:]
        let control: (suffix: String, category: String)? =
            switch category {
            case KnownCategories.sourcePackage: (".dsc", category)
            case KnownCategories.upload: (".changes", category)
            default: nil
            }
        if let control {
            let candidates = files.keys.filter { $0.hasSuffix(control.suffix) }.sorted()
            guard candidates.count == 1, let name = candidates.first, let url = files[name] else {
                throw CLIError("Expecting 1 \(control.suffix) file in \(JSONValue.array(files.keys.sorted().map(JSONValue.string)).pythonRepr)")
            }
            let text: String
            do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                throw CLIError("\(url.path): cannot be read as UTF-8 text (\(error.localizedDescription))")
            }
            let listed: [String]
            if control.suffix == ".dsc" {
                (derived, listed) = try PackageArtifactData.sourcePackage(dscName: name, dscText: text)
            } else {
                (derived, listed) = try PackageArtifactData.upload(changesName: name, changesText: text)
            }
            for file in listed where files[file] == nil {
                let beside = url.deletingLastPathComponent().appendingPathComponent(file)
                guard FileManager.default.fileExists(atPath: beside.path) else {
                    throw CLIError("\(name) lists \(file), which is not beside it (\(beside.path))")
                }
                files[file] = beside
                names.append(file)
            }
            let extra = files.keys.filter { $0 != name && !listed.contains($0) }.sorted()
            if !extra.isEmpty {
                throw CLIError(
                    "Files in the package and listed in the \(control.suffix) must match: \(JSONValue.array(extra.map(JSONValue.string)).pythonRepr) not listed in \(name)")
            }
        }
        if category == KnownCategories.binaryPackage,
            let data = try binaryPackageData(names: names, files: files, given: given)
        {
            derived = data
        }
        return UploadPlan(files: files, names: names, derived: derived)
    }
}

extension UploadPlan {
    /// The keys of `debian:binary-package` data a `.deb` gives.
    static let binaryPackageKeys = ["srcpkg_name", "srcpkg_version", "deb_fields", "deb_control_files"]

    /// The data of a `debian:binary-package` uploaded as one `.deb` or `.udeb`, read with `dpkg-deb` as Debusine's
    /// client reads it for `import-debian` (`BinaryPackage.create`); nil for any other upload (the file rules then
    /// name what is wrong) and when `given` (`--data`) has every key already, as `debusine artifact create` never
    /// reads the package.
    static func binaryPackageData(names: [String], files: [String: URL], given: [String: JSONValue]) throws
        -> [String: JSONValue]?
    {
        guard names.count == 1, let name = names.first, name.hasSuffix(".deb") || name.hasSuffix(".udeb"),
            let deb = files[name], !binaryPackageKeys.allSatisfy({ given[$0] != nil })
        else { return nil }
        let scratch = FileManager.default.temporaryDirectory.appending(path: "kiln-deb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let control = scratch.appending(path: "control")
        let members = scratch.appending(path: "members")
        let steps = PackageArtifactData.debReadingCommands(
            deb: deb.path, control: control.path, tarball: scratch.appending(path: "control.tar").path,
            members: members.path)
        for step in steps { try run(step.arguments, into: URL(fileURLWithPath: step.output), reading: name) }
        guard let controlText = try? String(contentsOf: control, encoding: .utf8),
            let memberText = try? String(contentsOf: members, encoding: .utf8)
        else { throw CLIError("cannot read \(name) as a Debian package: its control data is not UTF-8 text") }
        return try PackageArtifactData.binaryPackage(
            debName: name, controlText: controlText, controlMembers: memberText.split(separator: "\n").map(String.init))
    }

    /// Runs `arguments` (from `PATH`) with stdout into file `output`; refused naming `file` and the command's
    /// complaint when they fail. Both streams go to files, so neither can fill a pipe and block it.
    private static func run(_ arguments: [String], into output: URL, reading file: String) throws {
        let complaintFile = output.appendingPathExtension("stderr")
        guard FileManager.default.createFile(atPath: output.path, contents: nil),
            FileManager.default.createFile(atPath: complaintFile.path, contents: nil)
        else { throw CLIError("cannot read \(file): cannot write to \(output.deletingLastPathComponent().path)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: complaintFile)
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw CLIError("cannot read \(file): \(arguments[0]) does not run (\(error.localizedDescription))")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let complaint = (try? String(contentsOf: complaintFile, encoding: .utf8)) ?? ""
            let reason = complaint.trimmingCharacters(in: .whitespacesAndNewlines)
            throw CLIError(
                "cannot read \(file) as a Debian package: \(reason.isEmpty ? "\(arguments[0]) exited \(process.terminationStatus)" : reason)")
        }
    }
}
