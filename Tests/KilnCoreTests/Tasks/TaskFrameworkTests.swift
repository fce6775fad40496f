import KilnCore
import KilnTestSupport
import Testing

/// A worker task defined only for these tests: one stage-1 artifact field, one stage-2 multiple field, and
/// a contribution to every tag hook, so the proxy's union rules are observable.
private struct ProbeTask: HostToolTask {
    struct TaskData: Hashable, Sendable {
        var label: String
    }

    static let taskName = "probe"
    static let taskType = TaskType.worker
    static let taskVersion = 3
    static let inputFields: [InputField] = [
        InputField("input_source_artifact", kind: .single, stage: .pending, path: "input.source_artifact"),
        InputField("input_extra", kind: .multiple, path: "input.extra", default: []),
    ]

    let data: TaskData
    let inputs: ResolvedInputs

    static func readData(_ json: JSONValue) throws(TaskDataError) -> TaskData {
        var reader = try TaskDataReader(json)
        let label = try reader.string("label")
        if var input = try reader.object("input") {
            _ = try input.singleLookup("source_artifact")
            _ = try input.multipleLookup("extra", default: [])
            try input.finish()
        }
        _ = try reader.taskConfiguration()
        try reader.finish()
        return TaskData(label: label)
    }

    func getSubject() throws -> String? { try inputs.artifact("input_source_artifact").data["name"]?.stringValue }
    func getConfigurationContext() throws -> String? { data.label }
    func computeDynamicData() throws -> TaskDynamicData {
        TaskDynamicData(
            subject: try getSubject(),
            extra: ["extra_ids": .array(try inputs.multiple("input_extra").artifactIDs.map(JSONValue.int))]
        )
    }
    // `worker:cap:probe`, provided only where `probe-tool` is installed and always required.
    static let requiredHostCommand = "probe-tool"
    static let hostCapability = "probe"
    func getUserProvidedTags() throws -> Set<String> { ["user:asked"] }
    func computeSystemProvidedTags() throws -> Set<String> { ["task:source-package:\(try getSubject() ?? "")"] }
}

/// A server task of the same name, to test the registry's clash rule.
private struct ServerProbeTask: DBTask {
    static let taskType = TaskType.server
    static let taskName = "Probe"
    static let taskVersion = 1
    let taskData: JSONValue
    var inputs: ResolvedInputs
    init(taskData: JSONValue) throws {
        self.taskData = taskData
        inputs = try ResolvedInputs(fields: Self.ownInputFields)
    }
}

/// A wait task: no worker ever runs it.
private struct WaitProbeTask: DBTask {
    static let taskType = TaskType.wait
    static let taskName = "waitprobe"
    static let taskVersion = 1
    let taskData: JSONValue
    var inputs: ResolvedInputs
    init(taskData: JSONValue) throws {
        self.taskData = taskData
        inputs = try ResolvedInputs(fields: Self.ownInputFields)
    }
}

@Suite("Task framework (Debusine `tasks/_task.py`, `db/tasks/base.py`): ExternalTask, DBTask, proxies, registry")
struct TaskFrameworkTests {
    static let workRequest = WorkRequestTagContext(
        scope: "debian",
        workspace: "developers",
        creatorGroups: [
            .init(scope: "debian", name: "Debian"), .init(scope: "debian", workspace: "developers", name: "Uploaders"),
        ]
    )

    static let data: JSONValue = ["label": "ctx", "input": ["source_artifact": 1, "extra": [2]]]

    fileprivate func proxy(
        stage: Stage,
        lookups: RecordingLookupResolver = Fixtures.lookups()
    ) throws -> DBExternalTaskProxy<ProbeTask> {
        var task = try DBExternalTaskProxy<ProbeTask>(taskData: Self.data)
        try task.resolveInputs(
            stage: stage,
            lookups: lookups,
            context: Fixtures.context,
            settings: InputResolutionSettings()
        )
        return task
    }

    @Test("the proxy chains the task-configuration field before the wrapped task's fields")
    func proxyFields() throws {
        let task = try DBExternalTaskProxy<ProbeTask>(taskData: Self.data)
        #expect(task.inputs.fields.map(\.name) == ["task_configuration", "input_source_artifact", "input_extra"])
        #expect(task.inputs.fields[0].stage == .pending)
        #expect(task.inputs.fields[0].path == "task_configuration")
    }

