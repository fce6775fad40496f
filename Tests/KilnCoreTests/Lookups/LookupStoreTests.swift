import Foundation
import KilnCore
import KilnTestSupport
import Testing

@Suite("Item filters and the in-memory lookup store")
struct LookupStoreTests {
    static let item = CollectionItemRecord(
        id: 1,
        parentCollectionID: 1,
        name: "foo_1.0_all",
        childType: .artifact,
        category: "debian:binary-package",
        data: ["package": "foo", "architecture": "all", "build_id": 7, "variant": nil],
        artifactID: 1
    )

    @Test("each filter condition admits and rejects")
    func filterConditions() throws {
        let item = Self.item
        #expect(ItemFilter().matches(item))
        #expect(ItemFilter(childTypes: .only(.artifact)).matches(item))
        #expect(!ItemFilter(childTypes: .only(.bare)).matches(item))
        #expect(ItemFilter(category: "debian:binary-package").matches(item))
        #expect(!ItemFilter(category: "debian:source-package").matches(item))
        #expect(ItemFilter(name: try ItemMatcher(kind: .endswith, value: "_all", key: "name__endswith")).matches(item))
        #expect(
            !ItemFilter(name: try ItemMatcher(kind: .startswith, value: "bar", key: "name__startswith")).matches(item)
        )
        let buildID = ItemDataCondition(
            key: "build_id",
            test: .matcher(try ItemMatcher(kind: .exact, value: "7", key: "k"))
        )
        #expect(ItemFilter(data: [buildID]).matches(item))
        #expect(ItemFilter(data: [ItemDataCondition(key: "variant", test: .absentOrNull)]).matches(item))
        #expect(ItemFilter(data: [ItemDataCondition(key: "missing", test: .absentOrNull)]).matches(item))
        #expect(!ItemFilter(data: [ItemDataCondition(key: "package", test: .absentOrNull)]).matches(item))
        // A binary records its source; no source list means no constraint, an empty one excludes all.
        var binary = item
        binary.data["srcpkg_name"] = "foo-src"
        binary.data["srcpkg_version"] = "1.0"
        #expect(
            ItemFilter(builtFrom: [SourcePackageIdentity(artifactID: 9, name: "foo-src", version: "1.0")]).matches(
                binary
            )
        )
        #expect(
            !ItemFilter(builtFrom: [SourcePackageIdentity(artifactID: 9, name: "foo-src", version: "1.1")]).matches(
                binary
            )
        )
        // The relation is the resolver's check: the source's artifact among the binary's built-using targets.
        let source = SourcePackageIdentity(artifactID: 9, name: "foo-src", version: "1.0")
        #expect(source.built(binary, builtUsing: [9]))
        #expect(!source.built(binary, builtUsing: [8]))
        #expect(!ItemFilter(builtFrom: []).matches(binary))
    }

    /// Debusine filters names and data in SQL (`=`, `LIKE`): code point by code point, where Swift's `String`
    /// compares by canonical equivalence (and, with Foundation, finds no empty string).
    @Test("matchers compare as PostgreSQL does: code points, not canonical equivalence; the empty string is everywhere")
    func matchersCompareCodePoints() throws {
        let decomposed = "cafe\u{301}"  // "café" with a combining accent
        let composed = "caf\u{e9}"
        #expect(decomposed == composed, "Swift's String equality, which the matchers must not use")
        #expect(!ItemMatcher(exactText: composed).matches(decomposed))
        #expect(ItemMatcher(exactText: decomposed).matches(decomposed))
        #expect(!(try ItemMatcher(kind: .startswith, value: "cafe", key: "k")).matches(composed))
        #expect(try ItemMatcher(kind: .startswith, value: "cafe", key: "k").matches(decomposed))
        #expect(!(try ItemMatcher(kind: .endswith, value: "\u{e9}", key: "k")).matches(decomposed))
        #expect(try ItemMatcher(kind: .contains, value: "e\u{301}", key: "k").matches(decomposed))
        #expect(!(try ItemMatcher(kind: .in, value: [.string(composed)], key: "k")).matches(decomposed))
        for kind in [ItemMatchKind.contains, .startswith, .endswith] {
            #expect(try ItemMatcher(kind: kind, value: "", key: "k").matches("anything"), "\(kind)")
            #expect(try ItemMatcher(kind: kind, value: "", key: "k").matches(""), "\(kind)")
        }
        #expect(!(try ItemMatcher(kind: .contains, value: "", key: "k")).matches(nil), "an absent field matches nothing")
        #expect(!(try ItemMatcher(kind: .contains, value: "abcd", key: "k")).matches("abc"))
        #expect(try ItemMatcher(kind: .contains, value: "bc", key: "k").matches("abcd"))
    }

    @Test("artifact-or-promise admits artifacts and promises only")
    func artifactOrPromise() {
        var promise = Self.item
        promise.childType = .bare
        promise.category = KnownCategories.promise
        var otherBare = promise
        otherBare.category = "debusine:test"
        #expect(ItemChildTypeFilter.artifactOrPromise.admits(Self.item))
        #expect(ItemChildTypeFilter.artifactOrPromise.admits(promise))
        #expect(!ItemChildTypeFilter.artifactOrPromise.admits(otherBare))
    }

    @Test("the store returns active matches in id order")
    func activeItemsInOrder() throws {
        let store = try LookupFixture.inMemoryStore()
        let items = store.activeItems(
            inCollection: LookupFixture.Collection.trixieSuite,
            matching: ItemFilter(category: KnownCategories.binaryPackage)
        )
        #expect(items.map(\.id) == [202, 203, 204, 205])
    }

    @Test("the fixture sink refuses duplicates, dangling references and a second active name")
    func fixtureIntegrity() throws {
        var store = InMemoryLookupStore()
        let workspace = WorkspaceRecord(id: 1, scope: "debian", name: "w")
        try store.addWorkspace(workspace)
        #expect(throws: LookupFixtureError.duplicateID(kind: "workspace", id: 1)) { try store.addWorkspace(workspace) }
        #expect(throws: LookupFixtureError.notUnique("workspace debian/w")) {
            try store.addWorkspace(WorkspaceRecord(id: 2, scope: "debian", name: "w"))
        }
        #expect(throws: LookupFixtureError.missingReference("workspace 9 of artifact 1")) {
            try store.addArtifact(ArtifactRecord(id: 1, category: "debusine:test", workspaceID: 9))
        }
        try store.addCollection(CollectionRecord(id: 1, name: "c", category: "debusine:test", workspaceID: 1))
        #expect(throws: LookupFixtureError.notUnique("collection c@debusine:test in workspace 1")) {
            try store.addCollection(CollectionRecord(id: 2, name: "c", category: "debusine:test", workspaceID: 1))
        }
        let item = CollectionItemRecord(id: 1, parentCollectionID: 1, name: "a", childType: .bare, category: "x")
        try store.addItem(item)
        #expect(throws: LookupFixtureError.notUnique("active item 'a' in collection 1")) {
            try store.addItem(
                CollectionItemRecord(id: 2, parentCollectionID: 1, name: "a", childType: .bare, category: "x")
            )
        }
        // A removed item may share the name.
        try store.addItem(
            CollectionItemRecord(
                id: 3,
                parentCollectionID: 1,
                name: "a",
                childType: .bare,
                category: "x",
                removedAt: Date()
            )
        )
        #expect(throws: LookupFixtureError.missingReference("artifact 5 of item 4")) {
            try store.addItem(
                CollectionItemRecord(
                    id: 4,
                    parentCollectionID: 1,
                    name: "b",
                    childType: .artifact,
                    category: "x",
                    artifactID: 5
                )
            )
        }
    }

    @Test("environment attempts: augmentation order and variant fallback")
    func environmentAttempts() throws {
        let lookup = try LookupSingle(parsing: "debian/match:codename=bookworm")
        let attempts = try LookupResolver<InMemoryLookupStore>.environmentAttempts(
            lookup,
            architecture: "i386",
            backend: "unshare",
            format: "tarball",
            taskName: "lintian"
        )
        #expect(
            attempts.map(\.exported) == [
                "debian/match:codename=bookworm:architecture=i386:format=tarball:backend=unshare:variant=lintian",
                "debian/match:codename=bookworm:architecture=i386:format=tarball:backend=unshare:variant=",
            ]
        )
        let byName = try LookupSingle(parsing: "debian/name:x")
        #expect(
            try LookupResolver<InMemoryLookupStore>.environmentAttempts(
                byName,
                architecture: "i386",
                backend: nil,
                format: nil,
                taskName: "lintian"
            ) == [byName]
        )
        // Debusine `db/models/work_requests.py` `WorkRequest.lookup_environment` extends only a lookup of
        // exactly two segments whose second is `match:`; a deeper one is used as written.
        let deeper = try LookupSingle(parsing: "debian@debusine:test/inner/match:codename=bookworm")
        #expect(
            try LookupResolver<InMemoryLookupStore>.environmentAttempts(
                deeper,
                architecture: "i386",
                backend: "unshare",
                format: "tarball",
                taskName: "lintian"
            ) == [deeper]
        )
        // `match:` filters are a dict there too: a given key is kept, not added again.
        let given = try LookupSingle(parsing: "debian/match:architecture=amd64:architecture=s390x")
        #expect(
            try LookupResolver<InMemoryLookupStore>.environmentAttempts(
                given,
                architecture: "i386",
                backend: nil,
                format: nil,
                taskName: "lintian"
            ).map(\.exported) == [
                "debian/match:architecture=s390x:variant=lintian", "debian/match:architecture=s390x:variant=",
            ]
        )
        // `try_variant=None` (piuparts' `base_tgz`): one attempt, augmented, with no variant added.
        #expect(
            try LookupResolver<InMemoryLookupStore>.environmentAttempts(
                lookup,
                architecture: "i386",
                backend: nil,
                format: "tarball",
                taskName: nil
            ).map(\.exported) == ["debian/match:codename=bookworm:architecture=i386:format=tarball"]
        )
    }

    /// Debusine `server/collections/tests/test_debian_suite.py` `DebianSuiteManagerTests.test_do_lookup_filter_binaries`:
    /// a binary is one of a source's only through a `built-using` relation to it AND its `srcpkg_name`/`srcpkg_version`
    /// (a binary that declares the source in `Built-Using` for another reason, `hello-downstream`, is not).
    @Test("lookup__binaries needs the built-using relation and the source's name and version")
    func binariesNeedTheRelation() throws {
        var store = try LookupFixture.inMemoryStore()
        let suite = LookupFixture.Collection.bookwormSuite
        func binary(_ id: Int, _ name: String, source: (String, String)) throws {
            try store.addArtifact(
                ArtifactRecord(
                    id: id,
                    category: KnownCategories.binaryPackage,
                    workspaceID: LookupFixture.Workspace.base,
                    data: ["srcpkg_name": .string(source.0), "srcpkg_version": .string(source.1)]
                )
            )
            try store.addItem(
                CollectionItemRecord(
                    id: id,
                    parentCollectionID: suite,
                    name: "\(name)_\(source.1)_amd64",
                    childType: .artifact,
                    category: KnownCategories.binaryPackage,
                    data: [
                        "srcpkg_name": .string(source.0), "srcpkg_version": .string(source.1), "package": .string(name),
                        "version": .string(source.1), "architecture": "amd64",
                    ],
                    artifactID: id
                )
            )
        }
        try binary(900, "bar", source: ("src2", "2.0"))
        try binary(901, "hello-downstream", source: ("hello-downstream", "1.0"))
        try store.addRelation(ArtifactRelation(artifactID: 901, type: .builtUsing, targetID: 102))
        func binaries(of source: String) throws -> [Int] {
            try LookupResolver(store: store).lookupMultiple(
                [
                    "collection": "bookworm@debian:suite",
                    "lookup__binaries": .string("bookworm@debian:suite/source:\(source)"),
                ],
                expect: .artifact,
                defaultCategory: nil,
                context: LookupContext(workspaceID: LookupFixture.Workspace.developers, user: "alice")
            ).compactMap { $0.artifact?.id }
        }
        // bar names src2 2.0 but has no relation to it; hello-downstream has one but another source name.
        #expect(try binaries(of: "src2") == [])
        try store.addRelation(ArtifactRelation(artifactID: 900, type: .builtUsing, targetID: 102))
        #expect(try binaries(of: "src2") == [900])
        #expect(try binaries(of: "src1") == [103, 104, 105])
    }
}
