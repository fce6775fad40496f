import KilnCore

/// A small hand-written `LookupResolving` over a few records, for unit tests of input resolution.
///
/// It understands `N` / `N@artifacts`, `N@collections`, `NAME@CATEGORY` (searched in the context workspace
/// and what it inherits from), bare `NAME` with a default category, lists of those as multiple lookups, and
/// environment lookups `COLL/match:codename=C` matched on the artifact's `codename` and `architecture`. It
/// records every environment call so tests can see which architecture was asked for.
final class RecordLookups: LookupResolving {
    var workspaces: [Int: WorkspaceRecord] = [:]
    var artifacts: [Int: ArtifactRecord] = [:]
    var collections: [CollectionRecord] = []
    /// `(architecture, backend, format, taskName)` of every environment lookup, in order.
    private(set) var environmentCalls: [(architecture: String, backend: String?, format: String?, taskName: String)] =
        []

    init(workspaces: [WorkspaceRecord], artifacts: [ArtifactRecord] = [], collections: [CollectionRecord] = []) {
        for workspace in workspaces { self.workspaces[workspace.id] = workspace }
        for artifact in artifacts { self.artifacts[artifact.id] = artifact }
        self.collections = collections
    }

    func lookupSingle(
        _ lookup: JSONValue,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> LookupResult {
        let text: String
        switch lookup {
        case .int(let id): text = "\(id)@artifacts"
        case .string(let string): text = string
        default: throw LookupFailure.invalid("\(lookup.compactJSON) is not a single lookup")
        }
        if text.hasSuffix("@artifacts"), let id = Int(text.dropLast("@artifacts".count)) {
            guard let artifact = artifacts[id] else {
                throw LookupFailure.notFound("'\(text)' does not exist or is hidden")
            }
            return LookupResult(resultType: .artifact, artifact: artifact)
        }
        if text.hasSuffix("@collections"), let id = Int(text.dropLast("@collections".count)) {
            guard let collection = collections.first(where: { $0.id == id }) else {
                throw LookupFailure.notFound("'\(text)' does not exist or is hidden")
            }
            return LookupResult(resultType: .collection, collection: collection)
        }
        let parts = text.split(separator: "@", maxSplits: 1).map(String.init)
        let name = parts[0]
        guard let category = parts.count == 2 ? parts[1] : defaultCategory else {
            throw LookupFailure.invalid("'\(text)' has no category and none is implied")
        }
        for workspaceID in searchOrder(context.workspaceID) {
            if let found = collections.first(where: {
                $0.name == name && $0.category == category && $0.workspaceID == workspaceID
            }) {
                return LookupResult(resultType: .collection, collection: found)
            }
        }
        throw LookupFailure.notFound("'\(text)' does not exist or is hidden")
    }

    func lookupMultiple(
        _ lookup: JSONValue,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> [LookupResult] {
        switch lookup {
        case .array(let elements):
            return try elements.map {
                try lookupSingle($0, expect: expect, defaultCategory: defaultCategory, context: context)
            }
        case .int, .string:
            return [try lookupSingle(lookup, expect: expect, defaultCategory: defaultCategory, context: context)]
        default:
            throw LookupFailure.invalid("this test resolver only understands lists of single lookups")
        }
    }

    func lookupEnvironment(
        _ lookup: JSONValue,
        architecture: String,
        backend: String?,
        format: String?,
        taskName: String,
        context: LookupContext
    ) throws -> LookupResult {
        environmentCalls.append((architecture, backend, format, taskName))
        guard let text = lookup.stringValue, let range = text.range(of: "match:codename=") else {
            return try lookupSingle(lookup, expect: .artifact, defaultCategory: nil, context: context)
        }
        let codename = String(text[range.upperBound...])
        let match = artifacts.values.sorted { $0.id > $1.id }.first {
            $0.data["codename"]?.stringValue == codename && $0.data["architecture"]?.stringValue == architecture
        }
        guard let match else { throw LookupFailure.notFound("'\(text)' does not exist or is hidden") }
        return LookupResult(resultType: .artifact, artifact: match)
    }

    func reconstructLookup(_ result: LookupResult, context: LookupContext) -> String {
        if let artifact = result.artifact { return "\(artifact.id)@artifacts" }
        if let collection = result.collection { return "\(collection.id)@collections" }
        return "unknown"
    }

    func workspace(id: Int) -> WorkspaceRecord? { workspaces[id] }

    private func searchOrder(_ start: Int) -> [Int] {
        var order: [Int] = []
        var queue = [start]
        while let next = queue.first {
            queue.removeFirst()
            guard !order.contains(next) else { continue }
            order.append(next)
            queue.append(contentsOf: workspaces[next]?.inheritsFrom ?? [])
        }
        return order
    }
}

/// The records most tests use: workspace `debian/developers` (id 1) inheriting `debian/base` (id 2), a
/// source package `hello 1.0-1` (artifact 1), a binary package (2), an sid amd64 tarball (3), an sid arm64
/// tarball (4), suite `sid` (collection 10) and `_@debian:archive` (11) in workspace 2, and a lintian
/// artifact (5) of a category inputs usually refuse.
enum Fixtures {
    static let developers = WorkspaceRecord(id: 1, scope: "debian", name: "developers", inheritsFrom: [2])
    static let base = WorkspaceRecord(id: 2, scope: "debian", name: "base")

    static let hello = ArtifactRecord(
        id: 1,
        category: "debian:source-package",
        workspaceID: 1,
        data: [
            "name": "hello", "version": "1.0-1", "type": "dpkg",
            "dsc_fields": ["Package": "hello", "Version": "1.0-1"],
        ]
    )
    static let helloBinary = ArtifactRecord(
        id: 2,
        category: "debian:binary-package",
        workspaceID: 1,
        data: ["srcpkg_name": "hello", "srcpkg_version": "1.0-1", "deb_fields": ["Package": "hello"]]
    )
    static let sidAmd64 = ArtifactRecord(
        id: 3,
        category: "debian:system-tarball",
        workspaceID: 2,
        data: ["codename": "sid", "architecture": "amd64", "vendor": "debian"]
    )
    static let sidArm64 = ArtifactRecord(
        id: 4,
        category: "debian:system-tarball",
        workspaceID: 2,
        data: ["codename": "sid", "architecture": "arm64", "vendor": "debian"]
    )
    static let lintianReport = ArtifactRecord(id: 5, category: "debian:lintian", workspaceID: 1)

    static let sid = CollectionRecord(id: 10, name: "sid", category: "debian:suite", workspaceID: 2)
    static let archive = CollectionRecord(id: 11, name: "_", category: "debian:archive", workspaceID: 2)
    static let defaultConfiguration = CollectionRecord(
        id: 12,
        name: "default",
        category: "debusine:task-configuration",
        workspaceID: 1,
        data: ["git_commit": "abc123"]
    )

    static let context = LookupContext(workspaceID: 1, user: "alice")

    /// A resolver over every fixture; `withDefaultConfiguration` adds the default task-configuration collection.
    static func lookups(withDefaultConfiguration: Bool = false, withArchive: Bool = true) -> RecordLookups {
        var collections = [sid]
        if withArchive { collections.append(archive) }
        if withDefaultConfiguration { collections.append(defaultConfiguration) }
        return RecordLookups(
            workspaces: [developers, base],
            artifacts: [hello, helloBinary, sidAmd64, sidArm64, lintianReport],
            collections: collections
        )
    }
}
