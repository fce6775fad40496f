import ArgumentParser
import KilnCore
import Store

struct ArtifactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifact",
        abstract: "Create, list and relate artifacts (typed JSON data that tasks take as input).",
        subcommands: [ArtifactCreate.self, ArtifactList.self, ArtifactRelate.self, ArtifactRelations.self]
    )
}

struct ArtifactCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an artifact in a workspace and print its id.",
        discussion: """
            --data is a JSON object inline, or a JSON/YAML file. Tasks refer to the artifact as ID@artifacts.

            Example:
              kiln artifact create --workspace debian/dev \\
                  --category debian:source-package \\
                  --data '{"name": "hello", "version": "2.10-3"}'
            """
    )

    @Option(help: "The workspace (SCOPE/NAME).")
    var workspace: String

    @Option(help: "The artifact category, e.g. debian:source-package.")
    var category: String

    @Option(help: "The artifact data: inline JSON object or a JSON/YAML file (default {}).")
    var data: String?

    @Option(name: .customLong("created-by"), help: "The creating user (created if new).")
    var createdBy: String?

    @Flag(help: "Print the artifact as JSON.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let path = try WorkspacePath(parsing: workspace)
            let payload = try data.map { try DataInput.object($0, what: "--data") } ?? [:]
            let artifact = try await pool.withTransaction { conn in
                let workspace = try await WorkspaceRepository.require(path, on: conn)
                let user = try await createdBy.asyncMap { try await WorkspaceRepository.findOrCreateUser($0, on: conn) }
                return try await ArtifactRepository.create(
                    workspaceID: workspace.id,
                    category: category,
                    data: payload,
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
