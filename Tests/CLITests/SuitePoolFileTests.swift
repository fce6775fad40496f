import Foundation
import KilnCore
import KilnTestSupport
import Store
import Testing

extension CLIIntegration {
    /// `debian:suite` additions and removals against real PostgreSQL, following Debusine's
    /// `server/collections/tests/test_debian_suite.py` (`DebianSuiteManagerTest`) test by test.
    @Suite("debian:suite pool files, superseding and removal (real PostgreSQL)")
    struct SuitePoolFileTests {
        /// A workspace with one suite, the user adding to it, and helpers to make packages with files.
        struct Fixture {
            let pool: PGPool
            let workspace: WorkspaceRecord
            let user: UserRecord

            static func make(_ pool: PGPool) async throws -> Fixture {
                try await pool.withTransaction { conn in
                    Fixture(
                        pool: pool,
                        workspace: try await WorkspaceRepository.create(
                            WorkspacePath(scope: "debian", name: "pool"), on: conn),
                        user: try await WorkspaceRepository.findOrCreateUser("alice", on: conn))
                }
            }

            func collection(_ name: String, _ category: String, data: [String: JSONValue] = [:]) async throws
                -> CollectionRecord
            {
                try await pool.withTransaction { conn in
                    try await CollectionRepository.create(
                        workspaceID: workspace.id, name: name, category: category, data: data, on: conn)
                }
            }

            /// An artifact whose files hold `contents` (path → bytes, digested as the file store digests).
            func artifact(_ category: String, data: [String: JSONValue], files: [String: String]) async throws
                -> ArtifactRecord
            {
                try await pool.withTransaction { conn in
                    let id = try await ArtifactFileRepository.create(
                        workspaceID: workspace.id, category: category, data: data,
                        files: files.mapValues {
                            FileStoreProtocol.DeclaredFile(size: $0.utf8.count, sha256: Self.sha256($0))
                        },
                        on: conn)
                    return try #require(try await ArtifactRepository.find(id: id, on: conn))
                }
            }

            func source(_ name: String, _ version: String, files: [String: String]) async throws -> ArtifactRecord {
                try await artifact(
                    KnownCategories.sourcePackage,
                    data: ["name": .string(name), "version": .string(version), "type": "dpkg", "dsc_fields": [:]],
                    files: files)
            }

            func binary(
                source: String, sourceVersion: String, _ name: String, _ version: String, _ architecture: String,
                builtUsing: ArtifactRecord? = nil
            ) async throws -> ArtifactRecord {
                let binary = try await artifact(
                    KnownCategories.binaryPackage,
                    data: [
                        "srcpkg_name": .string(source), "srcpkg_version": .string(sourceVersion),
                        "deb_fields": [
                            "Package": .string(name), "Version": .string(version), "Architecture": .string(architecture),
                        ],
                        "deb_control_files": [],
                    ],
                    files: ["\(name)_\(version)_\(architecture).deb": "\(name) \(version) \(architecture) \(UUID())"])
                if let builtUsing {
                    try await pool.withTransaction { conn in
                        try await ArtifactRelationRepository.relate(binary.id, .builtUsing, to: builtUsing.id, on: conn)
                    }
                }
                return binary
            }

            /// A `debian:debug-symbols` artifact with one file per build ID, related to `binary`.
            func debugSymbols(_ buildIDs: [String], of binary: ArtifactRecord) async throws -> ArtifactRecord {
                let symbols = try await artifact(
                    KnownCategories.debugSymbols, data: ["build_ids": .array(buildIDs.map { .string($0) })],
                    files: Dictionary(uniqueKeysWithValues: buildIDs.map { ($0, "debug-\($0)") }))
                try await pool.withTransaction { conn in
                    try await ArtifactRelationRepository.relate(symbols.id, .relatesTo, to: binary.id, on: conn)
                }
                return symbols
            }

