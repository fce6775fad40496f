import KilnCore
import KilnTestSupport
import Testing

@Suite("Input fields (Debusine `tasks/inputs/inputs.py`, `db/tasks/resolver.py`): stages, resolution, persistence")
struct InputFieldResolutionTests {
    static let environment = EnvironmentFieldOptions()
    static let fields: [InputField] = [
        .taskConfiguration,
        InputField("build_architecture", kind: .buildArchitecture, stage: .pending),
        InputField(
            "input_source_artifact",
            kind: .single,
            stage: .pending,
            path: "input.source_artifact",
            categories: ["debian:source-package"]
        ),
        InputField(
            "input_binary_artifacts",
            kind: .multiple,
            path: "input.binary_artifacts",
            categories: ["debian:binary-package"],
            default: []
        ),
        InputField("environment", kind: .environment(environment)),
        InputField("suite", kind: .suiteArchive),
    ]

    static let taskData: JSONValue = [
        "input": ["source_artifact": 1, "binary_artifacts": [2]],
        "environment": "debian/match:codename=sid",
        "suite": "sid@debian:suite",
        "backend": "auto",
    ]

    func resolved(
        _ stage: Stage,
        data: JSONValue = taskData,
        fields: [InputField] = fields,
        lookups: RecordingLookupResolver = Fixtures.lookups(),
        settings: InputResolutionSettings? = nil
    ) throws -> ResolvedInputs {
        var inputs = try ResolvedInputs(fields: fields)
        let request = InputResolutionRequest(
            taskData: data,
            taskName: "Sbuild",
            lookups: lookups,
            context: Fixtures.context,
            settings: try settings ?? InputResolutionSettings()
        )
        try inputs.resolve(stage: stage, with: request)
        return inputs
    }

    /// What the creation check relies on (`WorkRequestCreationCheck`): the pending values, saved and restored,
    /// plus the rest resolved, are what resolving everything again gives.
    @Test("restored pending values plus the rest resolved with keepingResolved equal a full Stage.running resolution")
    func keepingResolved() throws {
        let pending = try resolved(.pending)
        var partial = try ResolvedInputs.restoring(
            fields: Self.fields,
            from: ["task_input_fields": .object(pending.savedFieldValues)]
        )
        let request = InputResolutionRequest(
            taskData: Self.taskData,
            taskName: "Sbuild",
            lookups: Fixtures.lookups(),
            context: Fixtures.context,
            settings: try InputResolutionSettings()
        )
        try partial.resolve(stage: .running, with: request, keepingResolved: true)
        let full = try resolved(.running)
        #expect(partial.savedFieldValues == full.savedFieldValues)
        #expect(partial == full)
    }

    @Test("resolving Stage.pending resolves only stage-1 fields (Debusine `TaskFieldContainer.iter_all_fields`)")
    func pendingResolvesStageOne() throws {
        let inputs = try resolved(.pending)
        #expect(Set(inputs.values.keys) == ["task_configuration", "build_architecture", "input_source_artifact"])
        #expect(try inputs.artifact("input_source_artifact").data["name"] == "hello")
        let error = try #require(throws: TaskInputError.self) { try inputs.environment() }
        #expect(error == .unresolved("environment"))
        #expect(error.description == "Cannot access unresolved input 'environment'")
    }

    @Test("resolving Stage.running resolves every field (Debusine `TaskFieldContainer.iter_all_fields`)")
    func runningResolvesAll() throws {
        let lookups = Fixtures.lookups()
        let inputs = try resolved(.running, lookups: lookups)
        #expect(Set(inputs.values.keys) == Set(Self.fields.map(\.name)))
        #expect(try inputs.multiple("input_binary_artifacts").artifactIDs == [2])
        #expect(try inputs.artifact("environment").artifactID == 3)
        #expect(lookups.environmentCalls.count == 1)
        #expect(lookups.environmentCalls.first?.backend == "unshare")
        #expect(lookups.environmentCalls.first?.format == "tarball")
        #expect(lookups.environmentCalls.first?.taskName == "sbuild")
        let (suite, archive) = try inputs.suiteArchive("suite")
        #expect(suite.collectionID == 10 && suite.workspaceName == "base" && suite.scopeName == "debian")
        #expect(archive?.collectionID == 11)
    }

