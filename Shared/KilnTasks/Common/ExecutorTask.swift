import KilnCore

/// Task data that carries the executor fields (`backend`, `build_architecture`, `environment`).
public protocol ExecutorTaskData: Sendable {
    /// The three fields as validated by `ExecutorSettings.read(from:environmentRequired:readsArchitecture:)`.
    var executor: ExecutorSettings { get }
}

/// A task run inside an executor environment (Debusine's `BaseTaskWithExecutor`): sbuild, autopkgtest,
/// lintian, mmdebstrap.
///
/// Conforming gives each of them, from one place, what Debusine's base class gives: the executor and
/// build-architecture required tags (Debusine `tasks/_task.py` `BaseTaskWithExecutor.compute_scheduler_tags`), the
/// environment codename as configuration context (e.g. `tasks/sbuild.py` `Sbuild.get_configuration_context`) and the
/// legacy `environment_id` in dynamic data (`tasks/models.py` `BaseDynamicTaskDataWithExecutor`). A task that also
/// needs a host tool conforms to `HostToolTask` as well and requires its capability tag on top.
public protocol ExecutorTask: ExternalTask where TaskData: ExecutorTaskData {}

extension ExecutorTask {
    /// `worker:executor:<backend>` (`auto` → `unshare`) and `worker:build-arch:<build architecture>` (Debusine
    /// `BaseTaskWithExecutor.compute_scheduler_tags`).
    public func computeSystemRequiredTags() throws -> Set<String> {
        try ExecutorTaskSupport.requiredTags(backend: data.executor.backend, inputs: inputs)
    }

    /// The environment's codename, so configuration entries can differ per suite.
    public func getConfigurationContext() throws -> String? { try ExecutorTaskSupport.codename(inputs) }

    /// Dynamic data as Debusine's executor tasks build it: summary and subject passed explicitly (a nil one is
    /// written as `null`), the runtime and configuration contexts only by the tasks whose Debusine counterpart sets
    /// them (left out by default: Debusine stores the dynamic data with `exclude_unset`, so blhc's or debdiff's has
    /// no `configuration_context` key at all), and `environment_id` beside `extra`, `null` when there is no
    /// environment (`BaseDynamicTaskDataWithExecutor`).
    func executorDynamicData(
        parameterSummary: String?,
        subject: String?,
        runtimeContext: String?? = nil,
        configurationContext: String?? = nil,
        extra: [String: JSONValue]
    ) throws -> TaskDynamicData {
        var extra = extra
        extra["environment_id"] = try ExecutorTaskSupport.environmentID(inputs) ?? .null
        return TaskDynamicData(
            parameterSummary: parameterSummary,
            subject: subject,
            runtimeContext: runtimeContext,
            configurationContext: configurationContext,
            extra: extra
        )
    }
}

extension ExecutorTask where Self: HostToolTask {
    /// The executor and build-architecture tags plus the tool's `worker:cap:` tag.
    public func computeSystemRequiredTags() throws -> Set<String> {
        try ExecutorTaskSupport.requiredTags(backend: data.executor.backend, inputs: inputs)
            .union([Self.hostCapabilityTag])
    }
}

/// A task about one source package: its subject is the package name, and it provides
/// `task:source-package:<subject>` so workers can be reserved for given packages (Debusine `tasks/tags.py`
/// `SOURCE_PACKAGE_PREFIX`, e.g. in `tasks/sbuild.py` `Sbuild.compute_scheduler_tags`).
public protocol SourcePackageTask: ExternalTask {}

extension SourcePackageTask {
    /// `task:source-package:<subject>`, nothing while the subject is unknown.
    public func computeSystemProvidedTags() throws -> Set<String> {
        guard let name = try getSubject() else { return [] }
        return [TagOntology.taskSourcePackage(name)]
    }
}

extension ExecutorTaskSupport {
    /// `input_source_artifact` at `Stage.pending` (the subject is read from it, and Debusine's
    /// `DBTask.get_task_configuration_subject_context` has only PENDING fields).
    static func sourceArtifact(kind: InputFieldKind = .single, categories: Set<String>) -> InputField {
        InputField(
            "input_source_artifact",
            kind: kind,
            stage: .pending,
            path: "input.source_artifact",
            categories: categories
        )
    }

    /// `input_<name>`: binary packages read from `input.<name>` (`binary_artifacts`, `extra_binary_artifacts`…);
    /// no categories means any category, as a Debusine `MultiInput` without `categories`.
    static func binaryArtifacts(
        _ name: String,
        stage: Stage = .running,
        categories: Set<String>,
        default value: JSONValue? = nil
    ) -> InputField {
        InputField(
            "input_\(name)",
            kind: .multiple,
            stage: stage,
            path: "input.\(name)",
            categories: categories,
            default: value
        )
    }

    /// The artifact ids of a multiple field, as the legacy `…_ids` list of dynamic data.
    static func artifactIDs(_ inputs: ResolvedInputs, _ field: String) throws -> JSONValue {
        .array(try inputs.multiple(field).artifactIDs.map(JSONValue.int))
    }

    /// The id of a single field's artifact, `null` when the field or its id is absent.
    static func artifactID(_ artifact: InputArtifactSingle?) -> JSONValue {
        artifact?.artifactID.map(JSONValue.int) ?? .null
    }
}