            @discardableResult
            func add(
                _ artifact: ArtifactRecord, to suite: CollectionRecord, replace: Bool = false,
                variables given: [String: JSONValue]? = nil
            ) async throws -> CollectionItemRecord {
                let variables: [String: JSONValue] =
                    given
                    ?? (artifact.category == KnownCategories.sourcePackage
                        ? ["component": "main", "section": "devel"]
                        : ["component": "main", "section": "devel", "priority": "optional"])
                return try await pool.withTransaction { conn in
                    try await CollectionRepository.addItem(
                        to: suite, CollectionItemAddition(child: .artifact(artifact, variables: variables), replace: replace),
                        createdBy: user.id, on: conn
                    ).item
                }
            }

            /// `(collection, item, key, value)` of every pool-file claim, in id order.
            func claims() async throws -> [(collection: Int, item: Int, key: String, value: String)] {
                try await pool.query(
                    """
                    SELECT collection_id, collection_item_id, key, value FROM collection_item_match_constraints
                     WHERE constraint_name = 'pool-file' ORDER BY id
                    """
                ).rows.map {
                    (
                        try $0.decode(Int.self, at: 0), try $0.decode(Int.self, at: 1), try $0.decode(String.self, at: 2),
                        try $0.decode(String.self, at: 3)
                    )
                }
            }

            func items(_ suite: CollectionRecord) async throws -> [CollectionItemRecord] {
                try await pool.withConnection { conn in
                    // In the order they were added (the repository lists them by name).
                    try await CollectionRepository.items(collectionID: suite.id, includeRemoved: true, on: conn)
                        .sorted { $0.id < $1.id }
                }
            }

            /// SHA-256 in hex, as the file store digests content (the token digest is the same function).
            static func sha256(_ text: String) -> String { TokenRepository.digest(of: text) }
        }