    @Test(
        "values saved into dynamic data restore on the worker side with no resolver (Debusine `TaskFieldContainer.save_field_values`, `restore_field_values`)"
    )
    func saveRestoreRoundTrip() throws {
        let inputs = try resolved(.running)
        let dynamic = try inputs.saving(into: ["subject": "hello", "task_input_fields": ["other_container_field": 7]])
        let saved = try #require(dynamic.value(atPath: "task_input_fields")?.objectValue)
        #expect(saved["other_container_field"] == 7, "keys of other containers are preserved")
        #expect(saved["build_architecture"] == "amd64", "scalars are saved unchanged")
        #expect(saved["suite"]?.arrayValue?.count == 2, "suite/archive is a 2-element array")
        #expect(saved["input_source_artifact"]?.value(atPath: "label") == "input.source_artifact")
        #expect(dynamic.value(atPath: "subject") == "hello")

        // The worker side: only the declared names are read back; no LookupResolving exists here.
        let restored = try ResolvedInputs.restoring(fields: Self.fields, from: dynamic)
        // What the worker reads back saves the same (artifact data as its model dumps it, on both sides).
        #expect(try restored.saving(into: [:]) == (try inputs.saving(into: [:])))
        #expect(Set(restored.values.keys) == Set(inputs.values.keys))
        let partial = try ResolvedInputs.restoring(fields: [Self.fields[1]], from: dynamic)
        #expect(Set(partial.values.keys) == ["build_architecture"])
    }

