import KilnCore

/// The parts every executor-based task shares (Debusine's `BaseTaskWithExecutor`): the `backend`,
/// `build_architecture` and `environment` task-data fields, their input fields, and the executor and
/// build-architecture required tags.
public struct ExecutorSettings: Hashable, Sendable {
    /// The requested backend (`auto` stays `auto` in the data; tags and lookups use `backend.effective`).
    public var backend: ExecutorBackend
    /// The build architecture as written in task data; nil lets the server fallback apply (Debusine
    /// `tasks/inputs/inputs.py` `BuildArchitectureInput`).
    public var buildArchitecture: String?
    /// The environment lookup as written, nil when the task runs without one.
    public var environment: JSONValue?

    /// Reads the three fields from a task's top-level data.
    ///
    /// The pre-0.14 name `host_architecture` is refused with a pointer to `build_architecture`, so old
    /// task data fails loudly instead of silently building for the fallback architecture.
    static func read(
        from reader: inout TaskDataReader,
        environmentRequired: Bool,
        readsArchitecture: Bool = true
    )
        throws(TaskDataError) -> ExecutorSettings
    {
        if let old = reader.raw("host_architecture") {
            throw .invalidValue(
                field: reader.fieldName("host_architecture"),
                value: old,
                reason: "this field was renamed to build_architecture"
            )
        }
        let backend = try reader.backend()
        let architecture = readsArchitecture ? try reader.optionalString("build_architecture") : nil
        let environment =
            environmentRequired
            ? try reader.singleLookup("environment") : try reader.optionalSingleLookup("environment")
        return ExecutorSettings(backend: backend, buildArchitecture: architecture, environment: environment)
    }
}

/// Input fields and tags of executor-based tasks.
enum ExecutorTaskSupport {
    /// Name of the build-architecture input field.
    static let buildArchitectureField = "build_architecture"
    /// Name of the environment input field.
    static let environmentField = "environment"

    /// `build_architecture = BuildArchitectureInput(stage=PENDING)`: tags need it before configuration.
    static func buildArchitecture(path: String = "build_architecture") -> InputField {
        InputField(buildArchitectureField, kind: .buildArchitecture, stage: .pending, path: path)
    }

    /// The environment field, by default at stage pending because the configuration context is its codename;
    /// tasks whose subject, context and tags do not need it resolve it at `Stage.running`, as Debusine's
    /// `EnvironmentInput()` default (debdiff, piuparts, makesourcepackageupload, extractforsigning).
    static func environment(optional: Bool = false, stage: Stage = .pending) -> InputField {
        let options = EnvironmentFieldOptions(architectureField: buildArchitectureField, backendPath: "backend")
        return InputField(
            environmentField,
            kind: optional ? .optionalEnvironment(options) : .environment(options),
            stage: stage,
            categories: KnownCategories.environmentArtifacts
        )
    }

    /// `worker:executor:<backend>` (`auto` → `unshare`) and `worker:build-arch:<build architecture>`.
    static func requiredTags(backend: ExecutorBackend, inputs: ResolvedInputs) throws -> Set<String> {
        [
            TagOntology.executor(backend.effective.rawValue),
            TagOntology.buildArch(try inputs.string(buildArchitectureField)),
        ]
    }

    /// The environment's codename (its artifact data `codename`), if the environment is resolved and has one.
    static func codename(_ inputs: ResolvedInputs) throws -> String? {
        guard inputs.field(named: environmentField) != nil else { return nil }
        return try inputs.optionalArtifact(environmentField)?.data["codename"]?.stringValue
    }

    /// `environment_id`, the legacy id Debusine still writes next to `task_input_fields`.
    static func environmentID(_ inputs: ResolvedInputs) throws -> JSONValue? {
        guard inputs.isResolved(environmentField) else { return nil }
        return try inputs.optionalArtifact(environmentField)?.artifactID.map(JSONValue.int)
    }
}

/// Name and version of a source package, read from a `debian:source-package` artifact's data.
struct SourcePackageFacts: Hashable, Sendable {
    let name: String
    let version: String?

    init?(_ artifact: InputArtifactSingle?) {
        guard let artifact, let name = artifact.data["name"]?.stringValue, !name.isEmpty else { return nil }
        self.name = name
        self.version = artifact.data["version"]?.stringValue
    }

    /// `name_version` (Debusine's parameter summary), or the name when the version is unknown.
    var summary: String { version.map { "\(name)_\($0)" } ?? name }
}

extension Set where Element == String {
    /// The artifact categories binary-package inputs accept.
    static let binaryArtifactCategories: Set<String> = [
        "debian:binary-package", "debian:binary-packages", "debian:upload",
    ]
}
