import ArgumentParser
import Foundation
import KilnCore
import Store

struct ArtifactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifact",
        abstract: "Create, show, download, list and relate artifacts (typed data and files that tasks take as input).",
        subcommands: [
            ArtifactCreate.self, ArtifactShow.self, ArtifactDownload.self, ArtifactList.self, ArtifactRelate.self,
            ArtifactRelations.self,
        ]
    )
}

struct ArtifactCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an artifact in a workspace, with its files, and print its id.",
        discussion: """
            --data is a JSON object inline, or a JSON/YAML file. Tasks refer to the artifact as ID@artifacts.

            With --upload the files go to the file store (KILN_FILE_STORE_URL), checked by SHA-256, and the \
            artifact becomes visible to lookups once the last one is stored. For debian:source-package, upload \
            the .dsc: its name, version and dsc_fields are read from it and the files it lists are taken from \
            beside it. For debian:upload, upload the .changes likewise. For debian:binary-package, upload the \
            .deb: its data is read with dpkg-deb. The files must fit the category as Debusine's client checks \
            them (one .build file for debian:package-build-log, one .tar.xz for debian:system-tarball, …).

            Examples:
              kiln artifact create debian:source-package --workspace debian/dev --upload hello_2.10-3.dsc
              kiln artifact create debian:binary-package --workspace debian/dev --upload hello_2.10-3_amd64.deb
              kiln artifact create debusine:test --workspace debian/dev --upload notes.txt
              kiln artifact create --workspace debian/dev --category debian:source-package \\
                  --data '{"name": "hello", "version": "2.10-3", "type": "dpkg", "dsc_fields": {}}'
            """
    )

    @Argument(help: "The artifact category, e.g. debian:source-package (or give --category).")
    var categoryArgument: String?

    @Option(help: "The workspace (SCOPE/NAME).")
    var workspace: String

    @Option(help: "The artifact category (same as the argument).")
    var category: String?

    @Option(help: "The artifact data: inline JSON object or a JSON/YAML file (default {}, or what the files give).")
    var data: String?

    @Option(name: .customLong("upload"), help: "A file to upload into the artifact (repeat for several).")
    var uploads: [String] = []

    @Option(name: .customLong("created-by"), help: "The creating user (created if new; with --upload default $USER, else none).")
    var createdBy: String?

    @Flag(help: "Print the artifact as JSON.")
    var json = false

    func validate() throws {
        switch (categoryArgument, category) {
        case (nil, nil): throw ValidationError("give the category: kiln artifact create CATEGORY --workspace …")
        case (let given?, let option?) where given != option:
            throw ValidationError("the category is given twice, differently: \(given) and \(option)")
        default: break
        }
    }

    func run() async throws {
        let category = categoryArgument ?? self.category ?? ""
        try await CLIRunner.run { pool in
            let path = try WorkspacePath(parsing: workspace)
            let given = try data.map { try DataInput.object($0, what: "--data") } ?? [:]
            guard uploads.isEmpty else {
                // The file store checks the data, with the keys the files add (UploadPlan's derived data).
                try await createWithFiles(pool: pool, category: category, workspace: path, given: given)
                return
            }
            try ArtifactDataModels.validate(category: category, data: .object(given))
            // Stored as the category's model dumps it, defaults included, as Debusine's client sends it
            // (`client/debusine.py` `serialize_local_artifact`: `artifact.data.model_dump()`).
            let artifact = try await pool.withTransaction { conn in
                let workspace = try await WorkspaceRepository.require(path, on: conn)
                let user = try await createdBy.asyncMap { try await WorkspaceRepository.findOrCreateUser($0, on: conn) }
                return try await ArtifactRepository.create(
                    workspaceID: workspace.id,
                    category: category,
                    data: ArtifactDataModels.dumped(category: category, data: given),
                    createdBy: user?.id,
                    on: conn
                )
            }
            if json {
                Output.json(ArtifactList.json(artifact))
            } else {
                print("created artifact \(artifact.id) (\(artifact.category)) in \(path)")
            }
        }
    }

    private func createWithFiles(pool: PGPool, category: String, workspace: WorkspacePath, given: [String: JSONValue])
        async throws
    {
        let plan = try UploadPlan.make(category: category, uploads: uploads, given: given)
        let merged = plan.derived.merging(given) { $1 }
        // As Debusine's client: the data is checked before the files (`LocalArtifact._create` builds the data
        // model first).
        try ArtifactDataModels.validate(category: category, data: .object(merged))
        let data = ArtifactDataModels.dumped(category: category, data: merged)
        if let violation = ArtifactFileRules.violation(category: category, names: plan.names, data: data) {
            throw CLIError("Cannot create artifact: \(violation)")
        }
        if category == KnownCategories.lintian, let analysis = plan.files["analysis.json"] {
            // `LintianArtifact._validate_file_analysis_is_json`.
            do { _ = try JSONValue.parse(try Data(contentsOf: analysis)) } catch {
                throw CLIError("Cannot create artifact: analysis.json is not valid JSON: \(error)")
            }
        }
        let client = try await FileStoreAccess.client(pool: pool, username: ActingUser.name(createdBy))
        let total = plan.files.count
        var done = 0
        let artifact = try await client.uploadArtifact(
            category: category, workspace: workspace.description, data: data,
            files: plan.files
        ) { path, bytes in
            done += 1
            FileHandle.standardError.write(Data("uploaded \(path) (\(bytes) bytes, \(done)/\(total))\n".utf8))
        }
        if json {
            Output.json(try ArtifactShow.apiJSON(artifact))
        } else {
            print(
                "created artifact \(artifact.id) (\(artifact.category)) in \(workspace) with \(artifact.files.count) file(s)"
                    + (artifact.complete ? "" : "; incomplete: \(artifact.filesToUpload.joined(separator: ", "))"))
        }
    }
}

struct ArtifactList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the artifacts of a workspace.",
        discussion: """
            Example:
              kiln artifact list --workspace debian/dev --category debian:source-package
            """
    )

    @Option(help: "The workspace (SCOPE/NAME).")
    var workspace: String

    @Option(help: "Only this category.")
    var category: String?

    @Option(help: "At most this many.")
    var limit = 100

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let path = try WorkspacePath(parsing: workspace)
            let artifacts = try await pool.withConnection { conn in
                let workspace = try await WorkspaceRepository.require(path, on: conn)
                return try await ArtifactRepository.list(
                    workspaceID: workspace.id,
                    category: category,
                    limit: limit,
                    on: conn
                )
            }
            if json {
                Output.json(.array(artifacts.map(Self.json)))
            } else {
                Output.table(
                    ["ID", "CATEGORY", "DATA"],
                    artifacts.map { [String($0.id), $0.category, JSONValue.object($0.data).compactJSON] }
                )
            }
        }
    }

    static func json(_ artifact: ArtifactRecord) -> JSONValue {
        [
            "id": .int(artifact.id), "category": .string(artifact.category), "workspace_id": .int(artifact.workspaceID),
            "data": .object(artifact.data),
        ]
    }
}

extension Optional {
    /// `map` for an async transform.
    func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension Sequence {
    /// `compactMap` for an async transform, in order.
    func asyncCompactMap<Mapped>(_ transform: (Element) async throws -> Mapped?) async rethrows -> [Mapped] {
        var result: [Mapped] = []
        for element in self {
            if let mapped = try await transform(element) { result.append(mapped) }
        }
        return result
    }
}
