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

    @Test("values saved into dynamic data restore on the worker side with no resolver (Debusine `TaskFieldContainer.save_field_values`, `restore_field_values`)")
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
        #expect(restored == inputs)
        let partial = try ResolvedInputs.restoring(fields: [Self.fields[1]], from: dynamic)
        #expect(Set(partial.values.keys) == ["build_architecture"])
    }

    @Test("a saved value of the wrong shape is refused naming the field (Debusine `TaskFieldContainer.restore_field_values`)")
    func badSavedValue() {
        let error = #expect(throws: TaskInputError.self) {
            try ResolvedInputs.restoring(fields: Self.fields, from: ["task_input_fields": ["suite": [1]]])
        }
        #expect(error?.description.contains("'suite'") == true)
    }

    @Test("no build_architecture in task data → the server fallback, never a worker's architecture (Debusine `BuildArchitectureInput`)")
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

    @Test("a missing default task-configuration collection resolves to null (Debusine `db/tasks/inputs.py` `TaskConfigurationCollection`)")
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

    @Test("a non-default task-configuration lookup that fails is an error naming the field (Debusine `TaskConfigurationCollection`)")
    func nonDefaultConfigurationMissing() throws {
        let data = try Self.taskData.setting("custom@debusine:task-configuration", atPath: "task_configuration")
        let error = try #require(throws: TaskInputError.self) { try resolved(.pending, data: data) }
        #expect(
            error
                == .whileResolving(
                    field: "task_configuration",
                    .lookup(.notFound("'custom@debusine:task-configuration' does not exist or is hidden"))
                )
        )
    }

    @Test("a missing attribute is 'Task input attribute ... not found', noting the field (Debusine `DBFieldResolver.get_field`)")
    func attributeNotFound() throws {
        let data = Self.taskData.removing(path: "input.source_artifact")
        let error = try #require(throws: TaskInputError.self) { try resolved(.pending, data: data) }
        #expect(error.underlying == .attributeNotFound("input.source_artifact"))
        #expect(
            error.description
                == "Task input attribute 'input.source_artifact' not found (while resolving input field 'input_source_artifact')"
        )
    }

    @Test("list fields check each element and name it x[i] (Debusine `FieldResolver.get_field_collection`)")
    func listElementErrors() throws {
        let fields = [InputField("artifacts", kind: .singleList, categories: ["debian:binary-package"])]
        let wrongType = try #require(throws: TaskInputError.self) {
            try resolved(.running, data: ["artifacts": [2, 2, true]], fields: fields)
        }
        #expect(
            wrongType.underlying
                == .wrongType(field: "artifacts[2]", found: true, expected: "integer or string (a single lookup)")
        )
        #expect(wrongType.description.hasPrefix("Task data field artifacts[2] is boolean true which is not of type"))

        let wrongCategory = try #require(throws: TaskInputError.self) {
            try resolved(.running, data: ["artifacts": [2, 1]], fields: fields)
        }
        #expect(
            wrongCategory.underlying
                == .unexpectedCategory(
                    label: "artifacts[1]",
                    category: "debian:source-package",
                    allowed: ["debian:binary-package"]
                )
        )
        let ok = try resolved(.running, data: ["artifacts": [2, "2@artifacts"]], fields: fields)
        #expect(try ok.artifactList("artifacts").map(\.label) == ["artifacts[0]", "artifacts[1]"])
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

    @Test("optional singles resolve null to null; a missing default-less multiple is an error (Debusine `OptionalSingleInput`, `MultiInput`)")
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

    @Test("a suite must be debian:suite; the archive is null when the suite's workspace has none (Debusine `DBFieldResolver.resolve_suitearchiveinput`)")
    func suiteArchiveRules() throws {
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
