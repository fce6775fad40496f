import Foundation
import KilnCore
import KilnTestSupport
import Testing

/// A worker task for the pipeline tests: one pending artifact field (its subject), one running multiple
/// field, a free-text `note` configuration may set without touching any lookup, and tags from every hook.
private struct StampTask: ExternalTask {
    struct TaskData: Hashable, Sendable {
        var label: String
        var note: String?
    }

    static let taskName = "stamp"
    static let taskType = TaskType.worker
    static let taskVersion = 2
    static let inputFields: [InputField] = [
        InputField("input_source_artifact", kind: .single, stage: .pending, path: "input.source_artifact"),
        InputField("input_extra", kind: .multiple, path: "input.extra", default: []),
    ]

    let data: TaskData
    let inputs: ResolvedInputs

    static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        let label = try reader.string("label")
        let note = try reader.optionalString("note")
        guard var input = try reader.object("input") else { throw .missingField("input") }
        _ = try input.singleLookup("source_artifact")
        _ = try input.multipleLookup("extra", default: [])
        try input.finish()
        _ = try reader.taskConfiguration()
        try reader.finish()
        return TaskData(label: label, note: note)
    }

    func getSubject() throws -> String? { try inputs.artifact("input_source_artifact").data["name"]?.stringValue }
    func getConfigurationContext() throws -> String? { data.label }
    func computeDynamicData() throws -> TaskDynamicData {
        TaskDynamicData(
            subject: try getSubject(),
            extra: ["extra_ids": .array(try inputs.multiple("input_extra").artifactIDs.map(JSONValue.int))]
        )
    }
    func computeSystemRequiredTags() throws -> Set<String> { [TagOntology.capability("stamp")] }
    func computeSystemProvidedTags() throws -> Set<String> { [TagOntology.taskSourcePackage(try getSubject() ?? "")] }
}

@Suite("Pending transition, assignment and worker rebuild (pipeline mechanics; Debusine `WorkRequest.mark_pending`, `assign_worker`)")
struct PendingTransitionTests {
    static let data: JSONValue = ["label": "ctx", "input": ["source_artifact": 1, "extra": [2]]]

    /// The task fixture plus configuration entries for `stamp` in the default collection.
    static func lookups(
        entries: [[String: JSONValue]] = [],
        removedArtifacts: Set<Int> = []
    ) throws -> RecordingLookupResolver {
        var store = TaskFixture.store(removedArtifacts: removedArtifacts)
        for (offset, entry) in entries.enumerated() {
            try store.addItem(
                CollectionItemRecord(
                    id: 900 + offset,
                    parentCollectionID: TaskFixture.Collection.defaultConfiguration,
                    name: "stamp-\(offset)",
                    childType: .bare,
                    category: KnownCategories.taskConfiguration,
                    data: entry
                )
            )
        }
        return RecordingLookupResolver(store: store)
    }

    static func registry() throws -> TaskRegistry {
        var registry = TaskRegistry()
        try registry.register(external: StampTask.self)
        return registry
    }

    static func step1(_ data: JSONValue = data, lookups: RecordingLookupResolver) throws -> ResolvedPendingInputs {
        try PendingTransition.resolvePendingInputs(
            registry: try registry(),
            taskType: .worker,
            taskName: "stamp",
            taskData: data,
            lookups: lookups,
            context: TaskFixture.context,
            settings: try InputResolutionSettings()
        )
    }

    static func step2(
        _ pending: ResolvedPendingInputs,
        lookups: RecordingLookupResolver
    ) throws
        -> PendingTransitionResult
    {
        try PendingTransition.configure(
            pending,
            registry: try registry(),
            workRequest: TaskFixture.developersWorkRequest,
            lookups: lookups,
            settings: try InputResolutionSettings()
        )
    }

