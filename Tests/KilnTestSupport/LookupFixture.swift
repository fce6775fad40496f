import Foundation
import KilnCore

/// The workspaces, artifacts, collections and items the lookup scenarios run against, written through
/// `LookupFixtureSink` so the in-memory store and a PostgreSQL store can be filled identically.
///
/// Ids are fixed (the scenario table names them). Items are added in id order and, unless a scenario
/// needs otherwise, an item's `createdAt` is its id in seconds, so "most recently added" = highest id.
public enum LookupFixture {
    /// Workspace ids (scope `debian` unless noted).
    public enum Workspace {
        /// `debian/base`: public; holds the shared suites and environments.
        public static let base = 1
        /// `debian/developers`: public, inherits from base; the usual current workspace.
        public static let developers = 2
        /// `debian/private-p0`: private, member alice.
        public static let privateP0 = 3
        /// `debian/private-p1`: private, member alice.
        public static let privateP1 = 4
        /// `debian/hidden-parent`: private, member bob; shadows base's bookworm suite.
        public static let hiddenParent = 5
        /// `debian/child`: public, inherits from hidden-parent then base.
        public static let child = 6
        /// `debian/loop-a` and `debian/loop-b` inherit from each other.
        public static let loopA = 7
        /// See `loopA`.
        public static let loopB = 8
        /// `freexian/developers`: public, in another scope.
        public static let otherScope = 9
    }

    /// Collection ids.
    public enum Collection {
        public static let bookwormSuite = 10
        public static let bookwormTest = 11
        public static let trixieSuite = 12
        public static let environments = 13
        public static let taskConfiguration = 14
        public static let workflowInternal = 15
        public static let empty = 16
        public static let names = 17
        public static let hiddenBookwormSuite = 18
        public static let privateSuite = 19
        public static let bullseyeSuite = 20
        public static let otherScopeBookwormSuite = 21
        public static let sidSuite = 22
        public static let nested = 23
        /// `_@debian:archive` of base, whose suites bookworm and sid are exported and bullseye is not.
        public static let archive = 24
    }

    /// The workflow root whose internal collection is `workflow-500`.
    public static let workflowRootID = 500
    /// An artifact id that never existed (or was deleted).
    public static let deletedArtifactID = 4242

    /// Writes the whole fixture.
    public static func populate(_ sink: inout some LookupFixtureSink) throws {
        for workspace in workspaces { try sink.addWorkspace(workspace) }
        for artifact in artifacts { try sink.addArtifact(artifact) }
        for collection in collections { try sink.addCollection(collection) }
        for item in items { try sink.addItem(item) }
        for relation in relations { try sink.addRelation(relation) }
    }

    /// Each of src1's binaries was built using its source (Debusine's sbuild relates them so), which
    /// `lookup__binaries` requires.
    static let relations: [ArtifactRelation] = [
        ArtifactRelation(artifactID: 103, type: .builtUsing, targetID: 101),
        ArtifactRelation(artifactID: 104, type: .builtUsing, targetID: 101),
        ArtifactRelation(artifactID: 105, type: .builtUsing, targetID: 101),
        ArtifactRelation(artifactID: 106, type: .builtUsing, targetID: 100),
    ]

    /// The fixture in a fresh in-memory store.
    public static func inMemoryStore() throws -> InMemoryLookupStore {
        var store = InMemoryLookupStore()
        try populate(&store)
        return store
    }

    static let workspaces: [WorkspaceRecord] = [
        WorkspaceRecord(id: Workspace.base, scope: "debian", name: "base"),
        WorkspaceRecord(id: Workspace.developers, scope: "debian", name: "developers", inheritsFrom: [Workspace.base]),
        WorkspaceRecord(
            id: Workspace.privateP0,
            scope: "debian",
            name: "private-p0",
            isPublic: false,
            members: ["alice"]
        ),
        WorkspaceRecord(
            id: Workspace.privateP1,
            scope: "debian",
            name: "private-p1",
            isPublic: false,
            members: ["alice"]
        ),
        WorkspaceRecord(
            id: Workspace.hiddenParent,
            scope: "debian",
            name: "hidden-parent",
            isPublic: false,
            members: ["bob"]
        ),
        WorkspaceRecord(
            id: Workspace.child,
            scope: "debian",
            name: "child",
            inheritsFrom: [Workspace.hiddenParent, Workspace.base]
        ),
        WorkspaceRecord(id: Workspace.loopA, scope: "debian", name: "loop-a", inheritsFrom: [Workspace.loopB]),
        WorkspaceRecord(id: Workspace.loopB, scope: "debian", name: "loop-b", inheritsFrom: [Workspace.loopA]),
        WorkspaceRecord(id: Workspace.otherScope, scope: "freexian", name: "developers"),
    ]

