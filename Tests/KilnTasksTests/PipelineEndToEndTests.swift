import Foundation
import KilnCore
import KilnTasks
import KilnTestSupport
import Testing

/// Drives the three pipeline stages the way the services do — lookup-resolver (pending inputs), tag-computer
/// (configuration and tags), lookup-resolver again (assignment), worker (rebuild) — over the real in-memory
/// store and resolver.
struct PipelineDriver {
    var registry: TaskRegistry
    var lookups: RecordingLookupResolver
    var workRequest: WorkRequestTagContext = TaskFixture.developersWorkRequest
    var context: LookupContext = TaskFixture.context

    init(lookups: RecordingLookupResolver = TaskFixture.lookups()) throws {
        self.registry = try KilnTasks.registry()
        self.lookups = lookups
    }

    /// Step 1 then step 2, with the intermediate value passed through JSON as a service would store it.
    func pending(_ name: String, _ data: JSONValue, type: TaskType = .worker) throws -> PendingTransitionResult {
        let step1 = try PendingTransition.resolvePendingInputs(
            registry: registry,
            taskType: type,
            taskName: name,
            taskData: data,
            lookups: lookups,
            context: context,
            settings: try InputResolutionSettings()
        )
        let stored = try JSONEncoder().encode(step1)
        let restored = try JSONDecoder().decode(ResolvedPendingInputs.self, from: stored)
        #expect(restored == step1, "the intermediate value survives its JSON form")
        return try PendingTransition.configure(
            restored,
            registry: registry,
            workRequest: workRequest,
            lookups: lookups,
            settings: try InputResolutionSettings()
        )
    }

    func assign(
        _ name: String,
        configured: JSONValue,
        type: TaskType = .worker,
        lookups: RecordingLookupResolver? = nil
    ) throws -> TaskDynamicData {
        try WorkRequestAssignment.computeDynamicData(
            registry: registry,
            taskType: type,
            taskName: name,
            configuredTaskData: configured,
            lookups: lookups ?? self.lookups,
            context: context,
            settings: try InputResolutionSettings()
        )
    }

    func rebuild(_ name: String, configured: JSONValue, dynamic: JSONValue) throws -> any ExternalTask {
        try WorkerTaskRebuild.rebuild(
            registry: registry,
            taskType: .worker,
            taskName: name,
            configuredTaskData: configured,
            dynamicTaskData: dynamic
        )
    }
}

@Suite("Pipelines end to end with the real lookup store: pending → assignment → worker (Debusine `WorkRequest.mark_pending`, `assign_worker`)")
struct PipelineEndToEndTests {
    static let sbuildData: JSONValue = [
        "input": ["source_artifact": 1], "environment": "debian/match:codename=sid", "backend": "auto",
    ]
    static let example1Provided = [
        "task:scope:debian", "task:workspace:debian:developers", "task:group:debian::Debian",
        "task:source-package:hello",
    ].sorted()
    static let example1Required = [
        "worker:type:external", "worker:task:worker:sbuild:version:1", "worker:executor:unshare",
        "worker:build-arch:amd64", "worker:cap:sbuild",
    ].sorted()

