import ArgumentParser
import FileStore
import Foundation
import KilnCore
import Store

struct ArtifactShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an artifact: category, data, files (size, SHA-256, stored or not) and relations.",
        discussion: """
            An incomplete artifact (a file not stored yet) is shown too, with the files still to upload; lookups \\
            do not see it until it is complete.

            Examples:
              kiln artifact show 12
              kiln artifact show 12 --json | jq '.files[].path'
            """
    )

    @Argument(help: "The artifact id.")
    var id: Int

    @Flag(help: "Print JSON (the file store's view of the artifact).")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let artifact = try await pool.withConnection { conn in
                guard let stored = try await ArtifactFileRepository.find(id: id, on: conn) else {
                    throw RepositoryError.notFound(kind: "artifact", key: String(id))
                }
                return stored.apiValue(relations: try await ArtifactRelationRepository.relations(of: id, on: conn))
            }
            if json {
                Output.json(try Self.apiJSON(artifact))
                return
            }
            Output.fields([
                ("Artifact", String(artifact.id)), ("Category", artifact.category), ("Workspace", artifact.workspace),
                ("Complete", artifact.complete ? "yes" : "no (to upload: \(artifact.filesToUpload.joined(separator: ", ")))"),
                ("Created", Output.time(artifact.createdAt)),
                ("Created by", artifact.createdByWorkRequest.map { "work request \($0)" } ?? "-"),
                ("Expires", Output.time(artifact.expireAt)),
            ])
            print("Files:" + (artifact.files.isEmpty ? " -" : ""))
            for file in artifact.files {
                print("  \(file.path)  \(file.size) bytes  sha256:\(file.sha256)\(file.complete ? "" : "  (not stored yet)")")
            }
            print("Relations:" + (artifact.relations.isEmpty ? " -" : ""))
            for relation in artifact.relations {
                print("  \(relation.artifact) \(relation.type.rawValue) \(relation.target)")
            }
            print("Data:")
            print(Output.pretty(.object(artifact.data), indent: "  "))
        }
    }

    /// `value` as the file store's JSON (ISO 8601 dates, snake_case keys).
    static func apiJSON(_ value: some Encodable) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: try FileStoreProtocol.encoder().encode(value))
    }
}

struct ArtifactDownload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download an artifact's files from the file store into a folder, checking each SHA-256.",
        discussion: """
            Files keep their paths inside the artifact. An existing file of the same name is replaced.

            Examples:
              kiln artifact download 12 ./hello
              kiln artifact download 12 --path hello_2.10-3.dsc
            """
    )

    @Argument(help: "The artifact id.")
    var id: Int

    @Argument(help: "The folder to write into (default: the current folder).")
    var folder: String = "."

    @Option(help: "Only this file of the artifact (repeat for several).")
    var path: [String] = []

    @Option(name: .customLong("as-user"), help: "The user the download is made for (default $USER).")
    var asUser: String?

    func run() async throws {
        try await CLIRunner.run { pool in
            let client = try await FileStoreAccess.client(pool: pool, username: ActingUser.name(asUser))
            let artifact = try await client.artifact(id: id)
            let wanted = path.isEmpty ? artifact.files : artifact.files.filter { path.contains($0.path) }
            for missing in path where !artifact.files.contains(where: { $0.path == missing }) {
                throw CLIError("artifact \(id) has no file \(JSONValue.string(missing).pythonRepr)")
            }
            let root = URL(fileURLWithPath: folder, isDirectory: true)
            for file in wanted {
                guard file.complete else { throw CLIError("artifact \(id): \(file.path) is not stored yet") }
                let destination = root.appendingPathComponent(file.path)
                try await client.download(artifactID: id, path: file.path, to: destination, expected: file)
                print("\(destination.path) (\(file.size) bytes, sha256 checked)")
            }
        }
    }
}

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print the logs a work request uploaded: its build log, else its other text outputs.",
        discussion: """
            Prints the files of the debian:package-build-log artifacts the work request produced (sbuild), \\
            then those of its debusine:work-request-debug-logs artifact; with --all, every .log, .txt, .build \\
            and extension-less file (autopkgtest's log, summary and test output) of every artifact it produced.

            Examples:
              kiln log 42
              kiln log 42 --all | less
            """
    )

    @Argument(help: "The work request id.")
    var id: Int

    @Flag(help: "Every text output (.log, .txt, .build), not just the logs.")
    var all = false

    @Option(name: .customLong("as-user"), help: "The user the download is made for (default $USER).")
    var asUser: String?

    func run() async throws {
        try await CLIRunner.run { pool in
            let artifacts = try await pool.withConnection { conn in
                _ = try await WorkRequestRepository.require(id: id, on: conn)
                return try await ArtifactFileRepository.created(byWorkRequest: id, on: conn)
            }
            let client = try await FileStoreAccess.client(pool: pool, username: ActingUser.name(asUser))
            var printed = 0
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-log-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: scratch) }
            for artifactID in artifacts {
                let artifact = try await client.artifact(id: artifactID)
                let isLog = [KnownCategories.packageBuildLog, KnownCategories.workRequestDebugLogs].contains(artifact.category)
                guard isLog || all else { continue }
                for file in artifact.files where file.complete && (isLog || Self.isText(file.path)) {
                    let local = scratch.appendingPathComponent("\(artifactID)/\(file.path)")
                    try await client.download(artifactID: artifactID, path: file.path, to: local, expected: file)
                    print("==> artifact \(artifactID) (\(artifact.category)): \(file.path) <==")
                    FileHandle.standardOutput.write(try Data(contentsOf: local))
                    printed += 1
                }
            }
            if printed == 0 {
                throw CLIError("work request \(id) has uploaded no log (kiln show \(id) lists what it produced)")
            }
        }
    }

    /// `.log`, `.txt`, `.build`, and files without an extension (autopkgtest's `log`, `summary`, `*-stdout`).
    static func isText(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        return [".log", ".txt", ".build"].contains { name.hasSuffix($0) } || !name.contains(".")
    }
}