    static let artifacts: [ArtifactRecord] = [
        ArtifactRecord(id: 42, category: "debusine:test", workspaceID: Workspace.developers),
        source(100, "src1", "0.9", in: Workspace.base),
        source(101, "src1", "1.0", in: Workspace.base),
        source(102, "src2", "2.0", in: Workspace.base),
        binary(103, "foo", "1.0", "amd64", source: ("src1", "1.0"), in: Workspace.base),
        binary(104, "foo-data", "1.0", "all", source: ("src1", "1.0"), in: Workspace.base),
        binary(105, "foo", "1.0", "i386", source: ("src1", "1.0"), in: Workspace.base),
        binary(106, "foo", "0.9", "amd64", source: ("src1", "0.9"), in: Workspace.base),
        ArtifactRecord(id: 107, category: KnownCategories.repositoryIndex, workspaceID: Workspace.base),
        ArtifactRecord(id: 108, category: KnownCategories.repositoryIndex, workspaceID: Workspace.base),
        source(109, "src2", "3.0", in: Workspace.base),
        source(110, "hello", "3.0", in: Workspace.otherScope),
        source(120, "hello", "1.0", in: Workspace.developers),
        binary(121, "libc6-dev", "2.37-15", "amd64", source: ("glibc", "2.37-15"), in: Workspace.developers),
        binary(122, "libc6-dev", "2.37-14", "amd64", source: ("glibc", "2.37-14"), in: Workspace.developers),
        binary(123, "debhelper", "13.15.3", "amd64", source: ("debhelper", "13.15.3"), in: Workspace.developers),
        binary(124, "debhelper", "13.15.3", "s390x", source: ("debhelper", "13.15.3"), in: Workspace.developers),
        binary(125, "debhelper", "13.15.2", "all", source: ("debhelper", "13.15.2"), in: Workspace.developers),
        environment(130, KnownCategories.systemTarball, "amd64"),
        environment(131, KnownCategories.systemTarball, "amd64"),
        environment(132, KnownCategories.systemImage, "amd64"),
        environment(133, KnownCategories.systemTarball, "i386"),
        environment(134, KnownCategories.systemTarball, "amd64"),
        environment(135, KnownCategories.systemTarball, "amd64"),
        ArtifactRecord(id: 140, category: "debusine:test", workspaceID: Workspace.developers),
        ArtifactRecord(id: 150, category: "debusine:test", workspaceID: Workspace.developers),
        ArtifactRecord(id: 151, category: "debusine:test", workspaceID: Workspace.developers),
        ArtifactRecord(id: 152, category: "debusine:test", workspaceID: Workspace.developers),
        source(160, "hello", "2.0", in: Workspace.base),
        source(161, "hello", "1.0", in: Workspace.base),
        ArtifactRecord(id: 300, category: "debusine:test", workspaceID: Workspace.privateP0),
    ]