    @Test("sbuild of hello through pending, assignment and the worker rebuild (deploy/docs/tags.md, worked example 1)")
    func sbuildEndToEnd() throws {
        let driver = try PipelineDriver()
        let pending = try driver.pending("sbuild", Self.sbuildData)

        #expect(pending.tags.provided.tags == Self.example1Provided)
        #expect(pending.tags.required.tags == Self.example1Required)
        #expect(pending.tags.provided.dropped.isEmpty && pending.tags.required.dropped.isEmpty)
        #expect(pending.tags.required.audit.allSatisfy { $0.provenance == .system })
        #expect(pending.subjectContext == TaskConfigurationSubjectContext(subject: "hello", context: "sid"))
        #expect(pending.configurationCollectionID == TaskFixture.Collection.defaultConfiguration)
        // Global, its template, context, subject: more specific entries apply later; the override wins.
        #expect(
            pending.appliedConfigurationEntries == [
                "Worker:sbuild::", "template:common", "Worker:sbuild::sid", "Worker:sbuild:hello:",
            ]
        )
        let expectedConfigured = try Self.sbuildData
            .setting(["any", "all"], atPath: "build_components")
            .setting(["nocheck"], atPath: "build_profiles")
            .setting("aptitude", atPath: "build_dep_resolver")
            .setting(12, atPath: "task_configuration")
        #expect(pending.configuredTaskData == expectedConfigured)
        let pendingFields = try #require(pending.pendingStageValues.value(atPath: "task_input_fields")?.objectValue)
        #expect(
            Set(pendingFields.keys) == [
                "task_configuration", "build_architecture", "input_source_artifact", "environment",
            ]
        )
        #expect(pending.pendingStageValues.objectValue?.count == 1, "only task_input_fields before assignment")

        // Assignment: from the CONFIGURED data (task_configuration is now the integer 12, a collection).
        let dynamic = try driver.assign("sbuild", configured: pending.configuredTaskData)
        // Debusine `tasks/tests/test_sbuild.py` `SbuildTests::test_compute_dynamic_data` and
        // `test_compute_dynamic_data_build_profiles_runtime_context` (the configured `nocheck` profile makes the
        // runtime context null).
        #expect(
            dynamic.extra == [
                "input_source_artifact_id": 1, "input_extra_binary_artifacts_ids": [], "environment_id": 3,
                "extra_repositories": .null, "binnmu_maintainer": "Debusine <noreply@localhost>",
            ]
        )
        #expect(dynamic.subject == "hello" && dynamic.configurationContext == "sid")
        #expect(dynamic.parameterSummary == "hello_1.0-1 (amd64)")
        #expect(dynamic.json.value(atPath: "runtime_context") == .null)
        #expect(
            Set(dynamic.taskInputFields.keys) == [
                "task_configuration", "build_architecture", "input_source_artifact", "input_extra_binary_artifacts",
                "environment", "debusine_fqdn", "extra_repositories",
            ]
        )
        #expect(dynamic.taskInputFields["debusine_fqdn"] == "localhost")
        #expect(dynamic.taskInputFields["extra_repositories"] == .null)
        #expect(dynamic.taskInputFields["task_configuration"]?.value(atPath: "collection_id") == 12)
        #expect(dynamic.taskInputFields["task_configuration"]?.value(atPath: "lookup") == 12)

        // The worker: no resolver, only the stored JSON.
        let onWorker = try driver.rebuild("sbuild", configured: pending.configuredTaskData, dynamic: dynamic.json)
        #expect(try onWorker.getSubject() == "hello")
        #expect(try onWorker.getConfigurationContext() == "sid")
        #expect(try onWorker.computeDynamicData().extra == dynamic.extra)
        let workerSideRequired = try onWorker.computeSystemRequiredTags()
        #expect(workerSideRequired.isSubset(of: Set(pending.tags.required.tags)))
    }

    @Test("libreoffice builds require worker:class:large (workspace provenance); hello's do not (deploy/docs/tags.md, worked example 2)")
    func libreofficeRequiresLarge() throws {
        let driver = try PipelineDriver()
        let libreoffice = try driver.pending("sbuild", try Self.sbuildData.setting(7, atPath: "input.source_artifact"))
        #expect(libreoffice.subjectContext.subject == "libreoffice")
        #expect(libreoffice.tags.required.tags.contains("worker:class:large"))
        #expect(
            libreoffice.tags.required.audit.contains {
                $0.tag == "worker:class:large" && $0.provenance == .workspace && !$0.isDropped
            }
        )
        #expect(libreoffice.appliedConfigurationEntries.contains("Worker:sbuild:libreoffice:"))
        #expect(!libreoffice.appliedConfigurationEntries.contains("Worker:sbuild:hello:"))
        #expect(libreoffice.tags.provided.tags.contains("task:source-package:libreoffice"))

        let hello = try driver.pending("sbuild", Self.sbuildData)
        #expect(!hello.tags.required.tags.contains("worker:class:large"))
    }

    @Test("lintian on hello 1.0-1 with an sid environment (Debusine `server/tests/test_scheduler.py` `test_computes_dynamic_data`)")
    func lintianDynamicData() throws {
        let driver = try PipelineDriver()
        let data: JSONValue = ["input": ["source_artifact": 1], "environment": "debian/match:codename=sid"]
        let pending = try driver.pending("lintian", data)
        #expect(pending.configuredTaskData == (try data.setting(12, atPath: "task_configuration")))
        #expect(pending.appliedConfigurationEntries.isEmpty)

        let dynamic = try driver.assign("lintian", configured: pending.configuredTaskData).json
        let object = try #require(dynamic.objectValue)
        #expect(
            Set(object.keys) == [
                "input_source_artifact_id", "input_binary_artifacts_ids", "environment_id", "subject",
                "parameter_summary", "runtime_context", "configuration_context", "task_input_fields",
            ]
        )
        #expect(object["input_source_artifact_id"] == 1)
        #expect(object["input_binary_artifacts_ids"] == [])
        #expect(object["environment_id"] == 3)
        #expect(object["subject"] == "hello")
        #expect(object["parameter_summary"] == "hello_1.0-1")
        #expect(object["runtime_context"] == "binary-all+binary-any+source:sid")
        #expect(object["configuration_context"] == "sid")
        #expect(
            Set(object["task_input_fields"]?.objectValue.map { Array($0.keys) } ?? []) == [
                "build_architecture", "environment", "input_binary_artifacts", "input_source_artifact",
                "task_configuration",
            ]
        )
        #expect(
            dynamic.value(atPath: "task_input_fields.input_source_artifact")
                == [
                    "label": "input.source_artifact", "lookup": 1, "artifact_id": 1,
                    "category": "debian:source-package",
                    "data": [
                        "name": "hello", "version": "1.0-1", "type": "dpkg",
                        "dsc_fields": ["Package": "hello", "Version": "1.0-1"],
                    ],
                ]
        )
    }

    @Test("no default configuration collection → no configuration, no error (Debusine `TaskConfigurationCollection`)")
    func defaultCollectionMissing() throws {
        let driver = try PipelineDriver(lookups: TaskFixture.lookups(defaultConfiguration: false))
        let pending = try driver.pending("sbuild", Self.sbuildData)
        #expect(pending.configuredTaskData == Self.sbuildData, "no task_configuration key is added")
        #expect(pending.configurationCollectionID == nil)
        #expect(pending.appliedConfigurationEntries.isEmpty)
        #expect(pending.tags.required.tags == Self.example1Required)
        #expect(pending.pendingStageValues.value(atPath: "task_input_fields.task_configuration") == .null)
    }

    @Test("a non-default configuration collection that does not exist → configure-failed (not found) (Debusine `TaskConfigurationCollection`)")
    func nonDefaultCollectionMissing() throws {
        let driver = try PipelineDriver()
        let data = try Self.sbuildData.setting("missing@debusine:task-configuration", atPath: "task_configuration")
        let error = try #require(throws: WorkRequestPipelineError.self) { try driver.pending("sbuild", data) }
        #expect(error.code == .configureFailed)
        #expect(error.lookupFailure == .notFound("'missing@debusine:task-configuration' does not exist or is hidden"))
        // Debusine `db/tasks/tests/test_inputs.py` `TaskConfigurationCollectionTests::test_failed_custom`, with
        // no field suffix (the field is an `add_note`, not part of `str(exc)`).
        #expect(
            error.message
                == "Failed to configure: Lookup for field 'task_configuration' in debian/developers failed: "
                + "'missing@debusine:task-configuration' does not exist or is hidden"
        )
        #expect(error.workRequestError == WorkRequestError(message: error.message, code: "configure-failed"))
    }

    @Test("empty sbuild data → configure-failed when pending; data configuration makes invalid → configure-failed at assignment (Debusine `server/tests/test_scheduler.py` `test_with_failing_configure_call`)")
    func scenario13() throws {
        let driver = try PipelineDriver()
        let empty = try #require(throws: WorkRequestPipelineError.self) { try driver.pending("sbuild", [:]) }
        #expect(empty.workRequestError.code == "configure-failed")
        #expect(empty.message.hasPrefix("Failed to configure: "))
        // Debusine's `SbuildData` says so of `{}` (it also requires `build_architecture`: deploy/docs/fidelity.md).
        #expect(
            empty.message.hasSuffix(
                "\nenvironment\n  Field required [type=missing, input_value={}, input_type=dict]"
                    + "\ninput\n  Field required [type=missing, input_value={}, input_type=dict]"))

        // Valid as submitted, invalid once configured: as in Debusine, the work request becomes pending, tagged as
        // submitted (`DBTask.apply_task_configuration`), and fails when the task is built for a worker.
        let data = try Self.sbuildData.setting("broken@debusine:task-configuration", atPath: "task_configuration")
        let pending = try driver.pending("sbuild", data)
        #expect(pending.configuredTaskData.value(atPath: "build_components") == ["binary"])
        #expect(pending.tags.required.tags.contains("worker:build-arch:amd64"))
        #expect(pending.tags.provided.tags.contains("task:source-package:hello"))
        let broken = try #require(throws: WorkRequestPipelineError.self) {
            try driver.assign("sbuild", configured: pending.configuredTaskData)
        }
        #expect(broken.code == .configureFailed)
        // What Debusine's `SbuildData` says of the configured data (its `test_base.py` expects the same form:
        // `Failed to configure: 1 validation error for NoopData…`).
        #expect(
            broken.message
                == "Failed to configure: 1 validation error for SbuildData\nbuild_components.0\n  Input should be "
                + "'any', 'all' or 'source' [type=enum, input_value='binary', input_type=str]"
        )

        // A corrupt entry for the task is the "does not validate" error of Debusine's `iter_matching_entries`.
        let lintian: JSONValue = [
            "input": ["source_artifact": 1], "environment": "debian/match:codename=sid",
            "task_configuration": "broken@debusine:task-configuration",
        ]
        let corrupt = try #require(throws: WorkRequestPipelineError.self) { try driver.pending("lintian", lintian) }
        #expect(
            corrupt.message.hasPrefix("Failed to configure: debusine:task-configuration item 321 does not validate")
        )
        #expect(corrupt.lookupFailure == nil)
    }

    @Test("a lookup that resolved when pending but whose artifact is gone at assignment (Debusine `server/tests/test_scheduler.py` `test_with_failing_compute_dynamic_data`)")
    func scenario14() throws {
        let driver = try PipelineDriver()
        let pending = try driver.pending("sbuild", Self.sbuildData)
        let afterRemoval = TaskFixture.lookups(removedArtifacts: [TaskFixture.Artifact.helloSource])
        let error = try #require(throws: WorkRequestPipelineError.self) {
            try driver.assign("sbuild", configured: pending.configuredTaskData, lookups: afterRemoval)
        }
        #expect(error.code == .dynamicDataFailed)
        #expect(
            error.message
                == "Failed to compute dynamic data: '1@artifacts' does not exist or is hidden"
        )
        #expect(error.workRequestError.code == "dynamic-data-failed")
        #expect(error.lookupFailure == .notFound("'1@artifacts' does not exist or is hidden"))
    }

    @Test("a configuration entry overriding build_architecture changes the TR build-arch tag and the environment")
    func configuredBuildArchitecture() throws {
        let driver = try PipelineDriver()
        let data = try Self.sbuildData.setting(
            "experimental@debusine:task-configuration",
            atPath: "task_configuration"
        )
        let pending = try driver.pending("sbuild", data)
        #expect(pending.configuredTaskData.value(atPath: "build_architecture") == "arm64")
        #expect(pending.configuredTaskData.value(atPath: "task_configuration") == 14)
        #expect(pending.tags.required.tags.contains("worker:build-arch:arm64"))
        #expect(!pending.tags.required.tags.contains("worker:build-arch:amd64"))
        // The pending fields were resolved again from the configured data: the arm64 tarball.
        #expect(pending.pendingStageValues.value(atPath: "task_input_fields.environment.artifact_id") == 4)
        #expect(pending.pendingStageValues.value(atPath: "task_input_fields.build_architecture") == "arm64")

        let dynamic = try driver.assign("sbuild", configured: pending.configuredTaskData)
        #expect(dynamic.extra["environment_id"] == 4)
    }

    @Test("configuration cannot forge task:scope:…; the drop is audited (deploy/docs/tags.md, worked example 4)")
    func configurationCannotForgeScope() throws {
        let driver = try PipelineDriver()
        let data = try Self.sbuildData.setting(
            "experimental@debusine:task-configuration",
            atPath: "task_configuration"
        )
        let provided = try driver.pending("sbuild", data).tags.provided
        #expect(!provided.tags.contains("task:scope:acme"))
        #expect(provided.tags.contains("task:scope:debian"))
        #expect(provided.tags.contains("pool:experimental"))
        let dropped = try #require(provided.dropped.first { $0.tag == "task:scope:acme" })
        #expect(dropped.provenance == .workspace)
        #expect(
            provided.audit.contains { $0.tag == "pool:experimental" && $0.provenance == .workspace && !$0.isDropped }
        )
    }

    @Test("sbuild finds the sbuild variant of a bookworm environment first, lintian the variant-less one (Debusine `WorkRequest.lookup_environment`)")
    func environmentVariants() throws {
        let driver = try PipelineDriver()
        let bookworm: JSONValue = ["input": ["source_artifact": 1], "environment": "debian/match:codename=bookworm"]
        let sbuild = try driver.pending("sbuild", bookworm)
        #expect(sbuild.pendingStageValues.value(atPath: "task_input_fields.environment.artifact_id") == 22)
        #expect(sbuild.subjectContext.context == "bookworm")
        let lintian = try driver.pending("lintian", bookworm)
        #expect(lintian.pendingStageValues.value(atPath: "task_input_fields.environment.artifact_id") == 20)
    }

    @Test("task_configuration given as a collection id resolves as a collection, not an artifact (Debusine `TaskConfigurationCollection`)")
    func configurationByID() throws {
        let driver = try PipelineDriver()
        let pending = try driver.pending("sbuild", try Self.sbuildData.setting(12, atPath: "task_configuration"))
        #expect(pending.configurationCollectionID == 12)
        #expect(pending.appliedConfigurationEntries.last == "Worker:sbuild:hello:")
        #expect(pending.pendingStageValues.value(atPath: "task_input_fields.task_configuration.lookup") == 12)
    }

    @Test("a worker refuses dynamic data lacking a field value, naming the field (Debusine `worker/task_runner.py` `TaskRunner.setup_task`)")
    func workerMissingField() throws {
        let driver = try PipelineDriver()
        let pending = try driver.pending("sbuild", Self.sbuildData)
        let dynamic = try driver.assign("sbuild", configured: pending.configuredTaskData).json
        let lacking = dynamic.removing(path: "task_input_fields.environment")
        let error = try #require(throws: WorkerTaskRebuildError.self) {
            try driver.rebuild("sbuild", configured: pending.configuredTaskData, dynamic: lacking)
        }
        #expect(error == .missingFieldValue(task: "Worker:sbuild", field: "environment"))
        #expect(error.description.contains("no value for input field 'environment'"))

        let badValue = try dynamic.setting("nonsense", atPath: "task_input_fields.environment")
        let bad = try #require(throws: WorkerTaskRebuildError.self) {
            try driver.rebuild("sbuild", configured: pending.configuredTaskData, dynamic: badValue)
        }
        guard case .badFieldValue(task: "Worker:sbuild", _) = bad else {
            Issue.record("expected a bad field value, got \(bad)")
            return
        }
        #expect(throws: WorkerTaskRebuildError.self) {
            try driver.rebuild("sbuild", configured: [:], dynamic: dynamic)
        }
    }
}
