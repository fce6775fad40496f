/// Every task class a process knows, keyed by (task type, lowercased name) (Debusine `db/tasks/base.py`
/// `DBTask.__init_subclass__`, `DBTask.class_from_name`).
///
/// It builds the `DBTask` view of any registered task from (type, name, task data) on the server, the
/// `ExternalTask` from configured and dynamic data on a worker, and the union of worker-provided tags a host
/// advertises.
public struct TaskRegistry: Sendable {
    /// The registry key.
    public struct Key: Hashable, Sendable, CustomStringConvertible {
        /// The task type; part of the key because a Server and a Worker task could otherwise be confused.
        public let type: TaskType
        /// The lowercased name, so lookups are case-insensitive as in Debusine.
        public let name: String

        /// Lowercases `name`, so `Sbuild` and `sbuild` are one key.
        public init(type: TaskType, name: String) {
            self.type = type
            self.name = name.lowercased()
        }

        public var description: String { "\(type.rawValue):\(name)" }
    }

    /// One registered task class.
    public struct Registration: Sendable {
        /// The (type, name) the class is registered under.
        public let key: Key
        /// `TASK_VERSION`, kept so callers can show or check it without building the task.
        public let version: Int
        /// The task data's pydantic model, which the task checks before it reads its data (nil: it has none).
        public let dataModel: PydanticModel?
        let makeDBTask: @Sendable (JSONValue) throws -> any DBTask
        let makeExternalTask: (@Sendable (JSONValue, JSONValue) throws -> any ExternalTask)?
        let providedWorkerTags: @Sendable (WorkerHostCapabilities) -> Set<String>
    }

    private var registrations: [Key: Registration] = [:]

    /// An empty registry; each process registers the task classes it ships.
    public init() {}

    /// The same registry with only the tasks named in `names` (a worker advertises only the tasks it really
    /// executes; the others stay registered where it rebuilds tasks, so a stray one is reported clearly).
    public func restricted(toNames names: Set<String>) -> TaskRegistry {
        var restricted = TaskRegistry()
        restricted.registrations = registrations.filter { names.contains($0.key.name) }
        return restricted
    }

    /// Every registered key.
    public var keys: [Key] { registrations.keys.sorted { $0.description < $1.description } }

    /// Registers a worker or signing task; its DBTask view is `DBExternalTaskProxy<T>`.
    ///
    /// - Throws: `TaskRegistryError` for a wrong task type, a bad name, a duplicate or a Server/Worker clash.
    public mutating func register<T: ExternalTask>(external task: T.Type) throws(TaskRegistryError) {
        guard T.taskType == .worker || T.taskType == .signing else {
            throw .wrongTaskType(
                name: T.taskName,
                type: T.taskType,
                reason: "an ExternalTask must be Worker or Signing"
            )
        }
        if let clash = T.inputFields.first(where: { $0.name == InputField.taskConfigurationName }) {
            throw .wrongTaskType(
                name: T.taskName,
                type: T.taskType,
                reason: "input field '\(clash.name)' is reserved for the DBTask side"
            )
        }
        try insert(
            Registration(
                key: Key(type: T.taskType, name: T.taskName),
                version: T.taskVersion,
                dataModel: DBExternalTaskProxy<T>.dataModel,
                makeDBTask: { try DBExternalTaskProxy<T>(taskData: $0) },
                makeExternalTask: { try T.make(taskData: $0, dynamicData: $1) },
                providedWorkerTags: { DBExternalTaskProxy<T>.getProvidedWorkerTags(host: $0) }
            )
        )
    }

    /// Registers a server, internal, workflow or wait task implemented directly on the DBTask side.
    ///
    /// - Throws: `TaskRegistryError` for a Worker/Signing type (those register as `ExternalTask`), a bad
    ///   name, a duplicate or a Server/Worker clash.
    public mutating func register<T: DBTask>(db task: T.Type) throws(TaskRegistryError) {
        guard T.taskType != .worker, T.taskType != .signing else {
            throw .wrongTaskType(
                name: T.taskName,
                type: T.taskType,
                reason: "Worker and Signing tasks register as ExternalTask"
            )
        }
        try insert(
            Registration(
                key: Key(type: T.taskType, name: T.taskName),
                version: T.taskVersion,
                dataModel: T.dataModel,
                makeDBTask: { try T(taskData: $0) },
                makeExternalTask: nil,
                providedWorkerTags: { T.getProvidedWorkerTags(host: $0) }
            )
        )
    }

