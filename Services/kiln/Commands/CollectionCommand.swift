import ArgumentParser
import KilnCore
import Store

struct CollectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collection",
        abstract: "Create collections, add and remove items, list them, import many items from a file.",
        discussion: """
            A collection is named NAME@CATEGORY within a workspace (e.g. sid@debian:suite). Each name is held \
            by at most one active item. Items are added through the category's rules, as in Debusine: most \
            categories name the item themselves and derive its data from the artifact (see `add --help`).
            """,
        subcommands: [
            CollectionCreate.self, CollectionUpdate.self, CollectionAdd.self, CollectionRemove.self, CollectionList.self,
            CollectionImport.self,
        ]
    )
}

/// `NAME@CATEGORY`, the way a collection is named on the command line.
struct CollectionName: CustomStringConvertible {
    var name: String
    var category: String

    /// `NAME@CATEGORY`, or a category alone for its `_` collection (Debusine's client, `SingleCollectionCommand`:
    /// `debian:archive` is `_@debian:archive`).
    init(parsing text: String) throws {
        guard let at = text.lastIndex(of: "@") else {
            guard !text.isEmpty else {
                throw CLIError("collection '' must be written NAME@CATEGORY (e.g. sid@debian:suite) or CATEGORY")
            }
            name = "_"
            category = text
            return
        }
        guard at != text.startIndex, text.index(after: at) != text.endIndex else {
            throw CLIError("collection '\(text)' must be written NAME@CATEGORY (e.g. sid@debian:suite) or CATEGORY")
        }
        name = String(text[..<at])
        category = String(text[text.index(after: at)...])
    }

    var description: String { "\(name)@\(category)" }

    func require(workspaceID: Int, workspace: WorkspacePath, on conn: PGConnection) async throws -> CollectionRecord {
        guard
            let record = try await CollectionRepository.find(
                workspaceID: workspaceID,
                name: name,
                category: category,
                on: conn
            )
        else {
            // Debusine's `CollectionItemViewSet.initial` (`server/views/collections.py`), title and detail.
            throw CLIError("Collection not found: Collection '\(self)' does not exist in workspace \(workspace)")
        }
        return record
    }
}

struct CollectionCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a collection NAME@CATEGORY in a workspace.",
        discussion: """
            Example:
              kiln collection create sid@debian:suite --workspace debian/dev
              kiln collection create default@debusine:task-configuration \\
                  --workspace debian/dev
            """
    )

    @Argument(help: "The collection as NAME@CATEGORY.")
    var collection: String

    @Option(help: "The workspace (SCOPE/NAME).")
    var workspace: String

    @Option(help: "Collection data: inline JSON object or a JSON/YAML file (default {}).")
    var data: String?

    func run() async throws {
        try await CLIRunner.run { pool in
            let path = try WorkspacePath(parsing: workspace)
            let name = try CollectionName(parsing: collection)
            let payload = try data.map { try DataInput.object($0, what: "--data") } ?? [:]
            if let refused = CollectionNaming.creationRefusal(name: name.name, category: name.category) {
                throw CLIError(refused.refusal, context: refused.explanation)
            }
            let record = try await pool.withTransaction { conn in
                let workspace = try await WorkspaceRepository.require(path, on: conn)
                do {
                    return try await CollectionRepository.create(
                        workspaceID: workspace.id,
                        name: name.name,
                        category: name.category,
                        data: payload,
                        on: conn
                    )
                } catch RepositoryError.alreadyExists {
                    throw CLIError(
                        CollectionNaming.duplicateRefusal, context: "\(name) already exists in workspace \(path)")
                }
            }
            print("created collection \(name) (id \(record.id)) in \(path)")
        }
    }
}

struct CollectionUpdate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Replace the data of a collection NAME@CATEGORY (its settings).",
        discussion: """
            The data replaces what the collection held, whole. It is how the singleton collections that \
            `kiln workspace create` makes get their settings: old_items_to_keep for a task history, \
            may_reuse_versions for an archive.

            Examples:
              kiln collection update _@debusine:task-history --workspace debian/dev \
                  --data '{"old_items_to_keep": 10}'
              kiln collection update _@debian:archive --workspace debian/dev \
                  --data '{"may_reuse_versions": true}'
            """
    )

    @Argument(help: "The collection as NAME@CATEGORY.")
    var collection: String

    @Option(help: "The workspace (SCOPE/NAME).")
    var workspace: String

    @Option(help: "The new collection data: inline JSON object or a JSON/YAML file.")
    var data: String

    func run() async throws {
        try await CLIRunner.run { pool in
            let path = try WorkspacePath(parsing: workspace)
            let name = try CollectionName(parsing: collection)
            let payload = try DataInput.object(data, what: "--data")
            let record = try await pool.withTransaction { conn in
                let workspace = try await WorkspaceRepository.require(path, on: conn)
                let record = try await name.require(workspaceID: workspace.id, workspace: path, on: conn)
                try await CollectionRepository.replaceData(of: record.id, with: payload, on: conn)
                return record
            }
            print("updated the data of collection \(name) (id \(record.id)) in \(path)")
        }
    }
}