        @Test("files with the same name and bytes may be shared; each file's claim is recorded (`test_do_add_artifact_overlapping_files_same_contents`, `test_add_artifact_source_package_no_archive_constraints_if_no_archive`)")
        func sameContents() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let fixture = try await Fixture.make(pool)
                let suite = try await fixture.collection("Debian", KnownCategories.suite)
                var items: [CollectionItemRecord] = []
                var expected: [(String, String)] = []
                for version in ["1.0-1", "1.0-2"] {
                    let files = [
                        "hello_\(version).dsc": "data for hello_\(version).dsc",
                        "hello_\(version).debian.tar.xz": "data for hello_\(version).debian.tar.xz",
                        "hello_1.0.orig.tar.xz": "data for hello_1.0.orig.tar.xz",
                    ]
                    items.append(try await fixture.add(try await fixture.source("hello", version, files: files), to: suite))
                    expected += files.keys.sorted().map { ("pool/main/h/hello/\($0)", "sha256:\(Fixture.sha256(files[$0]!))") }
                }
                #expect(items.map(\.name) == ["hello_1.0-1", "hello_1.0-2"])
                let claims = try await fixture.claims()
                #expect(claims.map(\.key) == expected.map(\.0) && claims.map(\.value) == expected.map(\.1))
                #expect(claims.map(\.item) == [items[0].id, items[0].id, items[0].id, items[1].id, items[1].id, items[1].id])
                #expect(Set(claims.map(\.collection)) == [suite.id], "no archive, so no archive-level claims")
            }
        }

        @Test("a file name claimed with other bytes is refused in Debusine's words, and nothing is written (`test_do_add_artifact_overlapping_files_different_contents`)")
        func differentContents() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let fixture = try await Fixture.make(pool)
                let suite = try await fixture.collection("Debian", KnownCategories.suite)
                var sources: [ArtifactRecord] = []
                for version in ["1.0-1", "1.0-2"] {
                    var files: [String: String] = [:]
                    for path in ["hello_\(version).dsc", "hello_\(version).debian.tar.xz", "hello_1.0.orig.tar.xz"] {
                        files[path] = "data for \(path) at \(version)"
                    }
                    sources.append(try await fixture.source("hello", version, files: files))
                }
                try await fixture.add(sources[0], to: suite)
                let before = try await fixture.claims().count
                await #expect(
                    throws: ItemAdditionError("Debian@debian:suite: Artifact hello_1.0-2 already exists in the archive pool")
                ) {
                    try await fixture.add(sources[1], to: suite)
                }
                #expect(try await fixture.items(suite).map(\.name) == ["hello_1.0-1"])
                #expect(try await fixture.claims().count == before)
                #expect(try await fixture.items(suite)[0].supersededAt == nil, "the refused addition superseded nothing")
            }
        }

        @Test("suites of one archive share its pool: the same file name with other bytes is refused in a sibling suite (`test_two_binaries_same_version_in_two_suites_same_archive`, `test_add_artifact_binary_package_adds_archive_constraints`)")
        func archivePool() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let fixture = try await Fixture.make(pool)
                let archive = try await fixture.collection("_", KnownCategories.archive)
                let unstable = try await fixture.collection("Debian", KnownCategories.suite)
                let stable = try await fixture.collection("stable", KnownCategories.suite)
                let first = try await fixture.binary(source: "hello", sourceVersion: "1.0", "libhello1", "1:1.0", "amd64")
                let item = try await fixture.add(first, to: unstable)
                let claims = try await fixture.claims()
                #expect(claims.map(\.collection) == [unstable.id, archive.id] && Set(claims.map(\.item)) == [item.id])
                #expect(claims.map(\.key) == Array(repeating: "pool/main/h/hello/libhello1_1:1.0_amd64.deb", count: 2))
                let rebuilt = try await fixture.binary(source: "hello", sourceVersion: "1.0", "libhello1", "1:1.0", "amd64")
                await #expect(
                    throws: ItemAdditionError("stable@debian:suite: Artifact libhello1_1:1.0_amd64 already exists in the archive pool")
                ) {
                    try await fixture.add(rebuilt, to: stable)
                }
                try await fixture.add(first, to: stable)
                #expect(try await fixture.items(stable).map(\.artifactID) == [first.id], "the same bytes may be in both suites")
            }
        }

        /// Debusine's exclusion constraint refuses the second of two clashing claims however they interleave;
        /// Kiln's lock on the suite and the archive must do the same.
        @Test("two clashing additions to sibling suites at once: the second waits for the first and is refused")
        func concurrentClash() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let fixture = try await Fixture.make(pool)
                _ = try await fixture.collection("_", KnownCategories.archive)
                let unstable = try await fixture.collection("Debian", KnownCategories.suite)
                let stable = try await fixture.collection("stable", KnownCategories.suite)
                let first = try await fixture.binary(source: "hello", sourceVersion: "1.0", "libhello1", "1.0", "amd64")
                let second = try await fixture.binary(source: "hello", sourceVersion: "1.0", "libhello1", "1.0", "amd64")
                let variables: [String: JSONValue] = ["component": "main", "section": "devel", "priority": "optional"]

                let (firstAdded, signalFirstAdded) = AsyncStream<Int>.makeStream()
                let (release, signalRelease) = AsyncStream<Void>.makeStream()
                async let addingFirst: Void = pool.withTransaction { conn in
                    try await CollectionRepository.addItem(
                        to: unstable, CollectionItemAddition(child: .artifact(first, variables: variables)), on: conn)
                    signalFirstAdded.yield(try conn.query("SELECT pg_backend_pid()::bigint").rows[0].decode(Int.self, at: 0))
                    for await _ in release { break }  // hold the transaction open while the other one starts
                }
                var firstBackend = -1
                for await backend in firstAdded {
                    firstBackend = backend
                    break
                }
                async let addingSecond: Result<CollectionItemRecord, any Error> = {
                    do {
                        return .success(
                            try await pool.withTransaction { conn in
                                try await CollectionRepository.addItem(
                                    to: stable, CollectionItemAddition(child: .artifact(second, variables: variables)),
                                    on: conn
                                ).item
                            })
                    } catch { return .failure(error) }
                }()
                // Release the first once the second waits on its backend, or once the second finished without
                // waiting (what an unlocked check does: it then succeeds, and the assertion below fails).
                let monitor = PGConnection(configuration: pool.configuration)
                _ = await eventually(timeout: .seconds(120)) {
                    let waiting = try await monitor.query(
                        "SELECT count(*)::bigint FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))",
                        firstBackend
                    ).rows[0].decode(Int.self, at: 0)
                    let unlockedCheckDone = try await monitor.query(
                        "SELECT count(*)::bigint FROM collection_items WHERE parent_collection_id = $1", stable.id
                    ).rows[0].decode(Int.self, at: 0)
                    return waiting > 0 || unlockedCheckDone > 0
                }
                await monitor.close()
                signalRelease.yield()
                try await addingFirst
                let outcome = await addingSecond
                #expect(throws: ItemAdditionError("stable@debian:suite: Artifact libhello1_1.0_amd64 already exists in the archive pool")) {
                    try outcome.get()
                }
                #expect(try await fixture.items(stable).isEmpty)
            }
        }

        @Test("a newer version supersedes the older ones of that package and architecture only; superseded items stay active (`test_add_artifact_binary_package_supersedes_older`, `test_add_artifact_source_package_supersedes_older`)")
        func supersedesOlder() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let fixture = try await Fixture.make(pool)
                let suite = try await fixture.collection("Debian", KnownCategories.suite)
                let versions = ["1.2", "1.10", "1.11", "1:0.1"]
                var supersededAt: [Date?] = []
                for (index, version) in versions.enumerated() {
                    try await fixture.add(
                        try await fixture.binary(source: "hello", sourceVersion: version, "libhello1", version, "amd64"),
                        to: suite)
                    let items = try await fixture.items(suite)
                    #expect(items.map { $0.supersededAt != nil } == versions[...index].indices.map { $0 < index })
                    #expect(items.allSatisfy { $0.isActive })
                    // An item keeps the time it was first superseded.
                    #expect(Array(items.map(\.supersededAt).prefix(max(0, index - 1))) == Array(supersededAt.prefix(max(0, index - 1))))
                    supersededAt = items.map(\.supersededAt)
                }
                let superseded = try await pool.query(
                    "SELECT count(*) FROM collection_items WHERE superseded_by_id = $1", fixture.user.id
                ).rows[0].decode(Int.self, at: 0)
                #expect(superseded == 3, "superseded by the user who added the newer version")
                try await fixture.add(
                    try await fixture.binary(source: "hello", sourceVersion: "1:0.2", "libhello1", "1:0.2", "s390x"), to: suite)
                try await fixture.add(try await fixture.source("hello", "1.0", files: [:]), to: suite)
                #expect(
                    try await fixture.items(suite).filter { $0.supersededAt == nil }.map(\.name)
                        == ["libhello1_1:0.1_amd64", "libhello1_1:0.2_s390x", "hello_1.0"],
                    "another architecture and the source package are other packages")
            }
        }

        @Test("removal keeps the pool claims unless the suite or its archive sets may_reuse_versions (`test_do_remove_item_artifact`, `test_do_remove_item_artifact_reuse_versions`)")
        func removalAndReuse() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let fixture = try await Fixture.make(pool)
                let keeping = try await fixture.collection("keeping", KnownCategories.suite)
                let reusing = try await fixture.collection("reusing", KnownCategories.suite, data: ["may_reuse_versions": true])
                for suite in [keeping, reusing] {
                    let files = ["hello_1.0.dsc": "\(suite.name) dsc", "hello_1.0.tar.xz": "\(suite.name) tar"]
                    let item = try await fixture.add(try await fixture.source("hello", "1.0", files: files), to: suite)
                    let removed = try await pool.withTransaction { conn in
                        try await CollectionRepository.removeItem(from: suite, name: "hello_1.0", on: conn)
                    }
                    #expect(removed == [item.id])
                    let rebuilt = try await fixture.source("hello", "1.0", files: ["hello_1.0.dsc": "other bytes"])
                    if suite.name == "keeping" {
                        #expect(try await fixture.claims().filter { $0.item == item.id }.count == 2)
                        await #expect(
                            throws: ItemAdditionError("keeping@debian:suite: Artifact hello_1.0 already exists in the archive pool")
                        ) {
                            try await fixture.add(rebuilt, to: suite)
                        }
                    } else {
                        #expect(try await fixture.claims().filter { $0.item == item.id }.isEmpty)
                        try await fixture.add(rebuilt, to: suite)
                        #expect(try await fixture.claims().filter { $0.key.hasSuffix("hello_1.0.dsc") }.count == 2,
                                "the other suite's claim and the rebuilt package's: only the removed item's went")
                    }
                }
                // The archive's setting releases the claims of every suite in it, at the archive too.
                _ = try await fixture.collection("_", KnownCategories.archive, data: ["may_reuse_versions": true])
                let sibling = try await fixture.collection("sibling", KnownCategories.suite)
                let item = try await fixture.add(
                    try await fixture.source("other", "2.0", files: ["other_2.0.dsc": "x"]), to: sibling)
                #expect(try await fixture.claims().filter { $0.item == item.id }.count == 2)
                try await pool.withTransaction { conn in
                    _ = try await CollectionRepository.removeItem(from: sibling, name: "other_2.0", on: conn)
                }
                #expect(try await fixture.claims().filter { $0.item == item.id }.isEmpty)
            }
        }

        @Test("replacing an item removes the old one under the same rules (`test_add_artifact_source_package_replace`)")
        func replaceReleasesWhenReusing() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let fixture = try await Fixture.make(pool)
                let suite = try await fixture.collection("Debian", KnownCategories.suite, data: ["may_reuse_versions": true])
                let old = try await fixture.add(try await fixture.source("hello", "1.0", files: ["hello_1.0.dsc": "a"]), to: suite)
                let new = try await fixture.add(
                    try await fixture.source("hello", "1.0", files: ["hello_1.0.dsc": "b"]), to: suite, replace: true)
                #expect(try await fixture.items(suite).map { ($0.id, $0.isActive) } .elementsEqual([(old.id, false), (new.id, true)], by: ==))
                #expect(try await fixture.claims().map(\.item) == [new.id])
            }
        }

        @Test("replacing a rebuilt package where versions may not be reused is refused, and the old item stays (`test_add_artifact_source_package_replace` sets may_reuse_versions for this reason)")
        func replaceRefusedWithoutReuse() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let fixture = try await Fixture.make(pool)
                let suite = try await fixture.collection("Debian", KnownCategories.suite)
                let old = try await fixture.add(try await fixture.source("hello", "1.0", files: ["hello_1.0.dsc": "a"]), to: suite)
                let rebuilt = try await fixture.source("hello", "1.0", files: ["hello_1.0.dsc": "b"])
                await #expect(throws: ItemAdditionError("Debian@debian:suite: Artifact hello_1.0 already exists in the archive pool")) {
                    try await fixture.add(rebuilt, to: suite, replace: true)
                }
                let items = try await fixture.items(suite)
                #expect(items.map(\.id) == [old.id] && items[0].isActive)
            }
        }

        @Test("a suite that may rewind accepts an older version, which supersedes nothing newer (`test_add_artifact_source_package_may_rewind_versions`)")
        func rewindSupersedesNothingNewer() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let fixture = try await Fixture.make(pool)
                let suite = try await fixture.collection("Debian", KnownCategories.suite, data: ["may_rewind_versions": true])
                try await fixture.add(try await fixture.source("hello", "2.0", files: [:]), to: suite)
                try await fixture.add(try await fixture.source("hello", "1.0", files: [:]), to: suite)
                #expect(try await fixture.items(suite).map { $0.supersededAt == nil } == [true, true])
            }
        }

        /// Two imports changing two suites of one workspace in opposite orders: with a lock per suite, each held
        /// one and waited for the other's (PostgreSQL then aborts one, `deadlock detected`).
        @Test("two transactions adding to two suites in opposite orders both commit")
        func oppositeOrdersDoNotDeadlock() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let fixture = try await Fixture.make(pool)
                let first = try await fixture.collection("first", KnownCategories.suite)
                let second = try await fixture.collection("second", KnownCategories.suite)
                var made: [ArtifactRecord] = []
                for name in ["a", "b", "c", "d"] {
                    made.append(try await fixture.source(name, "1.0", files: ["\(name)_1.0.dsc": name]))
                }
                let sources = made
                let variables: [String: JSONValue] = ["component": "main", "section": "devel"]
                func add(_ artifact: ArtifactRecord, to suite: CollectionRecord, on conn: PGConnection) async throws {
                    try await CollectionRepository.addItem(
                        to: suite, CollectionItemAddition(child: .artifact(artifact, variables: variables)), on: conn)
                }
                let (added, signalAdded) = AsyncStream<Int>.makeStream()
                let (release, signalRelease) = AsyncStream<Void>.makeStream()
                async let importing: Void = pool.withTransaction { conn in
                    try await add(sources[0], to: first, on: conn)
                    signalAdded.yield(try conn.query("SELECT pg_backend_pid()::bigint").rows[0].decode(Int.self, at: 0))
                    for await _ in release { break }
                    try await add(sources[1], to: second, on: conn)
                }
                var backend = -1
                for await pid in added {
                    backend = pid
                    break
                }
                async let reversed: Void = pool.withTransaction { conn in
                    try await add(sources[2], to: second, on: conn)
                    try await add(sources[3], to: first, on: conn)
                }
                let monitor = PGConnection(configuration: pool.configuration)
                let serialised = await eventually(timeout: .seconds(120)) {
                    try await monitor.query(
                        "SELECT count(*)::bigint FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))", backend
                    ).rows[0].decode(Int.self, at: 0) > 0
                }
                await monitor.close()
                #expect(serialised, "the reversed import waits for the first at its first addition")
                signalRelease.yield()
                try await importing
                try await reversed
                let counts = (try await fixture.items(first).count, try await fixture.items(second).count)
                #expect(counts == (2, 2))
            }
        }

        @Test("removing a source removes the binaries built from it, only those (`test_do_remove_item_source_remove_associated_binaries`)")
        func removesAssociatedBinaries() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let fixture = try await Fixture.make(pool)
                let suite = try await fixture.collection("Debian", KnownCategories.suite)
                let sources = [
                    try await fixture.source("hello", "1.0", files: ["hello_1.0.dsc": "1.0"]),
                    try await fixture.source("hello", "1.1", files: ["hello_1.1.dsc": "1.1"]),
                ]
                for source in sources { try await fixture.add(source, to: suite) }
                var binaries: [ArtifactRecord] = []
                for (source, sourceVersion, name, version, architecture, builtUsing) in [
                    ("hello", "1.0", "libhello1", "1.0", "amd64", sources[0]),
                    ("hello", "1.0", "libhello1", "1.0", "s390x", sources[0]),
                    ("hello", "1.0", "libhello1", "1.0+b1", "amd64", sources[0]),
                    ("hello", "1.0", "libhello1", "1.0+b1", "s390x", sources[0]),
                    ("hello", "1.1", "libhello1", "1.1", "amd64", sources[1]),
                    ("other", "1.0", "other", "1.0", "amd64", nil),
                    ("hello", "1.0", "hello-reused", "1.0", "amd64", nil),
                    // Built from the source but recording another source name or version: not removed with it.
                    ("elsewhere", "1.0", "elsewhere", "1.0", "amd64", sources[0]),
                    ("hello", "0.9", "hello-old", "0.9", "amd64", sources[0]),
                ] as [(String, String, String, String, String, ArtifactRecord?)] {
                    let binary = try await fixture.binary(
                        source: source, sourceVersion: sourceVersion, name, version, architecture, builtUsing: builtUsing)
                    try await fixture.add(binary, to: suite)
                    binaries.append(binary)
                }
                let removed = try await pool.withTransaction { conn in
                    try await CollectionRepository.removeItem(from: suite, name: "hello_1.0", on: conn)
                }
                let items = try await fixture.items(suite)
                #expect(removed.count == 5 && removed.first == items.first { $0.artifactID == sources[0].id }?.id)
                let removedArtifacts = Set(items.filter { !$0.isActive }.compactMap(\.artifactID))
                #expect(removedArtifacts == Set([sources[0].id] + binaries[..<4].map(\.id)))
            }
        }

        @Test("debug symbols: one item per build ID, named from the related binary; no pool claims; older versions superseded (`test_do_add_artifact_debug_symbols_multiple_build_ids`, `…_no_constraints`, `test_add_artifact_debug_symbols_supersedes_older`, `test_add_debug_symbols_artifact_requires_related_binary`)")
        func debugSymbols() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let fixture = try await Fixture.make(pool)
                let archive = try await fixture.collection("_", KnownCategories.archive)
                let suite = try await fixture.collection("Debian", KnownCategories.suite)
                let (a, b) = (String(repeating: "a", count: 40), String(repeating: "b", count: 40))
                let binary = try await fixture.binary(source: "hello", sourceVersion: "1.0-1", "hello", "1.0-1", "amd64")
                let symbols = try await fixture.debugSymbols([a, b], of: binary)
                let claimsBefore = try await fixture.claims().count
                for buildID in [a, b] {
                    try await fixture.add(symbols, to: suite, variables: ["build_id": .string(buildID)])
                }
                #expect(try await fixture.items(suite).map(\.name) == ["debugsym:hello_1.0-1_amd64_\(a)", "debugsym:hello_1.0-1_amd64_\(b)"])
                #expect(try await fixture.claims().count == claimsBefore, "debug symbols claim nothing, in the suite or \(archive.name)")
                #expect(try await fixture.items(suite).allSatisfy { $0.supersededAt == nil }, "same version: nothing superseded")

                let newer = try await fixture.binary(source: "hello", sourceVersion: "1.0-2", "hello", "1.0-2", "amd64")
                try await fixture.add(try await fixture.debugSymbols([a], of: newer), to: suite, variables: ["build_id": .string(a)])
                #expect(try await fixture.items(suite).map { $0.supersededAt != nil } == [true, true, false])

                let unrelated = try await fixture.artifact(
                    KnownCategories.debugSymbols, data: ["build_ids": [.string(a)]], files: [a: "x"])
                await #expect(
                    throws: ItemAdditionError("Adding debian:debug-symbols to debian:suite requires exactly one related binary package")
                ) {
                    try await fixture.add(unrelated, to: suite, variables: ["build_id": .string(a)])
                }
            }
        }

        @Test("removing a binary removes its debug symbols; removing a source removes its binaries' debug symbols too (`test_do_remove_item_binary_remove_associated`, `test_do_remove_item_source_remove_associated_debug_symbols`)")
        func removesAssociatedDebugSymbols() async throws {
            try await CLITestDatabase.withSchema { pool, _ in
                let fixture = try await Fixture.make(pool)
                let suite = try await fixture.collection("Debian", KnownCategories.suite)
                let source = try await fixture.source("hello", "1.0", files: ["hello_1.0.dsc": "dsc"])
                try await fixture.add(source, to: suite)
                let built = try await fixture.binary(source: "hello", sourceVersion: "1.0", "hello", "1.0", "amd64", builtUsing: source)
                let other = try await fixture.binary(source: "hello", sourceVersion: "1.0", "hello", "1.0", "s390x", builtUsing: source)
                let (a, b) = (String(repeating: "a", count: 40), String(repeating: "b", count: 40))
                for (binary, buildID) in [(built, a), (other, b)] {
                    try await fixture.add(binary, to: suite)
                    try await fixture.add(
                        try await fixture.debugSymbols([buildID], of: binary), to: suite, variables: ["build_id": .string(buildID)])
                }
                let removedWithBinary = try await pool.withTransaction { conn in
                    try await CollectionRepository.removeItem(from: suite, name: "hello_1.0_amd64", on: conn)
                }
                var items = try await fixture.items(suite)
                #expect(removedWithBinary.map { id in items.first { $0.id == id }?.name } == ["hello_1.0_amd64", "debugsym:hello_1.0_amd64_\(a)"])
                let removedWithSource = try await pool.withTransaction { conn in
                    try await CollectionRepository.removeItem(from: suite, name: "hello_1.0", on: conn)
                }
                items = try await fixture.items(suite)
                #expect(
                    removedWithSource.map { id in items.first { $0.id == id }?.name }
                        == ["hello_1.0", "hello_1.0_s390x", "debugsym:hello_1.0_s390x_\(b)"])
                #expect(items.allSatisfy { !$0.isActive })
            }
        }
    }
}