    @Test(
        "a saved value of the wrong shape is refused naming the field (Debusine `TaskFieldContainer.restore_field_values`)"
    )
    func badSavedValue() {
        let error = #expect(throws: TaskInputError.self) {
            try ResolvedInputs.restoring(fields: Self.fields, from: ["task_input_fields": ["suite": [1]]])
        }
        #expect(error?.description.contains("'suite'") == true)
    }

    @Test(
        "no build_architecture in task data → the server fallback, never a worker's architecture (Debusine `BuildArchitectureInput`)"
    )
    func buildArchitectureFallback() throws {
        let lookups = Fixtures.lookups()
        let inputs = try resolved(
            .running,
            lookups: lookups,
            settings: try InputResolutionSettings(fallbackArchitecture: "arm64")
        )
        #expect(try inputs.string("build_architecture") == "arm64")
        #expect(lookups.environmentCalls.map(\.architecture) == ["arm64"])
        #expect(try inputs.artifact("environment").artifactID == 4, "the arm64 tarball was found")

        let empty = try resolved(.pending, data: try Self.taskData.setting("", atPath: "build_architecture"))
        #expect(try empty.string("build_architecture") == "amd64", "an empty value also takes the default fallback")
        let given = try resolved(.pending, data: try Self.taskData.setting("i386", atPath: "build_architecture"))
        #expect(try given.string("build_architecture") == "i386")
        #expect(throws: TaskInputError.self) { try InputResolutionSettings(fallbackArchitecture: " ") }
    }

    @Test(
        "a missing default task-configuration collection resolves to null (Debusine `db/tasks/inputs.py` `TaskConfigurationCollection`)"
    )
    func defaultConfigurationMissing() throws {
        let inputs = try resolved(.pending)
        #expect(try inputs.collection("task_configuration") == nil)
        let explicitDefault = try resolved(
            .pending,
            data: try Self.taskData.setting("default@debusine:task-configuration", atPath: "task_configuration")
        )
        #expect(try explicitDefault.collection("task_configuration") == nil)
    }

    @Test("the default collection, when it exists, resolves to it (Debusine `TaskConfigurationCollection`)")
    func defaultConfigurationPresent() throws {
        let inputs = try resolved(.pending, lookups: Fixtures.lookups(withDefaultConfiguration: true))
        let collection = try #require(try inputs.collection("task_configuration"))
        #expect(collection.collectionID == 12)
        #expect(collection.data["git_commit"] == "abc123")
    }

    /// Debusine `db/tasks/tests/test_inputs.py` `TaskConfigurationCollectionTests::test_failed_custom`: the
    /// failure is wrapped as `Lookup for field 'F' in {workspace} failed: {e}` (Kiln used to pass the lookup
    /// error through unwrapped).
    @Test("a non-default task-configuration lookup that fails is an error naming the field and workspace")
    func nonDefaultConfigurationMissing() throws {
        let data = try Self.taskData.setting("custom@debusine:task-configuration", atPath: "task_configuration")
        let error = try #require(throws: TaskInputError.self) { try resolved(.pending, data: data) }
        let notFound = LookupFailure.notFound("'custom@debusine:task-configuration' does not exist or is hidden")
        #expect(
            error
                == .whileResolving(
                    field: "task_configuration",
                    .fieldLookupFailed(field: "task_configuration", workspace: "debian/developers", notFound)
                )
        )
        #expect(
            error.description
                == "Lookup for field 'task_configuration' in debian/developers failed: "
                + "'custom@debusine:task-configuration' does not exist or is hidden"
        )
    }

    /// Debusine `db/tasks/inputs.py` `TaskConfigurationCollection.resolve` → `DBInputCollectionSingle.from_collection`
    /// checks no category: a collection of another category is the configuration collection (nothing in it
    /// configures anything).
    @Test("a task_configuration naming a collection of another category is taken as it is")
    func configurationOfAnotherCategory() throws {
        let data = try Self.taskData.setting("sid@debian:suite", atPath: "task_configuration")
        let inputs = try resolved(.pending, data: data)
        let collection = try #require(try inputs.collection("task_configuration"))
        #expect(collection.collectionID == 10)
    }

    /// Debusine `db/tasks/tests/test_inputs.py` `TaskConfigurationCollectionTests::test_lookup_none` and
    /// `test_model_explicit_none`: an explicit null is no configuration, even where the default exists (Kiln
    /// used to look the default up).
    @Test("an explicit null task_configuration means no configuration")
    func explicitNullConfiguration() throws {
        let data = try Self.taskData.setting(.null, atPath: "task_configuration")
        let inputs = try resolved(.pending, data: data, lookups: Fixtures.lookups(withDefaultConfiguration: true))
        #expect(try inputs.collection("task_configuration") == nil)
        #expect(inputs.savedFieldValues["task_configuration"] == .null)
    }

    /// Debusine `db/tasks/tests/test_inputs.py` `TaskConfigurationCollectionTests::test_failed_default`: any
    /// lookup failure of the default lookup, not only "not found", means no configuration.
    @Test("the default task-configuration lookup failing in any way means no configuration")
    func defaultConfigurationInvalid() throws {
        var inputs = try ResolvedInputs(fields: [.taskConfiguration])
        let request = InputResolutionRequest(
            taskData: [:],
            taskName: "noop",
            lookups: FailingLookups(),
            context: Fixtures.context,
            settings: try InputResolutionSettings()
        )
        try inputs.resolve(stage: .pending, with: request)
        #expect(try inputs.collection("task_configuration") == nil)

        var custom = try ResolvedInputs(fields: [.taskConfiguration])
        var customRequest = request
        customRequest.taskData = ["task_configuration": "custom"]
        let error = try #require(throws: TaskInputError.self) {
            try custom.resolve(stage: .pending, with: customRequest)
        }
        #expect(error.description == "Lookup for field 'task_configuration' in workspace 1 failed: expected error")
    }

    /// Debusine records the failing field with `exc.add_note` (`tasks/inputs/resolver.py`
    /// `FieldResolver.resolve_inputs`), which `str(exc)` leaves out: the message is the error's own (Kiln used
    /// to append "(while resolving input field 'x')").
    @Test("a missing attribute is 'Task input attribute ... not found'; the field is kept apart")
    func attributeNotFound() throws {
        let data = Self.taskData.removing(path: "input.source_artifact")
        let error = try #require(throws: TaskInputError.self) { try resolved(.pending, data: data) }
        #expect(error.underlying == .attributeNotFound("input.source_artifact"))
        #expect(error == .whileResolving(field: "input_source_artifact", .attributeNotFound("input.source_artifact")))
        #expect(error.description == "Task input attribute 'input.source_artifact' not found")
    }

    /// Debusine `tasks/inputs/tests/test_inputs.py` `SingleInputListTests::test_multiple_results`: every element
    /// is labelled with the bare field (Kiln used `x[i]`), which also keys its category error; the category
    /// list is a Python list (`tasks/tests/test__task.py` `test_ensure_artifact_categories_raise`).
    @Test("list fields check each element; labels and category errors name the field")
    func listElementErrors() throws {
        let fields = [InputField("artifacts", kind: .singleList, categories: ["debian:binary-package"])]
        let wrongType = try #require(throws: TaskInputError.self) {
            try resolved(.running, data: ["artifacts": [2, 2, true]], fields: fields)
        }
        // Debusine `tasks/inputs/resolver.py` `FieldResolver.get_field_collection`'s wording.
        #expect(wrongType.underlying == .wrongElementType(field: "artifacts[2]", found: true, expected: "int | str"))
        #expect(wrongType.description == "Task data field artifacts[2] is True which is not of type int | str")

        let wrongCategory = try #require(throws: TaskInputError.self) {
            try resolved(.running, data: ["artifacts": [2, 1]], fields: fields)
        }
        #expect(
            wrongCategory.underlying
                == .unexpectedCategory(
                    label: "artifacts",
                    category: "debian:source-package",
                    allowed: ["debian:binary-package"]
                )
        )
        #expect(
            wrongCategory.description
                == "artifacts: unexpected artifact category: 'debian:source-package'. "
                + "Valid categories: ['debian:binary-package']"
        )
        let ok = try resolved(.running, data: ["artifacts": [2, "2@artifacts"]], fields: fields)
        #expect(try ok.artifactList("artifacts").map(\.label) == ["artifacts", "artifacts"])
    }

    @Test("multiple fields check each result's category and name it field[i] (Debusine `MultiInput`)")
    func multipleCategoryCheck() throws {
        let data = try Self.taskData.setting([2, 5], atPath: "input.binary_artifacts")
        let error = try #require(throws: TaskInputError.self) { try resolved(.running, data: data) }
        #expect(
            error
                == .whileResolving(
                    field: "input_binary_artifacts",
                    .unexpectedCategory(
                        label: "input.binary_artifacts[1]",
                        category: "debian:lintian",
                        allowed: ["debian:binary-package"]
                    )
                )
        )
    }

    /// Debusine `db/tasks/tests/test_resolver.py` `DBFieldResolverTests::test_lookup_multiple_artifacts`
    /// (`result.lookup == LookupMultiple.model_validate(...)`) and `tasks/tests/test_models.py`
    /// `InputArtifactMultipleTests::test_serialize` (`"lookup": ["test"]`): the stored lookup is the normalised
    /// model dump, not the user form Kiln used to store.
    @Test("a multiple field stores its lookup in Debusine's normalised form")
    func multipleLookupNormalised() throws {
        let fields = [InputField("many", kind: .multiple, path: "input.many")]
        let user: JSONValue = [
            "collection": "sid@debian:suite", "name__startswith": "hello", "data__architecture": "amd64",
        ]
        let inputs = try resolved(.running, data: ["input": ["many": user]], fields: fields)
        let stored = try inputs.multiple("many")
        #expect(stored.label == "input.many")
        #expect(
            stored.lookup == [
                [
                    "collection": "sid@debian:suite", "child_type": "artifact", "category": nil,
                    "name_matcher": ["kind": "startswith", "value": "hello"],
                    "data_matchers": [["architecture", ["kind": "exact", "value": "amd64"]]],
                    "lookup_filters": [], "error_on_empty": false,
                ]
            ]
        )
        let list = try resolved(.running, data: ["input": ["many": [2, "1@artifacts"]]], fields: fields)
        #expect(try list.multiple("many").lookup == [2, "1@artifacts"])
        #expect(try list.multiple("many").artifactIDs == [2, 1])
    }

    @Test(
        "optional singles resolve null to null; a missing default-less multiple is an error (Debusine `OptionalSingleInput`, `MultiInput`)"
    )
    func optionalAndDefaults() throws {
        let fields = [
            InputField("maybe", kind: .optionalSingle, path: "input.maybe"),
            InputField("many", kind: .multiple, path: "input.many", default: []),
        ]
        let inputs = try resolved(.running, data: ["input": ["maybe": nil]], fields: fields)
        #expect(try inputs.optionalArtifact("maybe") == nil)
        #expect(try inputs.multiple("many").artifacts.isEmpty)
        let strict = [InputField("many", kind: .multiple, path: "input.many")]
        let error = try #require(throws: TaskInputError.self) { try resolved(.running, data: [:], fields: strict) }
        #expect(error.underlying == .attributeNotFound("input.many"))
    }

    @Test(
        "a list field that is null or absent resolves to no artifacts (Debusine `FieldResolver.get_field_collection`: a debdiff's unused side)"
    )
    func nullListsAreEmpty() throws {
        let fields = [
            InputField("sources", kind: .singleList, path: "input.source_artifacts"),
            InputField("binaries", kind: .multipleList, path: "input.binary_artifacts"),
        ]
        let null = try resolved(.running, data: ["input": ["source_artifacts": nil, "binary_artifacts": nil]], fields: fields)
        #expect(try null.artifactList("sources").isEmpty && null.multipleList("binaries").isEmpty)
        let absent = try resolved(.running, data: ["input": [:]], fields: fields)
        #expect(try absent.artifactList("sources").isEmpty && absent.multipleList("binaries").isEmpty)
    }

    /// Debusine `db/tasks/tests/test_resolver.py` `SuiteArchiveInputTests::test_wrong_suite_category`; the suite
    /// lookup has no default category (`DBFieldResolver.resolve_suitearchiveinput`), so a bare name does not
    /// resolve (Kiln used to default it to `debian:suite`).
    @Test("a suite must be debian:suite; the archive is null when the suite's workspace has none")
    func suiteArchiveRules() throws {
        let bare = try #require(throws: TaskInputError.self) {
            try resolved(.running, data: ["suite": "sid"], fields: [InputField("suite", kind: .suiteArchive)])
        }
        guard case .lookup = bare.underlying else {
            Issue.record("a bare suite name is a lookup failure, got \(bare)")
            return
        }
        let noArchive = try resolved(.running, lookups: Fixtures.lookups(withArchive: false))
        #expect(try noArchive.suiteArchive("suite").archive == nil)
        let fields = [InputField("suite", kind: .suiteArchive)]
        let error = try #require(throws: TaskInputError.self) {
            try resolved(
                .running,
                data: ["suite": "default@debusine:task-configuration"],
                fields: fields,
                lookups: Fixtures.lookups(withDefaultConfiguration: true)
            )
        }
        #expect(
            error.underlying
                == .unexpectedCollectionCategory(
                    label: "suite",
                    category: "debusine:task-configuration",
                    expected: "debian:suite"
                )
        )
    }

    /// Debusine `db/tasks/tests/test_resolver.py` `GetFieldTests::test_get_field_invalid_type`: the value as
    /// Python's repr and the type as Python prints it (Kiln used its own "Task data field … is string …").
    @Test("a field value of the wrong type is worded as Debusine's get_field words it")
    func wrongTypeWording() throws {
        let architecture = try #require(throws: TaskInputError.self) {
            try resolved(.pending, data: try Self.taskData.setting(["foo"], atPath: "build_architecture"))
        }
        #expect(
            architecture.description
                == "Task input attribute 'build_architecture' is ['foo'] which is not of type <class 'str'>"
        )
        let lookup = try #require(throws: TaskInputError.self) {
            try resolved(.pending, data: try Self.taskData.setting([:], atPath: "input.source_artifact"))
        }
        #expect(
            lookup.description == "Task input attribute 'input.source_artifact' is {} which is not of type int | str"
        )
        let list = try #require(throws: TaskInputError.self) {
            try resolved(.running, data: ["artifacts": "foo"], fields: [InputField("artifacts", kind: .singleList)])
        }
        #expect(list.description == "Task input attribute 'artifacts' is 'foo' which is not of type <class 'list'>")
    }

    /// Debusine `tasks/inputs/tests/test_serializers.py` `SuiteArchiveInputSerializerTests`: the deserialiser's
    /// `Value [] should be a list of exactly two items` and `… is not an instance of <class 'list'>`.
    @Test("a saved suite/archive pair of the wrong shape is refused in Debusine's words")
    func badSuiteArchivePair() {
        let short = #expect(throws: TaskInputError.self) {
            try ResolvedInputs.restoring(fields: Self.fields, from: ["task_input_fields": ["suite": []]])
        }
        #expect(short?.description.hasSuffix("Value [] should be a list of exactly two items") == true)
        let notList = #expect(throws: TaskInputError.self) {
            try ResolvedInputs.restoring(fields: Self.fields, from: ["task_input_fields": ["suite": "foo"]])
        }
        #expect(notList?.description.hasSuffix("Value 'foo' is not an instance of <class 'list'>") == true)
    }

    /// Debusine `db/tasks/tests/test_resolver.py` `ExtraRepositoriesInputTests`: `test_resolve_none` (absent or
    /// null is a saved null), `test_resolve_empty_list`, `test_resolve_extra_repo_external` (kept as given, the bare
    /// host normalised to `https://example.org/` as pydantic's `AnyUrl` does), `test_missing_components`; a
    /// Debusine-hosted suite without an `InRelease` index is left out (`_suite_has_active_indexes`).
    @Test(
        "the extra-repositories field: null, external repositories as given, Debusine-hosted suites checked and left out without an index"
    )
    func extraRepositories() throws {
        let fields = [InputField("extra_repositories", kind: .extraRepositories)]
        let absent = try resolved(.running, data: [:], fields: fields)
        #expect(absent.savedFieldValues["extra_repositories"] == .null)
        let null = try resolved(.running, data: ["extra_repositories": nil], fields: fields)
        #expect(null.savedFieldValues["extra_repositories"] == .null)
        #expect(
            try resolved(.running, data: ["extra_repositories": []], fields: fields).savedFieldValues[
                "extra_repositories"
            ] == []
        )
        let restored = try ResolvedInputs.restoring(
            fields: fields,
            from: ["task_input_fields": ["extra_repositories": nil]]
        )
        #expect(restored == absent)

        let external = try resolved(
            .running,
            data: ["extra_repositories": [["url": "https://example.org", "suite": "sid", "components": ["main"]]]],
            fields: fields
        )
        let saved: JSONValue = [
            [
                "url": "https://example.org/", "suite": "sid", "components": ["main"], "architectures": nil,
                "signing_key": nil,
            ]
        ]
        #expect(external.savedFieldValues["extra_repositories"] == saved)
        #expect(
            try ResolvedInputs.restoring(fields: fields, from: ["task_input_fields": ["extra_repositories": saved]])
                == external
        )
        #expect(try external.extraRepositories("extra_repositories")?.first?.url == "https://example.org/")

        let withoutIndex = try resolved(
            .running,
            data: ["extra_repositories": [["suite": "sid@debian:suite", "components": ["main"]]]],
            fields: fields
        )
        #expect(withoutIndex.savedFieldValues["extra_repositories"] == [])

        let noComponents = try #require(throws: TaskInputError.self) {
            try resolved(.running, data: ["extra_repositories": [["suite": "sid@debian:suite"]]], fields: fields)
        }
        #expect(noComponents.description == "'components' not set for sid@debian:suite")
        let missing = try #require(throws: TaskInputError.self) {
            try resolved(
                .running,
                data: ["extra_repositories": [["suite": "nope@debian:suite", "components": ["main"]]]],
                fields: fields
            )
        }
        #expect(missing.description == "'nope@debian:suite' does not exist or is hidden")
        let notSuite = try #require(throws: TaskInputError.self) {
            try resolved(
                .running,
                data: [
                    "extra_repositories": [["suite": "default@debusine:task-configuration", "components": ["main"]]]
                ],
                fields: fields
            )
        }
        #expect(notSuite.description.contains("debusine:task-configuration"))
        let badElement = try #require(throws: TaskInputError.self) {
            try resolved(
                .running,
                data: ["extra_repositories": [["url": "file:/etc/passwd", "suite": "sid"]]],
                fields: fields
            )
        }
        #expect(badElement.description.contains("Input should be a valid URL, empty host"))
    }

    @Test("a container refuses two fields with one name, and undeclared names are errors")
    func declarationChecks() throws {
        #expect(throws: TaskInputError.duplicateField("a")) {
            try ResolvedInputs(fields: [InputField("a", kind: .single), InputField("a", kind: .multiple)])
        }
        let inputs = try ResolvedInputs(fields: [])
        #expect(throws: TaskInputError.undeclared("nope")) { try inputs.value(of: "nope") }
    }

    @Test("Stage ordering: pending (CONFIG) before running (ALL)")
    func stageOrder() {
        #expect(Stage.pending < Stage.running)
        #expect(Stage.pending.rawValue == 1 && Stage.running.rawValue == 2)
    }
}

extension ResolvedInputs {
    fileprivate func environment() throws(TaskInputError) -> InputArtifactSingle { try artifact("environment") }
}

/// Fails every lookup with an "invalid" failure (Debusine's `LookupError("expected error")` in
/// `TaskConfigurationCollectionTests`), knowing no workspace.
private struct FailingLookups: LookupResolving {
    func lookupSingle(
        _ lookup: JSONValue,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> LookupResult {
        throw LookupFailure.invalid("expected error")
    }

    func lookupMultiple(
        _ lookup: JSONValue,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> [LookupResult] {
        throw LookupFailure.invalid("expected error")
    }

    func lookupEnvironment(
        _ lookup: JSONValue,
        architecture: String,
        backend: String?,
        format: String?,
        taskName: String?,
        context: LookupContext
    ) throws -> LookupResult {
        throw LookupFailure.invalid("expected error")
    }

    func reconstructLookup(_ result: LookupResult, context: LookupContext) -> JSONValue { "" }

    func relatedArtifacts(of ids: [Int], type: ArtifactRelationType, category: String) throws -> [ArtifactRecord] {
        throw LookupFailure.invalid("expected error")
    }

    func workspace(id: Int) -> WorkspaceRecord? { nil }
}
