import KilnCore
import KilnTasks
import KilnTestSupport
import Testing

/// The Server tasks Debusine's `server/tasks/` registers besides `servernoop`: validated, configured and
/// tagged for the Celery worker type; none is run by Kiln.
@Suite("aptmirror, copycollectionitems, create_child_workspace, generatesuiteindexes and packageupload follow Debusine")
struct ServerTaskTests {
    static let samples: [(String, JSONValue)] = [
        (
            "aptmirror",
            [
                "collection": "bookworm@debian:suite", "url": "https://deb.debian.org/debian", "suite": "bookworm",
                "components": ["main"],
            ]
        ),
        ("copycollectionitems", ["copies": [["source_items": [1], "target_collection": "sid@debian:suite"]]]),
        ("create_child_workspace", ["prefix": "developers", "suffix": "test"]),
        ("generatesuiteindexes", ["suite_collection": "sid@debian:suite", "generate_at": "2026-11-29T10:00:00Z"]),
        ("packageupload", ["input": ["upload": 6], "target": "ftp://upload.example.org/queue/"]),
    ]

    /// Debusine `server/tasks/tests/test_aptmirror.py`, `test_copy_collection_items.py`,
    /// `test_create_child_workspace.py`, `test_generate_suite_indexes.py` `test_compute_scheduler_tags`
    /// (`assertComputesSchedulerTags()`: the base server tags only) and `BaseServerTask`'s (None, None)
    /// subject and context.
    @Test("base server tags, no subject or context", arguments: samples.map(\.0))
    func tags(_ name: String) throws {
        let data = try #require(Self.samples.first { $0.0 == name }?.1)
        let task = try resolvedDBTask(.server, name, data)
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(tags.required.allTags == ["worker:type:celery", "worker:task:server:\(name):version:1"])
        #expect(
            try task.getTaskConfigurationSubjectContext() == TaskConfigurationSubjectContext(subject: nil, context: nil)
        )
        #expect(
            try KilnTasks.registry().providedWorkerTags(for: [.server], host: WorkerHostCapabilities())
                .contains("worker:task:server:\(name):version:1")
        )
    }

    /// Debusine `server/tasks/tests/test_models.py` `test_flat_repository`, `test_non_flat_repository`.
    @Test("aptmirror: components forbidden for flat repositories, required otherwise")
    func aptMirrorComponents() throws {
        _ = try APTMirrorTask(taskData: [
            "collection": "example", "url": "https://deb.example.org/", "suite": "./", "architectures": ["amd64"],
        ])
        expectTaskDataRefusal(
            "1 validation error for APTMirrorData\n  Value error, Flat repositories (where suite ends with \"/\") must not have components [type=value_error, input_value={'collection': 'example',...tps://deb.example.org/'}, input_type=dict]"
        ) {
            _ = try APTMirrorTask(taskData: [
                "collection": "example", "url": "https://deb.example.org/", "suite": "./", "components": ["main"],
            ])
        }
        expectTaskDataRefusal(
            "1 validation error for APTMirrorData\n  Value error, Non-flat repositories (where suite does not end with \"/\") must have components [type=value_error, input_value={'collection': 'debian/bo.../deb.debian.org/debian'}, input_type=dict]"
        ) {
            _ = try APTMirrorTask(taskData: [
                "collection": "debian/bookworm", "url": "https://deb.debian.org/debian", "suite": "bookworm",
            ])
        }
    }

    /// Debusine `server/tasks/models.py` `PackageUploadTarget` (its `allowed_schemes` is a pydantic 1 attribute that
    /// pydantic 2 ignores: any URL is accepted, `PackageUpload` refuses another scheme when it runs) and
    /// `test_package_upload.py` (ftp and sftp targets); `PackageUploadDynamicData.input_upload_id`.
    @Test("packageupload: any URL target, as pydantic 2 reads Debusine's model; input_upload_id in dynamic data")
    func packageUpload() throws {
        _ = try PackageUploadTask(taskData: ["input": ["upload": 6], "target": "sftp://user@host:22/queue"])
        _ = try PackageUploadTask(taskData: ["input": ["upload": 6], "target": "https://upload.example.org/"])
        expectTaskDataRefusal(
            "1 validation error for PackageUploadData\ntarget\n  Input should be a valid URL, relative URL without a base [type=url_parsing, input_value='upload.example.org', input_type=str]"
        ) { _ = try PackageUploadTask(taskData: ["input": ["upload": 6], "target": "upload.example.org"]) }
        let task = try resolvedDBTask(
            .server,
            "packageupload",
            ["input": ["upload": 6], "target": "ftp://upload.example.org/queue/"],
            stage: .running
        )
        #expect(try task.computeDynamicData().extra == ["input_upload_id": 6])
        // `ArtifactInput` (db/tasks/inputs.py) names the field and the workspace when the lookup fails.
        let missing = try #require(throws: TaskInputError.self) {
            try resolvedDBTask(
                .server, "packageupload", ["input": ["upload": 999], "target": "ftp://upload.example.org/queue/"],
                stage: .running)
        }
        #expect(
            "\(missing)"
                == "Lookup for field 'input.upload' in debian/developers failed: '999@artifacts' does not exist or is hidden")
    }

    /// Debusine `db/tasks/inputs.py` `CollectionInput` as `aptmirror` (`category=SUITE`) and `generatesuiteindexes`
    /// (`field="suite_collection"`, no category) declare it; `GenerateSuiteIndexesDynamicData.suite_collection_id`.
    @Test("collection inputs: resolved at Stage.running, the category as default and as requirement, Debusine's errors")
    func collectionInputs() throws {
        func aptMirror(_ collection: JSONValue, stage: Stage = .running) throws -> any DBTask {
            try resolvedDBTask(
                .server,
                "aptmirror",
                [
                    "collection": collection, "url": "https://deb.debian.org/debian", "suite": "sid",
                    "components": ["main"],
                ],
                stage: stage
            )
        }
        func indexes(_ suite: JSONValue) throws -> any DBTask {
            try resolvedDBTask(
                .server,
                "generatesuiteindexes",
                ["suite_collection": suite, "generate_at": "2026-11-29T10:00:00Z"],
                stage: .running
            )
        }
        // A bare name gets the field's category, as `lookup_single(default_category=…)` gives it.
        let saved = try aptMirror("sid").computeDynamicData().taskInputFields["collection"]?.objectValue
        #expect(saved?["collection_id"] == .int(TaskFixture.Collection.sidSuite) && saved?["label"] == "collection")
        #expect(try aptMirror("sid", stage: .pending).computeDynamicData().taskInputFields["collection"] == nil)
        let wrongCategory = try #require(throws: TaskInputError.self) { try aptMirror("_@debian:archive") }
        #expect(
            "\(wrongCategory)".hasSuffix(
                "collection: unexpected collection category: 'debian:archive'. Expected: 'debian:suite'"
            ),
            "\(wrongCategory)"
        )
        let missing = try #require(throws: TaskInputError.self) { try aptMirror("nosuch") }
        #expect(
            "\(missing)"
                == "Lookup for field 'collection' in debian/developers with category 'debian:suite' failed: "
                + "'nosuch@debian:suite' does not exist or is hidden")

        let dynamic = try indexes("sid@debian:suite").computeDynamicData()
        #expect(dynamic.extra["suite_collection_id"] == .int(TaskFixture.Collection.sidSuite))
        #expect(dynamic.taskInputFields["suite"]?.objectValue?["label"] == "suite_collection")
        // No category: any collection is accepted, and a bare name has no default category to resolve with.
        #expect(
            try indexes("_@debian:archive").computeDynamicData().extra["suite_collection_id"]
                == .int(TaskFixture.Collection.archive)
        )
        let bare = try #require(throws: TaskInputError.self) { try indexes("sid") }
        #expect("\(bare)".contains("Lookup for field 'suite_collection' in debian/developers failed: "), "\(bare)")
    }

    /// Debusine's `WorkRequestViewSet.post` resolves every input field and computes the dynamic data before it keeps a
    /// work request: a collection that is not found refuses the work request at creation.
    @Test("aptmirror: a collection that is not found refuses the work request at creation")
    func collectionCheckedAtCreation() throws {
        let error = try #require(throws: WorkRequestPipelineError.self) {
            try WorkRequestCreationCheck.run(
                registry: KilnTasks.registry(), taskType: .server, taskName: "aptmirror",
                taskData: [
                    "collection": "nosuch", "url": "https://deb.debian.org/debian", "suite": "sid", "components": ["main"],
                ],
                workRequest: TaskFixture.developersWorkRequest, lookups: Fixtures.lookups(), context: TaskFixture.context,
                settings: try InputResolutionSettings())
        }
        #expect(
            "\(error)".contains(
                "Lookup for field 'collection' in debian/developers with category 'debian:suite' failed: "
                    + "'nosuch@debian:suite' does not exist or is hidden"), "\(error)")
    }

    /// Debusine `server/tasks/inputs/inputs.py` `CopyCollectionItemsCopiesInput` and
    /// `CopyCollectionItems.compute_dynamic_data`: each copy's source items saved by reference with the lookup that
    /// found them, its target collection as a `CollectionInput`, the targets as `parameter_summary`.
    @Test("copycollectionitems: copies resolved as Debusine saves them, collections and bad lookups refused")
    func collectionItemCopies() throws {
        func copies(_ copies: JSONValue) throws -> any DBTask {
            try resolvedDBTask(.server, "copycollectionitems", ["copies": copies], stage: .running)
        }
        let binaries: JSONValue = ["collection": "sid@debian:suite", "category": "debian:binary-package"]
        let dynamic = try copies([
            ["source_items": ["2@artifacts", "sid@debian:suite/name:hello_1.0-1"], "target_collection": "sid@debian:suite"],
            ["source_items": binaries, "target_collection": "_@debian:archive", "move": "yes", "variables": ["a": 1]],
        ]).computeDynamicData()
        #expect(dynamic.parameterSummary == "_@debian:archive, sid@debian:suite")
        let saved = try #require(dynamic.taskInputFields["copies"]?.arrayValue)
        #expect(saved.count == 2)
        // Every key of pydantic's `model_dump()`, the defaults included.
        let sid = try #require(saved[0].objectValue)
        #expect(Set(sid.keys) == ["label", "source_items", "target_collection", "move", "unembargo", "replace", "name_template", "variables"])
        #expect(sid["label"] == "copies[0]" && sid["move"] == false && sid["unembargo"] == false && sid["replace"] == false)
        #expect(sid["name_template"] == .null && sid["variables"] == .null)
        #expect(
            sid["target_collection"] == [
                "label": "copies[0].target_collection", "lookup": "sid@debian:suite",
                "collection_id": .int(TaskFixture.Collection.sidSuite), "scope_name": "debian", "workspace_name": "base",
                "category": "debian:suite", "name": "sid", "data": sid["target_collection"]?.objectValue?["data"] ?? .null,
            ])
        let first = try InputCollectionItemCopies(json: saved[0])
        #expect(
            first.sourceItems.map(\.json) == [
                [
                    "label": "copies[0].source_items", "result_type": "artifact", "lookup": "2@artifacts",
                    "parent_collection_lookup": nil, "collection_item_id": nil, "artifact_id": 2, "collection_id": nil,
                ],
                [
                    "label": "copies[0].source_items", "result_type": "artifact",
                    "lookup": "sid@debian:suite/name:hello_1.0-1", "parent_collection_lookup": "sid@debian:suite",
                    "collection_item_id": 100, "artifact_id": 1, "collection_id": nil,
                ],
            ])
        // `"move": "yes"` is pydantic's lax True, saved as true.
        #expect(saved[1].objectValue?["move"] == true && saved[1].objectValue?["variables"] == ["a": 1])
        let second = try InputCollectionItemCopies(json: saved[1])
        // A dictionary lookup is saved in its normalised form, as pydantic dumps the LookupDict; its results keep
        // the collection lookup as their parent (`_lookup_dict`'s `parent_collection_lookup`).
        #expect(
            second.sourceItems.map(\.json) == [
                [
                    "label": "copies[1].source_items", "result_type": "artifact",
                    "lookup": try #require(try LookupMultiple(parsing: binaries).modelDump.arrayValue?.first),
                    "parent_collection_lookup": "sid@debian:suite", "collection_item_id": 101, "artifact_id": 2,
                    "collection_id": nil,
                ]
            ])

        let collection = try #require(throws: TaskInputError.self) {
            try copies([["source_items": ["sid@debian:suite"], "target_collection": "sid@debian:suite"]])
        }
        #expect(
            "\(collection)"
                == "Bad lookup result from field 'copies[0].source_items' in debian/developers: Cannot copy entire collections")
        let integer = try #require(throws: TaskInputError.self) {
            try copies([["source_items": [2], "target_collection": "sid@debian:suite"]])
        }
        #expect(
            "\(integer)"
                == "Lookup for field 'copies[0].source_items' in debian/developers failed: "
                + "Integer lookups only work in contexts that expect an artifact or a collection")
        let target = try #require(throws: TaskInputError.self) {
            try copies([["source_items": ["2@artifacts"], "target_collection": "nosuch@debian:suite"]])
        }
        #expect(
            "\(target)"
                == "Lookup for field 'copies[0].target_collection' in debian/developers failed: "
                + "'nosuch@debian:suite' does not exist or is hidden")
    }

    /// Debusine `server/tasks/models.py` `CreateChildWorkspaceData` patterns and `CopyCollectionItemsData`
    /// `min_length=1`.
    @Test("create_child_workspace and copycollectionitems: Debusine's constraints")
    func constraints() throws {
        #expect(
            try CreateChildWorkspaceTask(taskData: ["prefix": "developers", "suffix": "test"]).childWorkspaceName
                == "developers-test"
        )
        expectTaskDataRefusal(
            "1 validation error for CreateChildWorkspaceData\nprefix\n  String should match pattern '^[A-Za-z][A-Za-z0-9+._-]*$' [type=string_pattern_mismatch, input_value='1dev', input_type=str]"
        ) { _ = try CreateChildWorkspaceTask(taskData: ["prefix": "1dev", "suffix": "test"]) }
        expectTaskDataRefusal(
            "1 validation error for CreateChildWorkspaceData\nsuffix\n  String should match pattern '^[A-Za-z0-9+._-]+$' [type=string_pattern_mismatch, input_value='a/b', input_type=str]"
        ) { _ = try CreateChildWorkspaceTask(taskData: ["prefix": "dev", "suffix": "a/b"]) }
        expectTaskDataRefusal(
            "1 validation error for CopyCollectionItemsData\ncopies\n  List should have at least 1 item after validation, not 0 [type=too_short, input_value=[], input_type=list]"
        ) { _ = try CopyCollectionItemsTask(taskData: ["copies": []]) }
        expectTaskDataRefusal(
            "1 validation error for CopyCollectionItemsData\ncopies.0.mvoe\n  Extra inputs are not permitted [type=extra_forbidden, input_value=True, input_type=bool]"
        ) {
            _ = try CopyCollectionItemsTask(taskData: [
                "copies": [["source_items": [1], "target_collection": 2, "mvoe": true]]
            ])
        }
    }
}
