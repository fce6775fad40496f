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

    /// Reads the three fields from a task's top-level data (which the task's data model has checked: an old
    /// `host_architecture` is refused there as an extra input).
    static func read(
        from reader: inout TaskDataReader,
        environmentRequired: Bool,
        readsArchitecture: Bool = true
    )
        throws(TaskDataError) -> ExecutorSettings
    {
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
    /// `EnvironmentInput()` default (debdiff, piuparts, makesourcepackageupload, extractforsigning). Only the tasks
    /// whose Debusine field declares `categories` (sbuild, autopkgtest, lintian: a system tarball or image) check
    /// what the lookup found.
    static func environment(
        optional: Bool = false, stage: Stage = .pending, categories: Set<String> = []
    ) -> InputField {
        let options = EnvironmentFieldOptions(architectureField: buildArchitectureField, backendPath: "backend")
        return InputField(
            environmentField,
            kind: optional ? .optionalEnvironment(options) : .environment(options),
            stage: stage,
            categories: categories
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

/// Source package name and version of an artifact, read per category as Debusine's
/// `get_source_package_name` and `get_source_package_version` (`debusine/artifacts/models.py`) read them:
/// a source package's `name`/`version`, an upload's `changes_fields` `Source`/`Version`, a binary
/// package's `srcpkg_name`/`srcpkg_version`, a build log's `source`/`version`.
struct SourcePackageFacts: Hashable, Sendable {
    /// The source package name, nil when the artifact's data lacks it.
    let name: String?
    /// The source package version, nil when the artifact's data lacks it.
    let version: String?

    /// Reads the facts of an artifact of one of the categories above; any other category gives none.
    init(_ artifact: BaseTaskInputArtifact) {
        let facts = PackageArtifactFacts(artifact)
        self.init(name: facts.sourceName, version: facts.sourceVersion)
    }

    /// The facts of a single input, none when the input is absent.
    init(_ artifact: InputArtifactSingle?) {
        if let artifact {
            self.init(artifact.artifact)
        } else {
            self.init(name: nil, version: nil)
        }
    }

    private init(name: String?, version: String?) {
        self.name = name
        self.version = version
    }

    /// Debusine's `f"{name}_{version}"`: a missing part is written `None`, as Python formats it.
    var summary: String { "\(name.pythonFormatted)_\(version.pythonFormatted)" }
}

extension Optional where Wrapped == String {
    /// The text Python's f-string gives for a `str | None`: the string, or `None`.
    var pythonFormatted: String { self ?? "None" }
}

extension Set where Element == String {
    /// The categories Debusine's autopkgtest and lintian accept for binary inputs
    /// (`ArtifactCategory.BINARY_PACKAGE`, `ArtifactCategory.UPLOAD`).
    static let binaryOrUpload: Set<String> = [KnownCategories.binaryPackage, KnownCategories.upload]
    /// The categories Debusine's autopkgtest and lintian accept for the source input.
    static let sourceOrUpload: Set<String> = [KnownCategories.sourcePackage, KnownCategories.upload]
}