    static let collections: [CollectionRecord] = [
        CollectionRecord(
            id: Collection.bookwormSuite,
            name: "bookworm",
            category: KnownCategories.suite,
            workspaceID: Workspace.base
        ),
        CollectionRecord(
            id: Collection.bookwormTest,
            name: "bookworm",
            category: "debusine:test",
            workspaceID: Workspace.developers
        ),
        CollectionRecord(
            id: Collection.trixieSuite,
            name: "trixie",
            category: KnownCategories.suite,
            workspaceID: Workspace.developers
        ),
        CollectionRecord(
            id: Collection.environments,
            name: "debian",
            category: KnownCategories.environments,
            workspaceID: Workspace.base
        ),
        CollectionRecord(
            id: Collection.taskConfiguration,
            name: "default",
            category: KnownCategories.taskConfiguration,
            workspaceID: Workspace.base
        ),
        CollectionRecord(
            id: Collection.workflowInternal,
            name: KnownCategories.workflowInternalCollectionName(rootID: workflowRootID),
            category: KnownCategories.workflowInternal,
            workspaceID: Workspace.developers
        ),
        CollectionRecord(
            id: Collection.empty,
            name: "empty",
            category: "debusine:test",
            workspaceID: Workspace.developers
        ),
        CollectionRecord(
            id: Collection.names,
            name: "names",
            category: "debusine:test",
            workspaceID: Workspace.developers
        ),
        CollectionRecord(
            id: Collection.hiddenBookwormSuite,
            name: "bookworm",
            category: KnownCategories.suite,
            workspaceID: Workspace.hiddenParent
        ),
        CollectionRecord(
            id: Collection.privateSuite,
            name: "p0suite",
            category: KnownCategories.suite,
            workspaceID: Workspace.privateP0
        ),
        CollectionRecord(
            id: Collection.bullseyeSuite,
            name: "bullseye",
            category: KnownCategories.suite,
            workspaceID: Workspace.base,
            data: ["exported": false]
        ),
        CollectionRecord(
            id: Collection.otherScopeBookwormSuite,
            name: "bookworm",
            category: KnownCategories.suite,
            workspaceID: Workspace.otherScope
        ),
        CollectionRecord(
            id: Collection.sidSuite,
            name: "sid",
            category: KnownCategories.suite,
            workspaceID: Workspace.base
        ),
        CollectionRecord(
            id: Collection.nested,
            name: "nested",
            category: "debusine:test",
            workspaceID: Workspace.developers
        ),
        CollectionRecord(
            id: Collection.archive,
            name: "_",
            category: KnownCategories.archive,
            workspaceID: Workspace.base
        ),
    ]