    static func assign(_ configured: JSONValue, lookups: RecordingLookupResolver) throws(WorkRequestPipelineError)
        -> TaskDynamicData
    {
        let registry: TaskRegistry
        let settings: InputResolutionSettings
        do {
            registry = try Self.registry()
            settings = try InputResolutionSettings()
        } catch {
            fatalError("fixture: \(error)")
        }
        return try WorkRequestAssignment.computeDynamicData(
            registry: registry, taskType: .worker, taskName: "stamp", configuredTaskData: configured,
            lookups: lookups, context: TaskFixture.context, settings: settings)
    }

    @Test("step 1 saves only Stage.pending values; its JSON form uses snake_case keys and round-trips")
    func intermediateValue() throws {
        let pending = try Self.step1(lookups: try Self.lookups())
        #expect(Set(pending.pendingFieldValues.keys) == ["task_configuration", "input_source_artifact"])
        #expect(pending.pendingFieldValues["task_configuration"]?.value(atPath: "collection_id") == 12)
        let json = try JSONValue.parse(try JSONEncoder().encode(pending))
        #expect(
            Set(json.objectValue?.keys.map { $0 } ?? []) == [
                "task_type", "task_name", "task_data", "lookup_context", "pending_field_values",
            ]
        )
        #expect(try json.decode(ResolvedPendingInputs.self) == pending)
    }

    @Test("run = step 1 + step 2; subject/context and early tags come from the pending fields only")
    func runEqualsSteps() throws {
        let lookups = try Self.lookups(entries: [
            [
                "task_type": "Worker", "task_name": "stamp", "context": "ctx",
                "default_values": ["note": "from context"],
            ]
        ])
        let whole = try PendingTransition.run(
            registry: try Self.registry(),
            taskType: .worker,
            taskName: "Stamp",
            taskData: Self.data,
            workRequest: TaskFixture.developersWorkRequest,
            lookups: lookups,
            context: TaskFixture.context,
            settings: try InputResolutionSettings()
        )
        #expect(whole == (try Self.step2(try Self.step1(lookups: lookups), lookups: lookups)))
        #expect(whole.subjectContext == TaskConfigurationSubjectContext(subject: "hello", context: "ctx"))
        #expect(whole.appliedConfigurationEntries == ["Worker:stamp::ctx"])
        #expect(whole.configuredTaskData.value(atPath: "note") == "from context")
        #expect(
            whole.tags.required.tags == [
                "worker:cap:stamp", "worker:task:worker:stamp:version:2", "worker:type:external",
            ]
        )
        #expect(whole.tags.provided.tags.contains("task:source-package:hello"))
        #expect(
            Set(whole.pendingStageValues.value(atPath: "task_input_fields")?.objectValue?.keys.map { $0 } ?? [])
                == ["task_configuration", "input_source_artifact"]
        )
    }

    @Test("step 1's task as resolved equals the task restored from its record, and configures the same (the creation check's shortcut)")
    func resolvedTaskEqualsRestored() throws {
        let entries: [[String: JSONValue]] = [
            ["task_type": "Worker", "task_name": "stamp", "override_values": ["note": "n"]]
        ]
        let registry = try Self.registry()
        let (resolved, pending) = try PendingTransition.resolvedPendingTask(
            registry: registry, taskType: .worker, taskName: "stamp", taskData: Self.data,
            lookups: try Self.lookups(entries: entries), context: TaskFixture.context,
            settings: try InputResolutionSettings())
        let restored = try ResolvedInputs.restoring(fields: resolved.inputs.fields, from: [ResolvedInputs.dynamicDataKey: .object(pending.pendingFieldValues)])
        #expect(resolved.inputs.values == restored.values)
        #expect(!resolved.inputs.values.isEmpty)
        let viaTask = try PendingTransition.configure(
            pending, task: resolved, registry: registry, workRequest: TaskFixture.developersWorkRequest,
            lookups: try Self.lookups(entries: entries), settings: try InputResolutionSettings())
        #expect(viaTask == (try Self.step2(pending, lookups: try Self.lookups(entries: entries))))
        // Without configuration the configured data is the submitted data and the task is reused as it is.
        let unconfigured = try PendingTransition.configure(
            pending, task: resolved, registry: registry, workRequest: TaskFixture.developersWorkRequest,
            lookups: try Self.lookups(), settings: try InputResolutionSettings())
        #expect(unconfigured == (try Self.step2(pending, lookups: try Self.lookups())))
    }

    @Test("configuration touching no key a pending field reads reuses step 1's values: no lookup is repeated")
    func unchangedInputsAreReused() throws {
        let entries: [[String: JSONValue]] = [
            ["task_type": "Worker", "task_name": "stamp", "override_values": ["note": "n"]]
        ]
        let pending = try Self.step1(lookups: try Self.lookups(entries: entries))
        // The source artifact is gone by the time the tag-computer runs; re-resolving would fail.
        let later = try Self.lookups(entries: entries, removedArtifacts: [1])
        let result = try Self.step2(pending, lookups: later)
        #expect(result.configuredTaskData.value(atPath: "note") == "n")
        #expect(result.pendingStageValues.value(atPath: "task_input_fields.input_source_artifact.artifact_id") == 1)
    }

    @Test("configuration changing a key a pending field reads resolves the pending fields again")
    func changedInputsAreResolvedAgain() throws {
        let entries: [[String: JSONValue]] = [
            ["task_type": "Worker", "task_name": "stamp", "override_values": ["input": ["source_artifact": 7]]]
        ]
        let lookups = try Self.lookups(entries: entries)
        let result = try Self.step2(try Self.step1(lookups: lookups), lookups: lookups)
        #expect(result.pendingStageValues.value(atPath: "task_input_fields.input_source_artifact.artifact_id") == 7)
        #expect(result.tags.provided.tags.contains("task:source-package:libreoffice"), "final tags see the new input")
        #expect(result.subjectContext.subject == "hello", "configuration was matched on the submitted subject")

    }

    /// Debusine builds no task from the configured data until a worker asks for it (`DBTask.apply_task_configuration`
    /// tags the task as submitted); then a configured lookup that finds nothing fails the dynamic data
    /// (`server/scheduler.py` `_assign_work_request_to_worker`).
    @Test("a configured lookup that finds nothing: pending, tagged as submitted; dynamic-data-failed at assignment")
    func configuredLookupFindsNothing() throws {
        let entries: [[String: JSONValue]] = [
            ["task_type": "Worker", "task_name": "stamp", "override_values": ["input": ["source_artifact": 7]]]
        ]
        let gone = try Self.lookups(entries: entries, removedArtifacts: [7])
        let result = try Self.step2(try Self.step1(lookups: gone), lookups: gone)
        #expect(result.configuredTaskData.value(atPath: "input.source_artifact") == 7)
        #expect(result.tags.provided.tags.contains("task:source-package:hello"), "\(result.tags.provided.tags)")
        #expect(result.pendingStageValues.value(atPath: "task_input_fields.input_source_artifact.artifact_id") == 1)
        let error = try #require(throws: WorkRequestPipelineError.self) {
            try Self.assign(result.configuredTaskData, lookups: gone)
        }
        #expect(error.code == .dynamicDataFailed)
        #expect(error.message == "Failed to compute dynamic data: '7@artifacts' does not exist or is hidden")
    }

    /// Debusine `server/scheduler.py` `_assign_work_request_to_worker` (test `server/tests/test_scheduler.py`
    /// `test_with_failing_configure_call`): configured data the task's model refuses is found when the task is built for
    /// a worker, and the work request is then `configure-failed`; until then it is pending, tagged as submitted.
    @Test("configured data the task's model refuses: pending, tagged as submitted; configure-failed at assignment")
    func configuredDataThatNoLongerBuilds() throws {
        let entries: [[String: JSONValue]] = [
            ["task_type": "Worker", "task_name": "stamp", "override_values": ["label": 5]]
        ]
        let lookups = try Self.lookups(entries: entries)
        let result = try Self.step2(try Self.step1(lookups: lookups), lookups: lookups)
        #expect(result.configuredTaskData.value(atPath: "label") == 5)
        #expect(result.configuredTaskFailure?.contains("label") == true, "\(String(describing: result.configuredTaskFailure))")
        #expect(result.tags.required.tags.contains(TagOntology.capability("stamp")))
        #expect(result.tags.provided.tags.contains("task:source-package:hello"))
        let error = try #require(throws: WorkRequestPipelineError.self) {
            try Self.assign(result.configuredTaskData, lookups: lookups)
        }
        #expect(error.code == .configureFailed)
        #expect(error.message.hasPrefix("Failed to configure: "), "\(error.message)")
        #expect(error.message.contains("label"), "\(error.message)")
    }

    @Test("lookup failures keep their class: an artifact where a collection is expected is invalid")
    func invalidLookupClass() throws {
        let data = try Self.data.setting("1@artifacts", atPath: "task_configuration")
        let error = try #require(throws: WorkRequestPipelineError.self) {
            try Self.step1(data, lookups: try Self.lookups())
        }
        guard case .invalid = error.lookupFailure else {
            Issue.record("expected an invalid lookup, got \(String(describing: error.lookupFailure))")
            return
        }
        #expect(error.message.hasPrefix("Failed to configure: "))
    }

    @Test("an unknown task and an incomplete intermediate record are configure-failed, named")
    func unknownTaskAndIncompleteRecord() throws {
        let unknown = try #require(throws: WorkRequestPipelineError.self) {
            try PendingTransition.resolvePendingInputs(
                registry: try Self.registry(),
                taskType: .worker,
                taskName: "nope",
                taskData: [:],
                lookups: try Self.lookups(),
                context: TaskFixture.context,
                settings: try InputResolutionSettings()
            )
        }
        #expect(unknown.cause == .registry(.unknownTask(TaskRegistry.Key(type: .worker, name: "nope"))))
        #expect(unknown.message == "Failed to configure: no task Worker:nope is registered")

        var pending = try Self.step1(lookups: try Self.lookups())
        pending.pendingFieldValues["input_source_artifact"] = nil
        let incomplete = try #require(throws: WorkRequestPipelineError.self) {
            try Self.step2(pending, lookups: try Self.lookups())
        }
        #expect(incomplete.message.contains("'input_source_artifact'"))
    }

    @Test("configuration entries load through the resolver: active bare items of the collection, by id")
    func entriesLoad() throws {
        var store = TaskFixture.store()
        try store.addItem(
            CollectionItemRecord(
                id: 950,
                parentCollectionID: TaskFixture.Collection.defaultConfiguration,
                name: "gone",
                childType: .bare,
                category: KnownCategories.taskConfiguration,
                data: ["task_type": "Worker", "task_name": "stamp"],
                removedAt: Date(timeIntervalSince1970: 1)
            )
        )
        let items = try TaskConfigurationEntries.load(
            collectionID: TaskFixture.Collection.defaultConfiguration,
            lookups: LookupResolver(store: store),
            context: TaskFixture.context
        )
        #expect(items.map(\.id) == [300, 301, 302, 303, 304])
        #expect(
            TaskConfigurationEntries.lookup(collectionID: 12) == ["collection": "12@collections", "child_type": "bare"]
        )
        #expect(throws: LookupFailure.self) {
            try TaskConfigurationEntries.load(
                collectionID: 4242,
                lookups: LookupResolver(store: store),
                context: TaskFixture.context
            )
        }
    }

    @Test("assignment resolves every field from the configured data and saves them all; the worker restores them")
    func assignmentAndRebuild() throws {
        let lookups = try Self.lookups()
        let pending = try Self.step2(try Self.step1(lookups: lookups), lookups: lookups)
        let dynamic = try WorkRequestAssignment.computeDynamicData(
            registry: try Self.registry(),
            taskType: .worker,
            taskName: "stamp",
            configuredTaskData: pending.configuredTaskData,
            lookups: lookups,
            context: TaskFixture.context,
            settings: try InputResolutionSettings()
        )
        #expect(dynamic.json.value(atPath: "extra_ids") == [2])
        #expect(dynamic.json.value(atPath: "subject") == "hello")
        #expect(Set(dynamic.taskInputFields.keys) == ["task_configuration", "input_source_artifact", "input_extra"])

        let task = try WorkerTaskRebuild.rebuild(
            registry: try Self.registry(),
            taskType: .worker,
            taskName: "stamp",
            configuredTaskData: pending.configuredTaskData,
            dynamicTaskData: dynamic.json
        )
        #expect(try task.computeDynamicData().extra == dynamic.extra)

        let partial = dynamic.json.removing(path: "task_input_fields.input_extra")
        #expect(throws: WorkerTaskRebuildError.missingFieldValue(task: "Worker:stamp", field: "input_extra")) {
            try WorkerTaskRebuild.rebuild(
                registry: try Self.registry(),
                taskType: .worker,
                taskName: "stamp",
                configuredTaskData: pending.configuredTaskData,
                dynamicTaskData: partial
            )
        }
        #expect(throws: WorkerTaskRebuildError.unknownTask(.unknownTask(TaskRegistry.Key(type: .worker, name: "x")))) {
            try WorkerTaskRebuild.rebuild(
                registry: try Self.registry(),
                taskType: .worker,
                taskName: "x",
                configuredTaskData: [:],
                dynamicTaskData: [:]
            )
        }
    }

    @Test("a task hook's own error at assignment is dynamic-data-failed with its description")
    func assignmentHookError() throws {
        let error = WorkRequestPipelineError(code: .dynamicDataFailed, cause: PipelineFailureCause(Boom()))
        #expect(error.message == "Failed to compute dynamic data: boom")
        #expect(
            error.workRequestError
                == WorkRequestError(
                    message: "Failed to compute dynamic data: boom",
                    code: "dynamic-data-failed"
                )
        )
        #expect(PipelineFailureCause(TaskConfigError("x")) == .configuration(TaskConfigError("x")))
    }
}

private struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}

/// What Debusine's API checks before keeping a directly created work request (`server/views/work_requests.py`
/// `WorkRequestViewSet.post`: `mark_pending()`, `resolve_inputs(Stage.RUNNING)`, `compute_dynamic_data()`).
@Suite("Creation check (Debusine `WorkRequestViewSet.post`)")
struct WorkRequestCreationCheckTests {
    static func check(_ data: JSONValue, entries: [[String: JSONValue]] = []) throws(WorkRequestPipelineError) {
        let lookups: RecordingLookupResolver
        let registry: TaskRegistry
        let settings: InputResolutionSettings
        do {
            lookups = try PendingTransitionTests.lookups(entries: entries)
            registry = try PendingTransitionTests.registry()
            settings = try InputResolutionSettings()
        } catch {
            fatalError("fixture: \(error)")
        }
        try WorkRequestCreationCheck.run(
            registry: registry, taskType: .worker, taskName: "stamp", taskData: data,
            workRequest: TaskFixture.developersWorkRequest, lookups: lookups, context: TaskFixture.context,
            settings: settings)
    }

    @Test("data that configures, resolves and computes its dynamic data passes")
    func passes() throws {
        try Self.check(PendingTransitionTests.data)
    }

    @Test("a Stage.pending field that does not resolve fails the pending transition: configure-failed, the lookup's NoSuchItemError")
    func pendingField() throws {
        let error = try #require(throws: WorkRequestPipelineError.self) {
            try Self.check(try PendingTransitionTests.data.setting(999, atPath: "input.source_artifact"))
        }
        #expect(error.code == .configureFailed)
        #expect(error.pythonExceptionRepr == #"NoSuchItemError("'999@artifacts' does not exist or is hidden")"#)
    }

    @Test("a field resolved only for running fails the dynamic data: dynamic-data-failed, checked at creation all the same")
    func runningField() throws {
        let error = try #require(throws: WorkRequestPipelineError.self) {
            try Self.check(try PendingTransitionTests.data.setting([999], atPath: "input.extra"))
        }
        #expect(error.code == .dynamicDataFailed)
        #expect(error.pythonExceptionRepr.hasPrefix("NoSuchItemError(\"'999@artifacts'"))
    }

    /// Debusine's view builds its task (`w.get_task()`) before `mark_pending()` applies the configuration, so it
    /// resolves and computes the dynamic data of the data as submitted.
    @Test("dynamic data is computed from the data as submitted: a running field configuration breaks is not checked")
    func submittedData() throws {
        let entries: [[String: JSONValue]] = [
            ["task_type": "Worker", "task_name": "stamp", "override_values": ["input": ["source_artifact": 1, "extra": [999]]]]
        ]
        try Self.check(PendingTransitionTests.data, entries: entries)
    }

    /// Debusine's view never builds the configured task (`mark_pending` only configures the data), so an override the
    /// task's model refuses is accepted at creation and fails when a worker asks (`_assign_work_request_to_worker`).
    @Test("configured data the task's model refuses does not stop the creation")
    func configuredDataNotBuiltAtCreation() throws {
        let entries: [[String: JSONValue]] = [
            ["task_type": "Worker", "task_name": "stamp", "override_values": ["label": 5]]
        ]
        try Self.check(PendingTransitionTests.data, entries: entries)
    }

    @Test("the exception as Debusine's view prints it: LookupError for an invalid lookup, TaskConfigError around any other failure, Python's quoting")
    func exceptionRepr() {
        #expect(
            WorkRequestPipelineError(code: .configureFailed, cause: .lookup(.invalid("Empty lookup"))).pythonExceptionRepr
                == "LookupError('Empty lookup')")
        #expect(
            WorkRequestPipelineError(code: .dynamicDataFailed, cause: .task("no 'name'")).pythonExceptionRepr
                == #"TaskConfigError("no 'name'")"#)
        #expect(
            WorkRequestPipelineError(code: .configureFailed, cause: .task(#"a "b" 'c'"#)).pythonExceptionRepr
                == #"TaskConfigError('a "b" \'c\'')"#)
        // A dynamic-data model's ValidationError is printed as itself: its repr is its text.
        let validation = PydanticValidationError(
            model: "MergeUploadsDynamicData", failures: [.valueError("input_uploads_ids", "[5, 5] contains duplicate items", input: [5, 5])])
        #expect(
            WorkRequestPipelineError(code: .dynamicDataFailed, cause: PipelineFailureCause(validation)).pythonExceptionRepr
                == validation.description)
        // Data that is not an object: `NoopData(**[1])`'s TypeError, the model named with Debusine's module.
        let notAMapping = TaskDataError.notAMapping(model: "debusine.tasks.models.NoopData", found: "x")
        #expect(
            WorkRequestPipelineError(code: .configureFailed, cause: PipelineFailureCause(notAMapping)).pythonExceptionRepr
                == "TypeError('debusine.tasks.models.NoopData() argument after ** must be a mapping, not str')")
        #expect(
            TaskType.allCases.map(TaskDataError.modelModule(of:)) == [
                "debusine.tasks.models", "debusine.server.tasks.models", "debusine.tasks.models",
                "debusine.server.workflows.models", "debusine.signing.tasks.models", "debusine.server.tasks.wait.models",
            ])
    }
}
