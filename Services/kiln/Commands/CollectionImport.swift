import ArgumentParser
import KilnCore
import Store

struct CollectionImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Create collections and add many items from one JSON or YAML file, all or nothing.",
        discussion: """
            The file holds {"collections": [...]} (or just the list). Each collection has name, category, \
            optional data, and items; a collection that exists is reused. Each item has one of: artifact (an \
            object {category, data} to create), artifact_id, collection (NAME@CATEGORY in the same workspace) \
            or bare (the item's category); optional data (bare data, or the variables the collection derives \
            the item's data from, as for `kiln collection add`); a name only where the category takes one; and \
            replace: true to replace an active item of the same name. Everything happens in one transaction: \
            on any error nothing is imported.

            Example file (suite.yaml):
              collections:
                - name: sid
                  category: debian:suite
                  items:
                    - artifact: {category: debian:source-package, data: {name: hello, version: 2.10-3, type: dpkg, dsc_fields: {}}}
                      data: {component: main, section: devel}
                - name: default
                  category: debusine:task-configuration
                  items:
                    - bare: debusine:task-configuration
                      data: {task_type: Worker, task_name: sbuild,
                             default_values: {build_profiles: [nocheck]}}

              kiln collection import suite.yaml --workspace debian/dev
            """
    )

    @Argument(help: "The JSON or YAML file (.yaml/.yml are read as YAML, others as JSON or else YAML; - reads stdin).")
    var file: String

    @Option(help: "The workspace (SCOPE/NAME).")
    var workspace: String

    @Flag(help: "Print what was imported as JSON.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let path = try WorkspacePath(parsing: workspace)
            let document = try DataInput.file(file, what: "import file")
            let collections = try Self.collections(in: document)
            let imported: [JSONValue] = try await pool.withTransaction { conn in
                let workspace = try await WorkspaceRepository.require(path, on: conn)
                var report: [JSONValue] = []
                for (index, spec) in collections.enumerated() {
                    report.append(
                        try await Self.importCollection(spec, index: index, workspace: workspace, path: path, on: conn)
                    )
                }
                return report
            }
            if json {
                Output.json(.array(imported))
            } else {
                for entry in imported {
                    let items = entry.objectValue?["items"]?.arrayValue?.count ?? 0
                    print("imported \(items) item(s) into \(entry.objectValue?["collection"]?.stringValue ?? "?")")
                }
            }
        }
    }

    static func collections(in document: JSONValue) throws -> [[String: JSONValue]] {
        let list = document.objectValue?["collections"] ?? document
        guard let array = list.arrayValue else {
            throw CLIError("import file must hold {\"collections\": [...]} or a list of collections")
        }
        return try array.enumerated().map { index, value in
            guard let object = value.objectValue else {
                throw CLIError("collections[\(index)] must be an object, not \(value.typeName)")
            }
            return object
        }
    }

    static func string(_ object: [String: JSONValue], _ key: String, at location: String) throws -> String {
        guard let value = object[key]?.stringValue, !value.isEmpty else {
            throw CLIError("\(location).\(key) must be a non-empty string")
        }
        return value
    }

    /// The `data` object of `object`, `nil` when absent.
    static func dataObject(_ object: [String: JSONValue], at location: String) throws -> [String: JSONValue]? {
        guard let data = object["data"] else { return nil }
        guard let dataObject = data.objectValue else {
            throw CLIError("\(location).data must be an object, not \(data.typeName)")
        }
        return dataObject
    }

    static func importCollection(
        _ spec: [String: JSONValue],
        index: Int,
        workspace: WorkspaceRecord,
        path: WorkspacePath,
        on conn: PGConnection
    ) async throws -> JSONValue {
        let location = "collections[\(index)]"
        let name = try string(spec, "name", at: location)
        let category = try string(spec, "category", at: location)
        let collection: CollectionRecord
        if let existing = try await CollectionRepository.find(
            workspaceID: workspace.id,
            name: name,
            category: category,
            on: conn
        ) {
            collection = existing
        } else {
            collection = try await CollectionRepository.create(
                workspaceID: workspace.id,
                name: name,
                category: category,
                data: try dataObject(spec, at: location) ?? [:],
                on: conn
            )
        }
        var items: [JSONValue] = []
        for (itemIndex, itemValue) in (spec["items"]?.arrayValue ?? []).enumerated() {
            let itemLocation = "\(location).items[\(itemIndex)]"
            guard let item = itemValue.objectValue else {
                throw CLIError("\(itemLocation) must be an object, not \(itemValue.typeName)")
            }
            let itemName = try item["name"].map { _ in try string(item, "name", at: itemLocation) }
            let kinds = ["artifact", "artifact_id", "collection", "bare"].filter { item[$0] != nil }
            guard kinds.count == 1 else {
                throw CLIError("\(itemLocation) needs exactly one of artifact, artifact_id, collection, bare")
            }
            let input: CollectionItemInput
            switch kinds[0] {
            case "artifact":
                guard let artifactSpec = item["artifact"]?.objectValue else {
                    throw CLIError("\(itemLocation).artifact must be an object {category, data}")
                }
                let category = try string(artifactSpec, "category", at: "\(itemLocation).artifact")
                let data = try dataObject(artifactSpec, at: "\(itemLocation).artifact") ?? [:]
                do {
                    try ArtifactDataModels.validate(category: category, data: .object(data))
                } catch {
                    throw CLIError("\(itemLocation).artifact: \(error)")
                }
                let artifact = try await ArtifactRepository.create(
                    workspaceID: workspace.id, category: category,
                    data: ArtifactDataModels.dumped(category: category, data: data), on: conn)
                input = .artifact(id: artifact.id)
            case "artifact_id":
                guard let id = item["artifact_id"]?.intValue else {
                    throw CLIError("\(itemLocation).artifact_id must be an integer")
                }
                input = .artifact(id: id)
            case "collection":
                input = .collection(try CollectionName(parsing: try string(item, "collection", at: itemLocation)))
            default:
                input = .bare(category: try string(item, "bare", at: itemLocation))
            }
            var replace = false
            if let raw = item["replace"] {
                guard let flag = raw.boolValue else {
                    throw CLIError("\(itemLocation).replace must be true or false, not \(raw.typeName) \(raw.compactJSON)")
                }
                replace = flag
            }
            let addition = try await input.addition(
                name: itemName, data: try dataObject(item, at: itemLocation), replace: replace,
                workspace: workspace, path: path, on: conn)
            let result: (item: CollectionItemRecord, replacedItemIDs: [Int], reused: Bool)
            do {
                result = try await CollectionRepository.addItem(to: collection, addition, on: conn)
            } catch let error as ItemAdditionError {
                throw CLIError("\(itemLocation): \(error.message)")
            }
            let added = result.item
            items.append([
                "id": .int(added.id), "name": .string(added.name),
                "replaced": .array(result.replacedItemIDs.map { .int($0) }), "reused": .bool(result.reused),
                "artifact_id": Output.optional(added.artifactID),
            ])
        }
        return ["collection": .string("\(name)@\(category)"), "id": .int(collection.id), "items": .array(items)]
    }
}