    @Test("subject and context come from the wrapped task with only Stage.pending fields resolved (Debusine `DBProxyTask.get_task_configuration_subject_context`)")
    func subjectContextAtPending() throws {
        let task = try proxy(stage: .pending)
        #expect(
            try task.getTaskConfigurationSubjectContext()
                == TaskConfigurationSubjectContext(subject: "hello", context: "ctx")
        )
        #expect(!task.inputs.isResolved("input_extra"))
    }

    @Test("proxy tags are the union of both sides, per provenance (Debusine `DBProxyTask.compute_scheduler_tags`)")
    func proxyTagUnion() throws {
        let candidates = try proxy(stage: .pending).computeSchedulerTags(for: Self.workRequest)
        #expect(
            candidates.provided.byProvenance[.system] == [
                "task:scope:debian", "task:workspace:debian:developers", "task:group:debian::Debian",
                "task:group:debian:developers:Uploaders", "task:source-package:hello",
            ]
        )
        #expect(candidates.provided.byProvenance[.user] == ["user:asked"])
        #expect(
            candidates.required.byProvenance == [
                .system: ["worker:type:external", "worker:task:worker:probe:version:3", "worker:cap:probe"]
            ]
        )
    }

    @Test("worker-provided tags are the DBTask's plus the wrapped task's, gated on the host (Debusine `DBProxyTask.get_provided_worker_tags`)")
    func proxyWorkerTags() {
        let bare = DBExternalTaskProxy<ProbeTask>.getProvidedWorkerTags(host: WorkerHostCapabilities())
        #expect(bare == ["worker:task:worker:probe:version:3"])
        let equipped = DBExternalTaskProxy<ProbeTask>.getProvidedWorkerTags(
            host: WorkerHostCapabilities(installedCommands: ["probe-tool"])
        )
        #expect(equipped == ["worker:task:worker:probe:version:3", "worker:cap:probe"])
    }

    @Test("proxy dynamic data = the wrapped task's computeDynamicData() plus both containers' field values (Debusine `DBProxyTask.compute_dynamic_data`)")
    func proxyDynamicData() throws {
        let task = try proxy(stage: .running, lookups: Fixtures.lookups(withDefaultConfiguration: true))
        let dynamic = try task.computeDynamicData()
        #expect(dynamic.subject == "hello")
        #expect(dynamic.extra["extra_ids"] == [2])
        #expect(Set(dynamic.taskInputFields.keys) == ["task_configuration", "input_source_artifact", "input_extra"])
        #expect(dynamic.taskInputFields["task_configuration"]?.value(atPath: "collection_id") == 12)
        #expect(dynamic.json.value(atPath: "task_input_fields.input_extra.label") == "input.extra")
        #expect(dynamic.json.value(atPath: "runtime_context") == nil, "unset members are left out")

        // The worker rebuilds the external task from the same data, with no resolver, and sees the same values.
        let onWorker = try ProbeTask.make(taskData: Self.data, dynamicData: dynamic.json)
        #expect(try onWorker.inputs.multiple("input_extra") == (try task.inputs.multiple("input_extra")))
        #expect(try onWorker.computeDynamicData().extra == dynamic.extra)
        #expect(onWorker.inputs.field(named: "task_configuration") == nil, "the worker restores only its own names")
    }

    @Test("a DBTask's dynamic data is empty plus its saved field values (Debusine `DBTask.compute_dynamic_data`)")
    func dbTaskDynamicData() throws {
        var task = try ServerProbeTask(taskData: [:])
        try task.resolveInputs(
            stage: .pending,
            lookups: Fixtures.lookups(),
            context: Fixtures.context,
            settings: InputResolutionSettings()
        )
        let dynamic = try task.computeDynamicData()
        #expect(dynamic.json == ["task_input_fields": ["task_configuration": nil]])
    }

    @Test("DBTask base tags; Wait tasks require worker:type:not-assignable and provide no worker tags (Debusine `DBTask.compute_scheduler_tags`)")
    func dbTaskBaseTags() throws {
        let server = try ServerProbeTask(taskData: [:]).computeSchedulerTags(for: Self.workRequest)
        #expect(server.required.byProvenance[.system] == ["worker:type:celery", "worker:task:server:probe:version:1"])
        let wait = try WaitProbeTask(taskData: [:]).computeSchedulerTags(for: Self.workRequest)
        #expect(wait.required.byProvenance[.system] == ["worker:type:not-assignable"])
        #expect(wait.provided.byProvenance[.system]?.contains("task:scope:debian") == true)
        #expect(WaitProbeTask.getProvidedWorkerTags(host: WorkerHostCapabilities()).isEmpty)
        #expect(
            ServerProbeTask.getProvidedWorkerTags(host: WorkerHostCapabilities()) == [
                "worker:task:server:probe:version:1"
            ]
        )
    }

    @Test("the registry refuses a Server/Worker name clash, whichever comes first (Debusine `DBTask.__init_subclass__`)")
    func registryClash() throws {
        var registry = TaskRegistry()
        try registry.register(external: ProbeTask.self)
        #expect(throws: TaskRegistryError.serverWorkerNameClash(name: "probe", existing: .worker, new: .server)) {
            try registry.register(db: ServerProbeTask.self)
        }
        var reversed = TaskRegistry()
        try reversed.register(db: ServerProbeTask.self)
        let error = try #require(throws: TaskRegistryError.self) { try reversed.register(external: ProbeTask.self) }
        #expect(error == .serverWorkerNameClash(name: "probe", existing: .server, new: .worker))
        #expect(error.description == "cannot register Worker task 'probe': a Server task has the same name")
        #expect(throws: TaskRegistryError.duplicate(TaskRegistry.Key(type: .worker, name: "probe"))) {
            try registry.register(external: ProbeTask.self)
        }
    }

    @Test("the registry matches names case-insensitively and builds both views (Debusine `DBTask.class_from_name`)")
    func registryBuildsViews() throws {
        var registry = TaskRegistry()
        try registry.register(external: ProbeTask.self)
        try registry.register(db: WaitProbeTask.self)
        let db = try registry.makeDBTask(type: .worker, name: "PROBE", taskData: Self.data)
        #expect(db.taskName == "probe" && db.taskVersion == 3)
        #expect(db.inputs.fields.count == 3)
        let external = try registry.makeExternalTask(
            type: .worker,
            name: "probe",
            taskData: Self.data,
            dynamicData: [:]
        )
        #expect(external.taskName == "probe")
        #expect(throws: TaskRegistryError.unknownTask(TaskRegistry.Key(type: .wait, name: "waitprobe"))) {
            try registry.makeExternalTask(type: .wait, name: "waitprobe", taskData: [:], dynamicData: [:])
        }
        #expect(throws: TaskRegistryError.unknownTask(TaskRegistry.Key(type: .signing, name: "probe"))) {
            try registry.makeDBTask(type: .signing, name: "probe", taskData: [:])
        }
        #expect(throws: TaskDataError.missingField("label")) {
            try registry.makeDBTask(type: .worker, name: "probe", taskData: [:])
        }
        #expect(
            registry.providedWorkerTags(for: [.worker], host: WorkerHostCapabilities()) == [
                "worker:task:worker:probe:version:3"
            ]
        )
        #expect(registry.providedWorkerTags(for: [.signing], host: WorkerHostCapabilities()).isEmpty)
    }

    @Test("task data readers refuse unknown fields and name the bad one")
    func taskDataReaderErrors() throws {
        #expect(throws: TaskDataError.unknownField("input.surprise")) {
            try ProbeTask.validateData(["label": "x", "input": ["source_artifact": 1, "surprise": 1]])
        }
        #expect(
            throws: TaskDataError.wrongType(
                field: "input.source_artifact",
                expected: "a single lookup (integer or string)",
                found: [1]
            )
        ) {
            try ProbeTask.validateData(["label": "x", "input": ["source_artifact": [1]]])
        }
        #expect(throws: TaskDataError.notAnObject(field: "", found: [])) { try ProbeTask.validateData([]) }
        #expect(TaskDataError.missingField("label").description == "task data field 'label' is required")
    }

    @Test("an ExternalTask without its own pipeline says so instead of pretending to run")
    func executionUnavailable() async throws {
        let task = try ProbeTask.make(taskData: Self.data, dynamicData: [:])
        await #expect(throws: TaskExecutionError.executionUnavailable(task: "probe")) {
            try await task.execute(in: SilentContext())
        }
    }
}

private struct SilentContext: TaskExecutionContext {
    let workRequestID = 1
    func log(_ line: String) async {}
}
