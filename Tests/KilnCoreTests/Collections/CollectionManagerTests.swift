import KilnCore
import Testing

/// Debusine's collection managers (`server/collections/*.py`), test by test.
@Suite("Collection managers: item names, data and refusals as Debusine's")
struct CollectionManagerTests {
    static func collection(_ name: String, _ category: String, data: [String: JSONValue] = [:]) -> CollectionRecord {
        CollectionRecord(id: 5, name: name, category: category, workspaceID: 1, data: data)
    }

    static let source = ArtifactRecord(
        id: 7, category: "debian:source-package", workspaceID: 1,
        data: ["name": "hello", "version": "1.0", "type": "dpkg", "dsc_fields": [:]])
    static let binary = ArtifactRecord(
        id: 8, category: "debian:binary-package", workspaceID: 1,
        data: [
            "srcpkg_name": "hello", "srcpkg_version": "1.0",
            "deb_fields": ["Package": "libhello1", "Version": "1:1.0", "Architecture": "amd64"],
        ])

    static func plan(_ collection: CollectionRecord, _ addition: CollectionItemAddition) throws -> CollectionItemPlan {
        try CollectionManagers.manager(for: collection).plan(addition)
    }

    @Test("debian:suite names a source package NAME_VERSION from its artifact (Debusine `test_debian_suite.py` `test_add_artifact_source_package`)")
    func suiteSource() throws {
        let plan = try Self.plan(
            Self.collection("sid", "debian:suite"),
            CollectionItemAddition(child: .artifact(Self.source, variables: ["component": "main", "section": "devel"])))
        #expect(plan.name == "hello_1.0")
        #expect(plan.data == ["package": "hello", "version": "1.0", "component": "main", "section": "devel"])
        #expect(plan.reusesIdenticalItem && plan.replacesChildTypes.isEmpty)
        #expect(plan.versionRule == SuiteVersionRule(kind: .source, package: "hello", architecture: nil, version: "1.0"))
        #expect(plan.refusesOlderVersions)
        #expect(plan.poolFiles == PoolFileRule(sourcePackage: "hello", component: "main"))
    }