    static let items: [CollectionItemRecord] = [
        // bookworm@debian:suite: two src1 versions (1.0 added last), src2, src1's binaries, two indexes.
        suiteSource(209, Collection.bookwormSuite, artifact: 100, "src1", "0.9"),
        suiteSource(210, Collection.bookwormSuite, artifact: 101, "src1", "1.0"),
        suiteSource(211, Collection.bookwormSuite, artifact: 102, "src2", "2.0"),
        suiteBinary(212, Collection.bookwormSuite, artifact: 103, "foo", "1.0", "amd64", source: ("src1", "1.0")),
        suiteBinary(213, Collection.bookwormSuite, artifact: 104, "foo-data", "1.0", "all", source: ("src1", "1.0")),
        suiteBinary(214, Collection.bookwormSuite, artifact: 105, "foo", "1.0", "i386", source: ("src1", "1.0")),
        // Added before foo 1.0 (created at 100 s), so foo 1.0 stays the current amd64 binary.
        suiteBinary(
            215,
            Collection.bookwormSuite,
            artifact: 106,
            "foo",
            "0.9",
            "amd64",
            source: ("src1", "0.9"),
            createdAt: 100
        ),
        CollectionItemRecord(
            id: 216,
            parentCollectionID: Collection.bookwormSuite,
            name: "index:Release",
            childType: .artifact,
            category: KnownCategories.repositoryIndex,
            data: ["path": "Release"],
            artifactID: 107,
            createdAt: seconds(216),
            removedAt: seconds(217)
        ),
        CollectionItemRecord(
            id: 217,
            parentCollectionID: Collection.bookwormSuite,
            name: "index:Release",
            childType: .artifact,
            category: KnownCategories.repositoryIndex,
            data: ["path": "Release"],
            artifactID: 108,
            createdAt: seconds(217)
        ),
        // trixie@debian:suite (lookup scenario 39, Debusine `test_alternatives`).
        suiteSource(201, Collection.trixieSuite, artifact: 120, "hello", "1.0"),
        suiteBinary(
            202,
            Collection.trixieSuite,
            artifact: 121,
            "libc6-dev",
            "2.37-15",
            "amd64",
            source: ("glibc", "2.37-15")
        ),
        suiteBinary(
            203,
            Collection.trixieSuite,
            artifact: 122,
            "libc6-dev",
            "2.37-14",
            "amd64",
            source: ("glibc", "2.37-14")
        ),
        suiteBinary(
            204,
            Collection.trixieSuite,
            artifact: 123,
            "debhelper",
            "13.15.3",
            "amd64",
            source: ("debhelper", "13.15.3")
        ),
        suiteBinary(
            205,
            Collection.trixieSuite,
            artifact: 124,
            "debhelper",
            "13.15.3",
            "s390x",
            source: ("debhelper", "13.15.3")
        ),
        suiteBinary(
            206,
            Collection.trixieSuite,
            artifact: 125,
            "debhelper",
            "13.15.2",
            "all",
            source: ("debhelper", "13.15.2"),
            removedAt: 300
        ),
        // debian@debian:environments: the removed 225 is the newest but must never win.
        environmentItem(220, artifact: 130, "tarball", "amd64", variant: nil, backend: nil),
        environmentItem(221, artifact: 131, "tarball", "amd64", variant: "lintian", backend: "unshare"),
        environmentItem(222, artifact: 132, "image", "amd64", variant: nil, backend: "incus-vm"),
        environmentItem(223, artifact: 133, "tarball", "i386", variant: nil, backend: "unshare"),
        environmentItem(224, artifact: 134, "tarball", "amd64", variant: nil, backend: "unshare"),
        environmentItem(225, artifact: 135, "tarball", "amd64", variant: nil, backend: "unshare", removedAt: 400),
        // default@debusine:task-configuration.
        CollectionItemRecord(
            id: 230,
            parentCollectionID: Collection.taskConfiguration,
            name: "noop-global",
            childType: .bare,
            category: KnownCategories.taskConfiguration,
            data: ["task_type": "Worker", "task_name": "noop"],
            createdAt: seconds(230)
        ),
        // workflow-500@debusine:workflow-internal: a promise, a real artifact, other bare data.
        CollectionItemRecord(
            id: 240,
            parentCollectionID: Collection.workflowInternal,
            name: "build-arm64",
            childType: .bare,
            category: KnownCategories.promise,
            data: [
                "promise_work_request_id": 501, "promise_workflow_id": .int(workflowRootID),
                "promise_category": .string(KnownCategories.binaryPackage),
            ],
            createdAt: seconds(240)
        ),
        CollectionItemRecord(
            id: 241,
            parentCollectionID: Collection.workflowInternal,
            name: "build-amd64",
            childType: .artifact,
            category: "debusine:test",
            artifactID: 140,
            createdAt: seconds(241)
        ),
        CollectionItemRecord(
            id: 242,
            parentCollectionID: Collection.workflowInternal,
            name: "notes",
            childType: .bare,
            category: "debusine:test",
            data: ["text": "hello"],
            createdAt: seconds(242)
        ),
        // names@debusine:test (lookup scenario 38, Debusine `test_name_matcher`).
        CollectionItemRecord(
            id: 250,
            parentCollectionID: Collection.names,
            name: "foo",
            childType: .artifact,
            category: "debusine:test",
            data: ["some_id": 7, "tags": ["a", "b"]],
            artifactID: 150,
            createdAt: seconds(250)
        ),
        CollectionItemRecord(
            id: 251,
            parentCollectionID: Collection.names,
            name: "foobar",
            childType: .artifact,
            category: "debusine:test",
            data: ["some_id": 123],
            artifactID: 151,
            createdAt: seconds(251)
        ),
        CollectionItemRecord(
            id: 252,
            parentCollectionID: Collection.names,
            name: "rebar",
            childType: .artifact,
            category: "debusine:test",
            data: ["some_id": "124", "note": nil],
            artifactID: 152,
            createdAt: seconds(252)
        ),
        // sid@debian:suite: hello 1.0 added after hello 2.0 (a downgrade).
        suiteSource(260, Collection.sidSuite, artifact: 160, "hello", "2.0"),
        suiteSource(261, Collection.sidSuite, artifact: 161, "hello", "1.0"),
        // bullseye@debian:suite (not exported): a src2 newer than bookworm's, which the archive must not find.
        suiteSource(280, Collection.bullseyeSuite, artifact: 109, "src2", "3.0"),
        // bookworm@debian:suite of freexian/developers: a hello newer than base's, which base's archive must not find.
        suiteSource(282, Collection.otherScopeBookwormSuite, artifact: 110, "hello", "3.0"),
        // _@debian:archive: its own index.
        CollectionItemRecord(
            id: 281,
            parentCollectionID: Collection.archive,
            name: "index:Release",
            childType: .artifact,
            category: KnownCategories.repositoryIndex,
            data: ["path": "Release"],
            artifactID: 107,
            createdAt: seconds(281)
        ),
        // nested@debusine:test holds a collection.
        CollectionItemRecord(
            id: 270,
            parentCollectionID: Collection.nested,
            name: "inner",
            childType: .collection,
            category: "debusine:test",
            collectionID: Collection.empty,
            createdAt: seconds(270)
        ),
    ]