struct CollectionAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an item (an artifact, a collection, or bare data) to a collection.",
        discussion: """
            Exactly one of --artifact, --collection or --bare says what the item holds. The collection's \
            category decides the rest, as Debusine's collection managers do:

              debian:suite                 source/binary packages, debug symbols and repository indexes; the \
            name and data come from the artifact, --data gives the variables: component and section (and \
            priority for binaries, build_id for debug symbols, whose artifact must be related relates-to one \
            binary package; path for indexes). Re-adding the same artifact adds nothing; an older version than \
            an active one is refused unless the suite's data sets may_rewind_versions, and a newer one \
            supersedes the older. A file name in the archive's pool may come back only with the same bytes.
              debian:environments          system tarballs and images, named tarball:CODENAME:ARCH; --data may \
            set codename, variant and backend.
              debian:archive               repository indexes; --data gives path (not under dists/).
              debusine:task-configuration  --bare debusine:task-configuration with the entry as --data; the \
            entry is validated and named from its content (no --name).
              debusine:task-history        --bare debusine:historical-task-run runs, named from their data; \
            Kiln records every completed run there itself.
              debian:qa-results            --bare debian:qa-result, or a lintian, autopkgtest, piuparts or blhc \
            artifact; --data gives package, version, architecture, timestamp and work_request_id, and the item \
            (named TASK_PACKAGE_VERSION_ARCH_ID) takes its task and result from that work request. Only the \
            old_items_to_keep (default 5) newest per task, package and architecture stay; \
            latest:TASK_PACKAGE_ARCH finds the newest.
              debian:package-build-logs    --bare debian:package-build-log, or a debian:package-build-log artifact; \
            --data gives work_request_id, vendor, codename, architecture (and srcpkg_name, srcpkg_version, else \
            the log's source and version); named VENDOR_CODENAME_ARCH_SOURCE_VERSION_ID, an artifact's item \
            records the worker that ran the work request.
              debusine:workflow-internal   anything, under the --name you give.

            An item whose name is already active is refused unless --replace is given.

            Examples:
              kiln collection add sid@debian:suite --workspace debian/dev \\
                  --artifact 7 --data '{"component": "main", "section": "devel"}'
              kiln collection add default@debusine:task-configuration \\
                  --workspace debian/dev --bare debusine:task-configuration \\
                  --data config.yaml
              kiln collection add sid@debian:qa-results --workspace debian/dev --artifact 12 \\
                  --data '{"package": "hello", "version": "1.0-1", "architecture": "amd64", \\
                  "timestamp": 1800000000, "work_request_id": 41}'
            """
    )

    @Argument(help: "The collection as NAME@CATEGORY.")
    var collection: String

    @Option(help: "The workspace (SCOPE/NAME).")
    var workspace: String

    @Option(help: "The item name, for categories that take one (debusine:workflow-internal).")
    var name: String?

    @Option(help: "The id of the artifact the item holds.")
    var artifact: Int?

    @Option(name: .customLong("collection"), help: "The collection (NAME@CATEGORY, same workspace) the item holds.")
    var childCollection: String?

    @Option(help: "Make a bare item of this category (data only).")
    var bare: String?

    @Option(help: "Bare data, or the variables an artifact's item data comes from: inline JSON object or a JSON/YAML file.")
    var data: String?

    @Flag(help: "Replace the active item of the same name instead of failing.")
    var replace = false

    func validate() throws {
        let given = [artifact != nil, childCollection != nil, bare != nil].filter { $0 }.count
        guard given == 1 else {
            throw ValidationError("give exactly one of --artifact ID, --collection NAME@CATEGORY or --bare CATEGORY")
        }
    }

    func run() async throws {
        try await CLIRunner.run { pool in
            let path = try WorkspacePath(parsing: workspace)
            let parentName = try CollectionName(parsing: collection)
            let payload = try data.map { try DataInput.object($0, what: "--data") }
            let input: CollectionItemInput =
                if let artifact { .artifact(id: artifact) }
                else if let childCollection { .collection(try CollectionName(parsing: childCollection)) }
                else { .bare(category: bare ?? "") }
            let result = try await pool.withTransaction { conn in
                let workspace = try await WorkspaceRepository.require(path, on: conn)
                let parent = try await parentName.require(workspaceID: workspace.id, workspace: path, on: conn)
                let addition = try await input.addition(
                    name: name, data: payload, replace: replace, workspace: workspace, path: path, on: conn)
                return try await CollectionRepository.addItem(to: parent, addition, on: conn)
            }
            print(CollectionItemInput.report(result, in: parentName))
        }
    }
}