    @Test("debian:suite names a binary package PACKAGE_VERSION_ARCH (Debusine `test_debian_suite.py` `test_add_artifact_binary_package`)")
    func suiteBinary() throws {
        let plan = try Self.plan(
            Self.collection("sid", "debian:suite"),
            CollectionItemAddition(
                child: .artifact(Self.binary, variables: ["component": "main", "section": "libs", "priority": "optional"]),
                replace: true))
        #expect(plan.name == "libhello1_1:1.0_amd64")
        #expect(
            plan.data == [
                "srcpkg_name": "hello", "srcpkg_version": "1.0", "package": "libhello1", "version": "1:1.0",
                "architecture": "amd64", "component": "main", "section": "libs", "priority": "optional",
            ])
        #expect(plan.replacesChildTypes == [.artifact])
        #expect(plan.poolFiles == PoolFileRule(sourcePackage: "hello", component: "main"), "a binary's pool is its source's")
        #expect(
            plan.versionRule == SuiteVersionRule(kind: .binary, package: "libhello1", architecture: "amd64", version: "1:1.0"))
    }

    @Test(
        "debian:suite requires its variables (Debusine `test_debian_suite.py` `test_do_add_artifact_*_requires_*`)",
        arguments: [
            ("debian:source-package", ["section": JSONValue.string("devel")], "component"),
            ("debian:source-package", ["component": "main"], "section"),
            ("debian:binary-package", ["component": "main", "section": "libs"], "priority"),
        ])
    func suiteRequiresVariables(category: String, variables: [String: JSONValue], missing: String) {
        let artifact = category == "debian:source-package" ? Self.source : Self.binary
        #expect(throws: ItemAdditionError("Adding \(category) to debian:suite requires \"\(missing)\"")) {
            try Self.plan(Self.collection("sid", "debian:suite"), CollectionItemAddition(child: .artifact(artifact, variables: variables)))
        }
    }

    @Test("debian:suite indexes are named index:PATH (Debusine `test_debian_suite.py` `test_add_artifact_repository_index`)")
    func suiteIndex() throws {
        let index = ArtifactRecord(id: 9, category: "debian:repository-index", workspaceID: 1)
        let plan = try Self.plan(
            Self.collection("sid", "debian:suite"),
            CollectionItemAddition(child: .artifact(index, variables: ["path": "main/source/Sources.xz"])))
        #expect(plan.name == "index:main/source/Sources.xz" && plan.data == ["path": "main/source/Sources.xz"])
        #expect(plan.versionRule == nil && plan.poolFiles == nil, "indexes neither supersede nor claim pool files")
    }

    @Test("a suite whose data sets may_rewind_versions accepts older versions but still supersedes (Debusine `test_debian_suite.py` `test_add_artifact_source_package_may_rewind_versions`)")
    func suiteMayRewind() throws {
        let plan = try Self.plan(
            Self.collection("sid", "debian:suite", data: ["may_rewind_versions": true]),
            CollectionItemAddition(child: .artifact(Self.source, variables: ["component": "main", "section": "devel"])))
        #expect(!plan.refusesOlderVersions && plan.versionRule != nil)
    }

    static let debugSymbols = ArtifactRecord(
        id: 9, category: "debian:debug-symbols", workspaceID: 1, data: ["build_ids": [.string(buildA), .string(buildB)]])
    static let buildA = String(repeating: "a", count: 40)
    static let buildB = String(repeating: "b", count: 40)

    @Test("debian:suite names debug symbols from the binary their artifact relates to, one item per build ID (Debusine `test_debian_suite.py` `test_do_add_artifact_debug_symbols_single_build_id`, `…_multiple_build_ids`, `…_no_constraints`)")
    func suiteDebugSymbols() throws {
        let manager = SuiteCollectionManager(collection: Self.collection("Debian", "debian:suite"))
        #expect(
            manager.relatedArtifactsNeeded(for: Self.debugSymbols)
                == ArtifactRelationNeed(type: .relatesTo, category: "debian:binary-package"))
        #expect(manager.relatedArtifactsNeeded(for: Self.binary) == nil)
        for buildID in [Self.buildA, Self.buildB] {
            let plan = try manager.plan(
                CollectionItemAddition(
                    child: .artifact(Self.debugSymbols, variables: ["build_id": .string(buildID)]),
                    relatedArtifacts: [Self.binary]))
            #expect(plan.name == "debugsym:libhello1_1:1.0_amd64_\(buildID)")
            #expect(
                plan.data == [
                    "build_id": .string(buildID), "srcpkg_name": "hello", "srcpkg_version": "1.0", "package": "libhello1",
                    "version": "1:1.0", "architecture": "amd64",
                ])
            #expect(plan.poolFiles == nil, "debug symbols claim no pool files")
            #expect(!plan.refusesOlderVersions, "Debusine checks no version order for debug symbols")
            #expect(
                plan.versionRule
                    == SuiteVersionRule(kind: .debugSymbols, package: "libhello1", architecture: "amd64", version: "1:1.0"))
        }
    }

    @Test("debian:suite refuses debug symbols without a build ID, with one not in the artifact, or without exactly one related binary (Debusine `test_debian_suite.py` `test_add_debug_symbols_artifact_requires_*`)")
    func suiteDebugSymbolsRefused() {
        let manager = SuiteCollectionManager(collection: Self.collection("Debian", "debian:suite"))
        #expect(throws: ItemAdditionError("Adding debian:debug-symbols to debian:suite requires \"build_id\"")) {
            try manager.plan(
                CollectionItemAddition(child: .artifact(Self.debugSymbols, variables: [:]), relatedArtifacts: [Self.binary]))
        }
        let unknown = String(repeating: "c", count: 40)
        #expect(
            throws: ItemAdditionError(
                "Id: 9 Category: debian:debug-symbols Workspace: 1: build-ID \(unknown) is not in artifact data")
        ) {
            try manager.plan(
                CollectionItemAddition(
                    child: .artifact(Self.debugSymbols, variables: ["build_id": .string(unknown)]),
                    relatedArtifacts: [Self.binary]))
        }
        for related in [[], [Self.binary, Self.binary]] {
            #expect(
                throws: ItemAdditionError(
                    "Adding debian:debug-symbols to debian:suite requires exactly one related binary package")
            ) {
                try manager.plan(
                    CollectionItemAddition(
                        child: .artifact(Self.debugSymbols, variables: ["build_id": .string(Self.buildA)]),
                        relatedArtifacts: related))
            }
        }
    }

    @Test("a newer version supersedes older ones and items without a version, not equal or newer ones (Debusine `test_debian_suite.py` `test_add_artifact_source_package_supersedes_older`)")
    func suiteSupersedes() {
        let rule = SuiteVersionRule(kind: .source, package: "hello", architecture: nil, version: "1.0-2")
        #expect(rule.supersedes(existingVersion: "1.0-1"))
        #expect(rule.supersedes(existingVersion: "1.0~rc1-1"))
        #expect(rule.supersedes(existingVersion: nil))
        #expect(!rule.supersedes(existingVersion: "1.0-2"))
        #expect(!rule.supersedes(existingVersion: "0:1.0-2"), "an epoch of 0 is the same version")
        #expect(!rule.supersedes(existingVersion: "1:0.1-1"))
    }

    @Test("pool file names: lib… sources use four characters, others one (Debusine `debian_suite.py` `make_pool_filename`, `test_debian_suite.py` `test_library`)")
    func poolFileNames() {
        #expect(PoolFileRule(sourcePackage: "hello", component: "main").key(forPath: "hello_1.0.dsc") == "pool/main/h/hello/hello_1.0.dsc")
        #expect(
            PoolFileRule(sourcePackage: "libhello", component: "contrib").key(forPath: "libhello1_1.0_amd64.deb")
                == "pool/contrib/libh/libhello/libhello1_1.0_amd64.deb")
        #expect(PoolFileRule.prefix(ofSourcePackage: "lib") == "lib")
        #expect(PoolFileRule.prefix(ofSourcePackage: "li") == "l")
        #expect(PoolFileRule.value(sha256: "ab") == "sha256:ab")
        #expect(
            PoolFileRule.clash(itemName: "hello_1.0-2", in: Self.collection("Debian", "debian:suite"))
                == ItemAdditionError("Debian@debian:suite: Artifact hello_1.0-2 already exists in the archive pool"))
    }

    @Test("versions may be reused where the suite or else its archive sets may_reuse_versions (Debusine `test_debian_suite.py` `test_may_reuse_versions_*`)")
    func mayReuseVersions() {
        let plain = SuiteCollectionManager(collection: Self.collection("sid", "debian:suite"))
        let reusing = SuiteCollectionManager(collection: Self.collection("sid", "debian:suite", data: ["may_reuse_versions": true]))
        let archive = Self.collection("_", "debian:archive")
        let reusingArchive = Self.collection("_", "debian:archive", data: ["may_reuse_versions": 1])
        #expect(reusing.mayReuseVersions(archive: nil))
        #expect(!plain.mayReuseVersions(archive: nil))
        #expect(plain.mayReuseVersions(archive: reusingArchive))
        #expect(!plain.mayReuseVersions(archive: archive))
        #expect(
            !SuiteCollectionManager(collection: Self.collection("sid", "debian:suite", data: ["may_reuse_versions": ""]))
                .mayReuseVersions(archive: archive), "Python truthiness: an empty string is false")
    }

    @Test("the suite version rule refuses an older version, in Debusine's words (Debusine `test_debian_suite.py` `test_add_artifact_source_package_older_version`, `test_add_artifact_binary_package_older_version`)")
    func suiteVersionRule() throws {
        let suite = Self.collection("sid", "debian:suite")
        let source = SuiteVersionRule(kind: .source, package: "hello", architecture: nil, version: "1.0")
        #expect(throws: ItemAdditionError("sid@debian:suite: New source version hello 1.0 < existing version 1.1")) {
            try source.check(existingVersions: ["0.9", "1.1"], in: suite)
        }
        try source.check(existingVersions: ["1.0", "1.0~rc1", "0:1.0"], in: suite)
        let binary = SuiteVersionRule(kind: .binary, package: "libhello1", architecture: "amd64", version: "1:1.0")
        #expect(
            throws: ItemAdditionError("sid@debian:suite: New binary version libhello1:amd64 1:1.0 < existing version 1:1.1")
        ) {
            try binary.check(existingVersions: ["1:1.1"], in: suite)
        }
    }

    @Test("managers refuse categories they do not hold (Debusine `test_base.py` `test_add_*_invalid_category_raise_item_addition_error`)")
    func categoryChecks() {
        let suite = Self.collection("sid", "debian:suite")
        let upload = ArtifactRecord(id: 3, category: "debian:upload", workspaceID: 1)
        #expect(throws: ItemAdditionError("Artifact category \"debian:upload\" not supported by the collection")) {
            try Self.plan(suite, CollectionItemAddition(child: .artifact(upload, variables: nil)))
        }
        #expect(throws: ItemAdditionError("Bare data category \"debusine:test\" not supported by the collection")) {
            try Self.plan(suite, CollectionItemAddition(child: .bare(category: "debusine:test", data: [:])))
        }
        #expect(throws: ItemAdditionError("Collection category \"debian:suite\" not supported by the collection")) {
            try Self.plan(
                Self.collection("debian", "debian:environments"),
                CollectionItemAddition(child: .collection(suite, variables: nil)))
        }
    }

    @Test(
        "debian:environments names tarballs and images from codename, architecture, variant and backend (Debusine `test_debian_environments.py` `test_do_add_artifact*`)",
        arguments: [
            ("debian:system-tarball", [String: JSONValue](), "tarball:bookworm:amd64", JSONValue.string("bookworm")),
            ("debian:system-tarball", ["codename": "trixie"], "tarball:trixie:amd64", "trixie"),
            ("debian:system-image", ["variant": "autopkgtest"], "image:bookworm:amd64:autopkgtest:", "bookworm"),
            ("debian:system-image", ["backend": "unshare"], "image:bookworm:amd64::unshare", "bookworm"),
        ])
    func environments(category: String, variables: [String: JSONValue], name: String, codename: JSONValue) throws {
        let artifact = ArtifactRecord(
            id: 4, category: category, workspaceID: 1, data: ["codename": "bookworm", "architecture": "amd64"])
        let plan = try Self.plan(
            Self.collection("debian", "debian:environments"),
            CollectionItemAddition(child: .artifact(artifact, variables: variables)))
        #expect(plan.name == name)
        #expect(
            plan.data == [
                "codename": codename, "architecture": "amd64", "variant": variables["variant"] ?? .null,
                "backend": variables["backend"] ?? .null,
            ])
    }

    @Test("debian:archive holds archive-level indexes only (Debusine `test_debian_archive.py` `test_add_artifact_repository_index_path_under_dists`)")
    func archive() throws {
        let archive = Self.collection("_", "debian:archive")
        let index = ArtifactRecord(id: 9, category: "debian:repository-index", workspaceID: 1)
        #expect(throws: ItemAdditionError("Archive-level repository indexes may not have paths under dists/")) {
            try Self.plan(archive, CollectionItemAddition(child: .artifact(index, variables: ["path": "dists/sid/Release"])))
        }
        #expect(throws: ItemAdditionError("Adding debian:repository-index to debian:archive requires \"path\"")) {
            try Self.plan(archive, CollectionItemAddition(child: .artifact(index, variables: nil)))
        }
        #expect(
            try Self.plan(archive, CollectionItemAddition(child: .artifact(index, variables: ["path": "ls-lR.gz"]))).name
                == "index:ls-lR.gz")
    }

    @Test("debusine:task-configuration validates the entry and names it (Debusine `test_debusine_task_configuration.py` `test_add_bare_data_no_data`, `test_add_bare_data_refuses_name`)")
    func taskConfiguration() throws {
        let config = Self.collection("default", "debusine:task-configuration")
        let category = "debusine:task-configuration"
        #expect(throws: ItemAdditionError("Adding to debusine:task-configuration requires data")) {
            try Self.plan(config, CollectionItemAddition(child: .bare(category: category, data: nil)))
        }
        let entry: [String: JSONValue] = ["task_type": "Worker", "task_name": "noop", "context": "source:debusine"]
        #expect(
            throws: ItemAdditionError("Cannot use an explicit item name when adding to debusine:task-configuration")
        ) {
            try Self.plan(config, CollectionItemAddition(child: .bare(category: category, data: entry), name: "x"))
        }
        let plan = try Self.plan(config, CollectionItemAddition(child: .bare(category: category, data: entry)))
        #expect(plan.name == "Worker:noop::source%3Adebusine" && plan.data == entry)
        #expect(throws: ItemAdditionError.self) {
            try Self.plan(
                config,
                CollectionItemAddition(child: .bare(category: category, data: ["task_type": "Worker", "task_nam": "x"])))
        }
    }

    @Test("debusine:workflow-internal needs a name and keeps promise_ keys for promises (Debusine `test_workflow_internal.py` `test_do_add_bare_data_no_name`, `test_do_add_bare_data_invalid_field_name`)")
    func workflowInternal() throws {
        let internalCollection = Self.collection("wf", "debusine:workflow-internal")
        #expect(throws: ItemAdditionError("Adding to debusine:workflow-internal requires an item name")) {
            try Self.plan(internalCollection, CollectionItemAddition(child: .bare(category: "debusine:test", data: [:])))
        }
        #expect(
            throws: ItemAdditionError("Fields starting with \"promise_\" are not allowed for category \"debusine:test\"")
        ) {
            try Self.plan(
                internalCollection,
                CollectionItemAddition(child: .bare(category: "debusine:test", data: ["promise_x": 1]), name: "n"))
        }
        #expect(throws: ItemAdditionError("Keys starting with \"promise_\" are not allowed in variables")) {
            try Self.plan(
                internalCollection,
                CollectionItemAddition(child: .artifact(Self.source, variables: ["promise_x": 1]), name: "n"))
        }
        let plan = try Self.plan(
            internalCollection,
            CollectionItemAddition(child: .artifact(Self.source, variables: ["a": 1]), name: "n", replace: true))
        #expect(plan.name == "n" && plan.data == ["a": 1] && plan.replacesChildTypes == [.artifact, .bare])
        // Only a missing name is refused (`name is None`); an empty one names the item.
        let empty = try Self.plan(
            internalCollection, CollectionItemAddition(child: .bare(category: "debusine:test", data: [:]), name: ""))
        #expect(empty.name == "")
    }

    /// Debusine `db/models/collections.py` `CollectionItemManager.create_from_bare_data` validates every promise with
    /// `artifacts/models.py` `DebusinePromise` (tests `db/models/tests/test_collections.py`
    /// `test_create_from_bare_data_debusine_promise`, `test_create_from_bare_data_debusine_promise_invalid_data`).
    @Test("a debusine:promise must name its work request, workflow and category; other promise_ keys are refused")
    func promiseData() throws {
        let internalCollection = Self.collection("wf", "debusine:workflow-internal")
        func add(_ data: [String: JSONValue]) throws -> CollectionItemPlan {
            try Self.plan(
                internalCollection, CollectionItemAddition(child: .bare(category: "debusine:promise", data: data), name: "p"))
        }
        let missing = try #require(throws: ItemAdditionError.self) { try add([:]) }
        #expect(
            missing.description
                == "3 validation errors for DebusinePromise\npromise_work_request_id\n  Field required [type=missing, input_value={}, input_type=dict]"
                + "\npromise_workflow_id\n  Field required [type=missing, input_value={}, input_type=dict]"
                + "\npromise_category\n  Field required [type=missing, input_value={}, input_type=dict]")
        let valid: [String: JSONValue] = [
            "promise_work_request_id": 2, "promise_workflow_id": 1, "promise_category": "debian:upload", "other": "x",
        ]
        #expect(try add(valid).data == valid, "other keys are allowed (extra=\"allow\")")
        var extraPromise = valid
        extraPromise["promise_x"] = 1
        let refused = try #require(throws: ItemAdditionError.self) { try add(extraPromise) }
        #expect(refused.description.hasPrefix("1 validation error for DebusinePromise\n  Value error, Field name 'promise_x' starting with 'promise_' is not allowed."), "\(refused)")
    }

    /// Debusine `server/collections/debian_suite.py` `DebianSuiteManager.do_add_artifact` reads the version with
    /// python-debian's `Version`, which refuses a text that is no Debian version.
    @Test("debian:suite refuses a package whose version is no Debian version")
    func invalidVersion() throws {
        var source = Self.source
        source.data["version"] = "1.0_1"
        let suite = Self.collection("sid", "debian:suite")
        #expect(throws: ItemAdditionError("Invalid version string '1.0_1'")) {
            try Self.plan(
                suite,
                CollectionItemAddition(
                    child: .artifact(source, variables: ["component": "main", "section": "devel"])))
        }
    }

    @Test("collection names and categories follow Debusine's rules (Debusine `db/models/collections.py` `validate_collection_name`, constraint `db_collection_name_not_reserved`)")
    func naming() {
        #expect(CollectionNaming.problem(name: "sid", category: "debian:suite") == nil)
        #expect(CollectionNaming.problem(name: "_", category: "debian:archive") == nil)
        #expect(CollectionNaming.problem(name: "1abc", category: "debian:suite") == "'1abc' is not a valid collection name")
        #expect(CollectionNaming.problem(name: "sid/x", category: "debian:suite") == "'sid/x' is not a valid collection name")
        #expect(
            CollectionNaming.problem(name: "main", category: "debian:archive")
                == "'debian:archive' singleton collections must be named '_'")
        #expect(CollectionNaming.problem(name: "_", category: "debian:suite")?.contains("db_collection_name_not_reserved") == true)
        #expect(CollectionNaming.problem(name: "x", category: "debian:nope") == "'debian:nope' is not a valid CollectionCategory")
    }
}