    // MARK: Builders

    static func seconds(_ value: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(value)) }

    static func source(_ id: Int, _ name: String, _ version: String, in workspace: Int) -> ArtifactRecord {
        ArtifactRecord(
            id: id,
            category: KnownCategories.sourcePackage,
            workspaceID: workspace,
            data: ["name": .string(name), "version": .string(version), "type": "dpkg"]
        )
    }

    static func binary(
        _ id: Int,
        _ name: String,
        _ version: String,
        _ architecture: String,
        source: (String, String),
        in workspace: Int
    ) -> ArtifactRecord {
        ArtifactRecord(
            id: id,
            category: KnownCategories.binaryPackage,
            workspaceID: workspace,
            data: [
                "srcpkg_name": .string(source.0), "srcpkg_version": .string(source.1),
                "deb_fields": [
                    "Package": .string(name), "Version": .string(version), "Architecture": .string(architecture),
                ],
            ]
        )
    }

    static func environment(_ id: Int, _ category: String, _ architecture: String) -> ArtifactRecord {
        ArtifactRecord(
            id: id,
            category: category,
            workspaceID: Workspace.base,
            data: ["codename": "bookworm", "architecture": .string(architecture)]
        )
    }

    static func suiteSource(
        _ id: Int,
        _ collection: Int,
        artifact: Int,
        _ name: String,
        _ version: String
    ) -> CollectionItemRecord {
        CollectionItemRecord(
            id: id,
            parentCollectionID: collection,
            name: "\(name)_\(version)",
            childType: .artifact,
            category: KnownCategories.sourcePackage,
            data: ["package": .string(name), "version": .string(version), "component": "main", "section": "devel"],
            artifactID: artifact,
            createdAt: seconds(id)
        )
    }

    static func suiteBinary(
        _ id: Int,
        _ collection: Int,
        artifact: Int,
        _ name: String,
        _ version: String,
        _ architecture: String,
        source: (String, String),
        createdAt: Int? = nil,
        removedAt: Int? = nil
    ) -> CollectionItemRecord {
        CollectionItemRecord(
            id: id,
            parentCollectionID: collection,
            name: "\(name)_\(version)_\(architecture)",
            childType: .artifact,
            category: KnownCategories.binaryPackage,
            data: [
                "srcpkg_name": .string(source.0), "srcpkg_version": .string(source.1), "package": .string(name),
                "version": .string(version), "architecture": .string(architecture), "component": "main",
                "section": "devel", "priority": "optional",
            ],
            artifactID: artifact,
            createdAt: seconds(createdAt ?? id),
            removedAt: removedAt.map(seconds)
        )
    }

    static func environmentItem(
        _ id: Int,
        artifact: Int,
        _ format: String,
        _ architecture: String,
        variant: String?,
        backend: String?,
        removedAt: Int? = nil
    ) -> CollectionItemRecord {
        var name = [format, "bookworm", architecture]
        if variant != nil || backend != nil { name += [variant ?? "", backend ?? ""] }
        return CollectionItemRecord(
            id: id,
            parentCollectionID: Collection.environments,
            name: name.joined(separator: ":"),
            childType: .artifact,
            category: format == "image" ? KnownCategories.systemImage : KnownCategories.systemTarball,
            data: [
                "codename": "bookworm", "architecture": .string(architecture),
                "variant": variant.map(JSONValue.string) ?? .null, "backend": backend.map(JSONValue.string) ?? .null,
            ],
            artifactID: artifact,
            createdAt: seconds(id),
            removedAt: removedAt.map(seconds)
        )
    }
}
