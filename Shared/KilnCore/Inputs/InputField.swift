/// What an input field reads from task data and what it resolves to (Debusine `tasks/inputs/inputs.py` field classes).
public enum InputFieldKind: Hashable, Sendable {
    /// A single artifact lookup → `InputArtifactSingle` (`SingleInput`).
    case single
    /// A single artifact lookup → `InputArtifactSingle`, a failed lookup reported with the field and the workspace
    /// (Debusine `db/tasks/inputs.py` `ArtifactInput`, which server tasks use).
    case databaseArtifact
    /// A single artifact lookup or null → `InputArtifactSingle?` (`OptionalSingleInput`).
    case optionalSingle
    /// A list of single lookups → `[InputArtifactSingle]` (`SingleInputList`).
    case singleList
    /// A multiple lookup → `InputArtifactMultiple` (`MultiInput`).
    case multiple
    /// A list of multiple lookups → `[InputArtifactMultiple]` (`MultiInputList`).
    case multipleList
    /// A multiple lookup whose `debian:upload` results are replaced by the binary packages each upload `extends`
    /// → `InputArtifactMultiple`: the other results in lookup order (their categories checked), then the uploads'
    /// binaries by id (`UploadArtifactsInput`). `debian:upload` is allowed besides the field's categories.
    case uploadArtifacts
    /// A multiple lookup of signed artifacts → `InputArtifactMultiple` of what they were signed from: the
    /// `debusine:signing-input` artifacts they `relates-to` and the binary packages those `relates-to`, by id
    /// (`UnsignedMultiInput`, which reads the same task-data path as the signed artifacts' own field).
    case unsignedArtifacts
    /// An environment lookup → `InputArtifactSingle` (`EnvironmentInput`).
    case environment(EnvironmentFieldOptions)
    /// An environment lookup or null → `InputArtifactSingle?` (`OptionalEnvironmentInput`).
    case optionalEnvironment(EnvironmentFieldOptions)
    /// A `debian:suite` lookup → the suite and its workspace's `_@debian:archive`, if any
    /// (`SuiteArchiveInput`).
    case suiteArchive
    /// The build architecture → a string: the task-data value if non-empty, else the server fallback
    /// (Debusine `tasks/inputs/inputs.py` `BuildArchitectureInput`). Never a worker's architecture.
    case buildArchitecture
    /// The task-configuration collection → `InputCollectionSingle?` (Debusine `db/tasks/inputs.py`
    /// `TaskConfigurationCollection`).
    case taskConfigurationCollection
    /// A collection lookup → `InputCollectionSingle` (Debusine `db/tasks/inputs.py` `CollectionInput`): `category`,
    /// when given, is the default category of a bare first segment and the one the collection must have.
    case collection(category: String?)
    /// `copycollectionitems`' list of copies → `[InputCollectionItemCopies]` (Debusine `server/tasks/inputs/inputs.py`
    /// `CopyCollectionItemsCopiesInput`): each copy's source items looked up as anything but a collection, its
    /// target collection as a `CollectionInput` named `copies[i].target_collection`.
    case collectionItemCopies
    /// The server's fully qualified domain name → a string, read from the server settings, never from task
    /// data (Debusine's `DebusineFQDNInput`, which reads the `DEBUSINE_FQDN` setting).
    case serverFQDN
    /// Extra APT repositories → `[ExternalRepository]?` (Debusine's `ExtraRepositoriesInput`): external ones as
    /// given, each Debusine-hosted suite turned into the external repository it serves (or left out while it has
    /// no `InRelease` index); `null` when task data gives none.
    case extraRepositories

    /// Whether JSON `null` is a valid resolved value of this kind.
    var allowsNull: Bool {
        switch self {
        case .optionalSingle, .optionalEnvironment, .taskConfigurationCollection, .extraRepositories: true
        default: false
        }
    }
}

/// Where an environment field finds the parameters of its lookup (Debusine `WorkRequest.lookup_environment`, and
/// `EnvironmentInput`'s `image_category`, `set_backend` and `try_variant`): the build architecture comes from an
/// already-resolved field, the backend from task data.
public struct EnvironmentFieldOptions: Hashable, Sendable {
    /// The name of the build-architecture input field; it must resolve at the same stage or earlier.
    public var architectureField: String
    /// Dotted task-data path of the executor backend; `nil` for a field that sets no backend (`set_backend=False`):
    /// no backend constraint is then added to the lookup, nor a format taken from one.
    public var backendPath: String?
    /// The `format` the field always asks for (`image_category`), whatever the backend; `nil` takes it from the
    /// backend's image category.
    public var format: EnvironmentFormat?
    /// Whether the task's name is tried as the `variant` first (`try_variant`).
    public var triesTaskVariant: Bool

    /// Defaults fit executor tasks: `build_architecture` and `backend` at the top of the task data, the format
    /// the backend needs, the task's own variant tried first.
    public init(
        architectureField: String = "build_architecture",
        backendPath: String? = "backend",
        format: EnvironmentFormat? = nil,
        triesTaskVariant: Bool = true
    ) {
        self.architectureField = architectureField
        self.backendPath = backendPath
        self.format = format
        self.triesTaskVariant = triesTaskVariant
    }
}

/// A declared task input field (Debusine `tasks/inputs/inputs.py` `DataFieldInput`): a named value looked up from task
/// data, resolved server-side at a given stage, saved into dynamic task data and read back on the worker without any
/// database.
public struct InputField: Hashable, Sendable {
    /// The field's name: its key under `task_input_fields` and the name accessors use.
    public let name: String
    /// The earliest stage at which the field must be resolvable.
    public let stage: Stage
    /// Dotted path into task data (`input.source_artifact`).
    public let path: String
    /// Allowed artifact categories; empty means any.
    public let categories: Set<String>
    /// What the field reads and resolves to.
    public let kind: InputFieldKind
    /// The value used when task data lacks the path (the task data model's default), if any; without one
    /// a missing path is "Task input attribute 'x' not found".
    public let defaultValue: JSONValue?

    /// Declares a field.
    ///
    /// - Parameters:
    ///   - stage: defaults to `.running`, the later stage, as in Debusine.
    ///   - path: defaults to `name`.
    public init(
        _ name: String,
        kind: InputFieldKind,
        stage: Stage = .running,
        path: String? = nil,
        categories: Set<String> = [],
        default defaultValue: JSONValue? = nil
    ) {
        self.name = name
        self.kind = kind
        self.stage = stage
        self.path = path ?? name
        self.categories = categories
        self.defaultValue = defaultValue
    }

    /// The name of the field every `DBTask` carries for its task-configuration collection.
    public static let taskConfigurationName = "task_configuration"

    /// The lookup the `task_configuration` field uses when task data gives none (Debusine `tasks/models.py`
    /// `BaseTaskData.DEFAULT_TASK_CONFIGURATION_LOOKUP`).
    public static let defaultTaskConfigurationLookup = "default@debusine:task-configuration"

    /// The task-configuration field every `DBTask` has: stage pending, reading `task_configuration`.
    public static let taskConfiguration = InputField(
        taskConfigurationName,
        kind: .taskConfigurationCollection,
        stage: .pending,
        default: .string(defaultTaskConfigurationLookup)
    )
}
