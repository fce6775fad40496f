import KilnCore

/// The concrete task definitions Kiln ships; the core stays task-agnostic and learns them through
/// `register(into:)`.
public enum KilnTasks {
    /// The worker and signing tasks (run by `kiln-worker` through their `ExternalTask` side).
    public static let externalTasks: [any ExternalTask.Type] = [
        NoopTask.self, SbuildTask.self, LintianTask.self, AutopkgtestTask.self, MmdebstrapTask.self,
        SimpleSystemImageBuildTask.self, DebsignTask.self,
        BlhcTask.self, DebDiffTask.self, PiupartsTask.self, MakeSourcePackageUploadTask.self, MergeUploadsTask.self,
        ExtractForSigningTask.self, AssembleSignedSourceTask.self,
        SigningNoopTask.self, SignTask.self, GenerateKeyTask.self, SignRepositoryIndexTask.self,
    ]

    /// The server, internal and wait tasks (DBTask side only).
    public static let dbTasks: [any DBTask.Type] = [
        ServerNoopTask.self, SynchronizationPointTask.self, DelayTask.self,
        APTMirrorTask.self, CopyCollectionItemsTask.self, CreateChildWorkspaceTask.self, GenerateSuiteIndexesTask.self,
        PackageUploadTask.self, ConfirmTask.self, ExternalDebsignTask.self,
    ]

    /// Registers every Kiln task in `registry`.
    ///
    /// - Throws: `TaskRegistryError` if one clashes with a task already there.
    public static func register(into registry: inout TaskRegistry) throws(TaskRegistryError) {
        for task in externalTasks { try registerExternal(task, into: &registry) }
        for task in dbTasks { try registerDB(task, into: &registry) }
    }

    /// A registry holding every Kiln task.
    public static func registry() throws(TaskRegistryError) -> TaskRegistry {
        var registry = TaskRegistry()
        try register(into: &registry)
        return registry
    }

    private static func registerExternal<T: ExternalTask>(
        _ task: T.Type,
        into registry: inout TaskRegistry
    )
        throws(TaskRegistryError)
    {
        try registry.register(external: task)
    }

    private static func registerDB<T: DBTask>(
        _ task: T.Type,
        into registry: inout TaskRegistry
    ) throws(TaskRegistryError) {
        try registry.register(db: task)
    }
}