    private mutating func insert(_ registration: Registration) throws(TaskRegistryError) {
        let key = registration.key
        guard !key.name.isEmpty, !key.name.contains(":"), !key.name.contains(where: \.isWhitespace) else {
            throw .invalidName(key.name)
        }
        guard registrations[key] == nil else { throw .duplicate(key) }
        // A Server task and a Worker task may not share a name (Debusine refuses it too).
        let rival: TaskType? =
            switch key.type {
            case .server: .worker
            case .worker: .server
            default: nil
            }
        if let rival, registrations[Key(type: rival, name: key.name)] != nil {
            throw .serverWorkerNameClash(name: key.name, existing: rival, new: key.type)
        }
        registrations[key] = registration
    }

    /// The registration of (type, name), matched case-insensitively.
    public func registration(type: TaskType, name: String) -> Registration? {
        registrations[Key(type: type, name: name)]
    }

    /// The DBTask view of a registered task.
    ///
    /// - Throws: `TaskRegistryError.unknownTask`, or the task's data validation error.
    public func makeDBTask(type: TaskType, name: String, taskData: JSONValue) throws -> any DBTask {
        guard let registration = registration(type: type, name: name) else {
            throw TaskRegistryError.unknownTask(Key(type: type, name: name))
        }
        if taskData.objectValue == nil, let model = registration.dataModel {
            throw TaskDataError.notAMapping(model: "\(TaskDataError.modelModule(of: type)).\(model.name)", found: taskData)
        }
        return try registration.makeDBTask(taskData)
    }

    /// The worker-side task, rebuilt from configured task data and dynamic data without any store.
    ///
    /// - Throws: `TaskRegistryError.unknownTask` (also for tasks that do not run on workers), or the task's
    ///   data or saved-field error.
    public func makeExternalTask(
        type: TaskType,
        name: String,
        taskData: JSONValue,
        dynamicData: JSONValue
    ) throws
        -> any ExternalTask
    {
        guard let make = registration(type: type, name: name)?.makeExternalTask else {
            throw TaskRegistryError.unknownTask(Key(type: type, name: name))
        }
        return try make(taskData, dynamicData)
    }

    /// The worker-provided tags every registered task of the given types contributes on `host` (a worker
    /// passes the types it runs: `[.worker]` for external workers, `[.signing]`, `[.server]` for Celery).
    public func providedWorkerTags(for types: Set<TaskType>, host: WorkerHostCapabilities) -> Set<String> {
        registrations.values.filter { types.contains($0.key.type) }
            .reduce(into: Set()) { $0.formUnion($1.providedWorkerTags(host)) }
    }
}

/// Why a task class cannot be registered or found.
public enum TaskRegistryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The same (type, name) is registered twice.
    case duplicate(TaskRegistry.Key)
    /// A Server task and a Worker task share a name.
    case serverWorkerNameClash(name: String, existing: TaskType, new: TaskType)
    /// The task's type does not fit the way it is registered.
    case wrongTaskType(name: String, type: TaskType, reason: String)
    /// Names are non-empty, without `:` or whitespace (they form tags and configuration item names).
    case invalidName(String)
    /// No task of this (type, name) is registered.
    case unknownTask(TaskRegistry.Key)

    public var description: String {
        switch self {
        case .duplicate(let key): "task \(key) is already registered"
        case .serverWorkerNameClash(let name, let existing, let new):
            "cannot register \(new.rawValue) task '\(name)': a \(existing.rawValue) task has the same name"
        case .wrongTaskType(let name, let type, let reason):
            "cannot register task '\(name)' of type \(type.rawValue): \(reason)"
        case .invalidName(let name): "invalid task name '\(name)': it must be non-empty, without ':' or spaces"
        case .unknownTask(let key): "no task \(key) is registered"
        }
    }
}
