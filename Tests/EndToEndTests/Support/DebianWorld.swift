import Foundation
import KilnCore
import KilnTestSupport

/// The data of the worked examples of deploy/docs/tags.md, made with the real CLI: workspace `debian/developers` (alice
/// and bob are members; alice is also in the scope-level group `Debian`), a public `acme/builds`, source
/// packages hello, libreoffice and linux, sid environments for amd64, arm64 and s390x, and the
/// workspace's default task configuration with the entries of examples 2 and 6.
struct DebianWorld: Sendable {
    let hello: Int
    let libreoffice: Int
    let linux: Int

    /// The task configuration entries of worked examples 2 (a subject) and 6 (a tag filter) of deploy/docs/tags.md.
    static let configuration: JSONValue = [
        "collections": [
            [
                "name": "debian", "category": "debian:environments",
                "items": .array(["amd64", "arm64", "s390x"].map { environmentItem(architecture: $0) }),
            ],
            [
                "name": "default", "category": "debusine:task-configuration",
                "items": [
                    [
                        "bare": "debusine:task-configuration",
                        "data": [
                            "task_type": "Worker", "task_name": "sbuild", "subject": "libreoffice",
                            "require_tags": ["worker:class:large"],
                        ],
                    ],
                    [
                        "bare": "debusine:task-configuration",
                        "data": [
                            "task_type": "Worker", "task_name": "sbuild",
                            "tags_provided": "task:source-package:linux or task:source-package:libreoffice",
                            "require_tags": ["worker:class:large"],
                        ],
                    ],
                ],
            ],
        ]
    ]

    static func environmentItem(architecture: String) -> JSONValue {
        [
            "data": ["codename": "sid", "architecture": .string(architecture), "variant": .null, "backend": "unshare"],
            "artifact": [
                "category": "debian:system-tarball",
                "data": .object(
                    ArtifactDataSamples.data(
                        KnownCategories.systemTarball, ["codename": "sid", "architecture": .string(architecture)])),
            ],
        ]
    }

    /// Creates everything through `kiln`, except the group: the CLI has no group command (Debusine's groups
    /// are managed in its admin UI), so the `Debian` group and alice's membership are two SQL rows.
    static func create(in stack: KilnStack) async throws -> DebianWorld {
        let cli = stack.cli
        try await cli.run(["workspace", "create", "debian/developers", "--member", "alice", "--member", "bob"], as: "admin")
        try await cli.run(["workspace", "create", "acme/builds", "--member", "alice"], as: "admin")
        try await stack.database.pool.withTransaction { conn in
            try conn.execute(
                "INSERT INTO groups (scope_id, name) SELECT id, 'Debian' FROM scopes WHERE name = 'debian'")
            try conn.execute(
                """
                INSERT INTO group_members (group_id, user_id)
                SELECT g.id, u.id FROM groups g, users u WHERE g.name = 'Debian' AND u.username = 'alice'
                """)
        }
        let file = stack.folder.appending(path: "world.json")
        try Data(configuration.compactJSON.utf8).write(to: file)
        try await cli.run(["collection", "import", file.path, "--workspace", "debian/developers"], as: "admin")
        return DebianWorld(
            hello: try await source("hello", in: stack), libreoffice: try await source("libreoffice", in: stack),
            linux: try await source("linux", in: stack))
    }

    private static func source(_ name: String, in stack: KilnStack) async throws -> Int {
        let data: JSONValue = [
            "name": .string(name), "version": "1.0-1", "type": "dpkg",
            "dsc_fields": ["Package": .string(name), "Version": "1.0-1"],
        ]
        return try await stack.cli.json(
            CreatedArtifact.self,
            ["artifact", "create", "--workspace", "debian/developers", "--category", "debian:source-package",
             "--data", data.compactJSON],
            as: "admin"
        ).id
    }

    /// sbuild task data for `source` (backend auto, sid), with `build_architecture` unless nil.
    static func sbuild(_ source: Int, architecture: String? = "amd64") -> JSONValue {
        var data: [String: JSONValue] = [
            "input": ["source_artifact": .int(source)], "environment": "debian/match:codename=sid", "backend": "auto",
        ]
        if let architecture { data["build_architecture"] = .string(architecture) }
        return .object(data)
    }
}

/// `kiln artifact create --json`.
struct CreatedArtifact: Decodable {
    let id: Int
}

/// Whether this host lets this user run `unshare --map-auto --map-root-user true` (a user namespace with its
/// subordinate ids, from /etc/subuid), which the worker's probe requires before it advertises
/// `worker:executor:unshare`. Tests whose work needs that executor are
/// enabled only when it holds (reported as skipped otherwise, never passed).
enum HostCapabilities {
    static let unshareUsable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["unshare", "--map-auto", "--map-root-user", "true"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
}