struct CollectionRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove the active item of that name from a collection (it stays as history).",
        discussion: """
            As Debusine's API removes an item: removing a source package from a debian:suite also removes the \
            binary packages built from it (same srcpkg_name and srcpkg_version, and related built-using to the \
            source's artifact) and their debug symbols; removing a binary removes its debug symbols. The files of removed packages keep their claim on the archive's pool file names \
            unless the suite or its archive (_@debian:archive) sets may_reuse_versions.

            Example:
              kiln collection remove sid@debian:suite --workspace debian/dev \\
                  --name hello_2.10-3
            """
    )

    @Argument(help: "The collection as NAME@CATEGORY.")
    var collection: String

    @Option(help: "The workspace (SCOPE/NAME).")
    var workspace: String

    @Option(help: "The item name.")
    var name: String

    func run() async throws {
        try await CLIRunner.run { pool in
            let path = try WorkspacePath(parsing: workspace)
            let parentName = try CollectionName(parsing: collection)
            let removed = try await pool.withTransaction { conn in
                let workspace = try await WorkspaceRepository.require(path, on: conn)
                let parent = try await parentName.require(workspaceID: workspace.id, workspace: path, on: conn)
                return try await CollectionRepository.removeItem(from: parent, name: name, on: conn)
            }
            print("removed item \(removed[0]) '\(name)' from \(parentName)")
            for id in removed.dropFirst() { print("removed item \(id) with it (built from it, or its debug symbols)") }
        }
    }
}

struct CollectionList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the collections of a workspace, or the items of one collection.",
        discussion: """
            Examples:
              kiln collection list --workspace debian/dev
              kiln collection list sid@debian:suite --workspace debian/dev --all --json
            """
    )

    @Argument(help: "A collection (NAME@CATEGORY) whose items to list; omit to list the collections.")
    var collection: String?

    @Option(help: "The workspace (SCOPE/NAME).")
    var workspace: String

    @Flag(help: "Include removed items.")
    var all = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let path = try WorkspacePath(parsing: workspace)
            let parentName = try collection.map(CollectionName.init(parsing:))
            try await pool.withConnection { conn in
                let workspace = try await WorkspaceRepository.require(path, on: conn)
                guard let parentName else {
                    let collections = try await CollectionRepository.list(workspaceID: workspace.id, on: conn)
                    if json {
                        Output.json(
                            .array(
                                collections.map {
                                    [
                                        "id": .int($0.collection.id), "name": .string($0.collection.name),
                                        "category": .string($0.collection.category),
                                        "data": .object($0.collection.data),
                                        "active_items": .int($0.activeItems),
                                    ]
                                }
                            )
                        )
                    } else {
                        Output.table(
                            ["ID", "NAME", "CATEGORY", "ITEMS"],
                            collections.map {
                                [
                                    String($0.collection.id), $0.collection.name, $0.collection.category,
                                    String($0.activeItems),
                                ]
                            }
                        )
                    }
                    return
                }
                let parent = try await parentName.require(workspaceID: workspace.id, workspace: path, on: conn)
                let items = try await CollectionRepository.items(collectionID: parent.id, includeRemoved: all, on: conn)
                if json {
                    Output.json(.array(items.map(Self.json)))
                } else {
                    Output.table(
                        ["ID", "NAME", "TYPE", "CATEGORY", "CHILD", "STATE", "DATA"],
                        items.map { item in
                            [
                                String(item.id), item.name, item.childType.rawValue, item.category,
                                (item.artifactID ?? item.collectionID).map(String.init) ?? "-",
                                Self.state(of: item),
                                JSONValue.object(item.data).compactJSON,
                            ]
                        }
                    )
                }
            }
        }
    }

    static func json(_ item: CollectionItemRecord) -> JSONValue {
        [
            "id": .int(item.id), "name": .string(item.name), "child_type": .string(item.childType.rawValue),
            "category": .string(item.category), "data": .object(item.data),
            "artifact_id": Output.optional(item.artifactID),
            "collection_id": Output.optional(item.collectionID), "created_at": Output.jsonTime(item.createdAt),
            "removed_at": Output.jsonTime(item.removedAt), "superseded_at": Output.jsonTime(item.supersededAt),
        ]
    }

    /// `active`, `superseded <time>` (a newer version of the package is in the suite; still found by lookups)
    /// or `removed <time>`.
    static func state(of item: CollectionItemRecord) -> String {
        if !item.isActive { return "removed \(Output.time(item.removedAt))" }
        if let superseded = item.supersededAt { return "superseded \(Output.time(superseded))" }
        return "active"
    }
}
