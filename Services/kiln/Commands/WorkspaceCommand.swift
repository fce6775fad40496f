import ArgumentParser
import KilnCore
import Store

struct WorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace",
        abstract: "Create and list workspaces (where work requests run and collections are looked up).",
        subcommands: [WorkspaceCreate.self, WorkspaceList.self]
    )
}

struct WorkspaceCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a workspace, its scope if new, its inheritance chain and its members.",
        discussion: """
            Lookups search the workspace first, then each --inherits workspace in the order given (and what \
            those inherit). A --private workspace is visible only to its members.

            As Debusine's `workspace define`, the workspace gets its singleton collections: _@debian:archive \
            (whose pool its suites share), _@debian:package-build-logs and _@debusine:task-history (where every \
            completed run is recorded); --no-singleton-collections leaves them out. Its artifacts expire 30 days \
            after they are created unless they say otherwise (--default-expiration-delay, in days; 0: never).

            Examples:
              kiln workspace create debian/base
              kiln workspace create debian/dev --inherits debian/base \\
                  --member alice --member bob:owner
            """
    )

    @Argument(help: "The workspace as SCOPE/NAME.")
    var path: String

    @Flag(help: "Visible only to members (default: public).")
    var `private` = false

    @Option(
        name: .customLong("inherits"),
        help: "A workspace (SCOPE/NAME) to inherit collections from; repeat, in search order."
    )
    var inherits: [String] = []

    @Option(
        name: .customLong("member"),
        help: "A member as USER or USER:ROLE (owner, contributor, viewer; default contributor); repeat."
    )
    var members: [String] = []

    @Flag(
        name: .customLong("singleton-collections"), inversion: .prefixedNo,
        help: "Create _@debian:archive, _@debian:package-build-logs and _@debusine:task-history with it.")
    var singletonCollections = true

    @Option(
        name: .customLong("default-expiration-delay"),
        help: "Days its artifacts are kept unless they say otherwise, from 0 (for ever) to 36500 (as Debusine's `workspace define`, 30 by default).")
    var defaultExpirationDelay = 30

    func validate() throws {
        guard (0...36_500).contains(defaultExpirationDelay) else {
            throw ValidationError("--default-expiration-delay \(defaultExpirationDelay) must be a number of days from 0 to 36500")
        }
    }

    @Flag(help: "Print the workspace as JSON.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let path = try WorkspacePath(parsing: self.path)
            let parents = try inherits.map { text throws(RepositoryError) in try WorkspacePath(parsing: text) }
            let memberList = try members.map(Self.member)
            let record = try await pool.withTransaction { conn in
                let record = try await WorkspaceRepository.create(
                    path,
                    isPublic: !self.private,
                    inheritsFrom: parents,
                    members: memberList,
                    defaultExpirationDays: defaultExpirationDelay,
                    on: conn
                )
                if singletonCollections {
                    for category in KnownCategories.singletonCollections.sorted() {
                        _ = try await CollectionRepository.create(
                            workspaceID: record.id, name: CollectionNaming.singletonName, category: category, on: conn)
                    }
                }
                return record
            }
            if json {
                Output.json(try await WorkspaceList.json(record, pool: pool))
            } else {
                print("created workspace \(path) (id \(record.id), \(record.isPublic ? "public" : "private"))")
            }
        }
    }

    static func member(_ text: String) throws -> (username: String, role: WorkspaceRole) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let user = parts.first, !user.isEmpty else {
            throw CLIError("--member '\(text)' must be USER or USER:ROLE")
        }
        guard parts.count == 2 else { return (user, .contributor) }
        guard let role = WorkspaceRole(rawValue: parts[1]) else {
            throw CLIError("--member '\(text)': role '\(parts[1])' must be owner, contributor or viewer")
        }
        return (user, role)
    }
}

struct WorkspaceList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List workspaces with their visibility, inheritance chain and members.",
        discussion: """
            Example:
              kiln workspace list
              kiln workspace list --json
            """
    )

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let workspaces = try await pool.withConnection { conn in try await WorkspaceRepository.list(on: conn) }
            let names = Dictionary(uniqueKeysWithValues: workspaces.map { ($0.id, "\($0.scope)/\($0.name)") })
            if json {
                Output.json(.array(workspaces.map { Self.json($0, names: names) }))
                return
            }
            Output.table(
                ["ID", "WORKSPACE", "VISIBILITY", "INHERITS", "MEMBERS"],
                workspaces.map { workspace in
                    [
                        String(workspace.id), "\(workspace.scope)/\(workspace.name)",
                        workspace.isPublic ? "public" : "private",
                        workspace.inheritsFrom.map { names[$0] ?? String($0) }.joined(separator: ",").orDash,
                        workspace.members.sorted().joined(separator: ",").orDash,
                    ]
                }
            )
        }
    }

    static func json(_ workspace: WorkspaceRecord, names: [Int: String]) -> JSONValue {
        [
            "id": .int(workspace.id), "scope": .string(workspace.scope), "name": .string(workspace.name),
            "public": .bool(workspace.isPublic),
            "inherits": .array(workspace.inheritsFrom.map { .string(names[$0] ?? String($0)) }),
            "members": .array(workspace.members.sorted().map(JSONValue.string)),
        ]
    }

    static func json(_ workspace: WorkspaceRecord, pool: PGPool) async throws -> JSONValue {
        let all = try await pool.withConnection { conn in try await WorkspaceRepository.list(on: conn) }
        return json(workspace, names: Dictionary(uniqueKeysWithValues: all.map { ($0.id, "\($0.scope)/\($0.name)") }))
    }
}

extension String {
    /// `-` for an empty cell, so table columns never collapse.
    var orDash: String { isEmpty ? "-" : self }
}
