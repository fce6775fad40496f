import KilnCore
import ServiceKit

/// The dynamic metadata a worker reports in `worker.hello` (Debusine `worker/_worker.py` `Worker._get_worker_metadata`)
/// and the provided tags in it (`Worker._get_provided_tags`).
///
/// Pure: the host is a `HostFacts` value, so tests can compute the metadata of any host.
public enum WorkerMetadata {
    /// The version reported as `system:worker_version`: Kiln's, the one `kiln-worker --version` prints.
    public static let workerVersion = KilnVersion.current

    /// The task types whose classes contribute a worker's `worker:task:…` and capability tags: those registered
    /// in its process, as Debusine's `get_provided_external_worker_tags` (`tasks/_task.py`) walks every registry
    /// of external tasks there. An external worker has the Worker tasks; a signing worker has the Worker tasks
    /// too (its process imports `debusine.tasks`) and the Signing tasks (`signing/apps.py` imports them). Its
    /// `worker:type:signing` tag keeps Worker tasks off it all the same.
    public static func taskTypes(of type: WorkerType) -> Set<TaskType> {
        switch type {
        case .external: [.worker]
        case .signing: [.worker, .signing]
        case .celery: [.server]
        case .scheduler: []
        }
    }

    /// `provided_tags`: `worker:type:<own type>` (the server replaces it with the one it knows),
    /// `worker:build-arch:<arch>` for each architecture, `worker:executor:<backend>` for each available
    /// backend, the union of `getProvidedWorkerTags(host:)` of every registered task class of the types
    /// `taskTypes(of:)` names, and the operator's extra tags (restricted ones are filtered by the server: Debusine `worker/tags.py`
    /// `restrictions_when_provided`).
    public static func providedTags(
        workerType: WorkerType, host: HostFacts, registry: TaskRegistry, extraTags: [String] = []
    ) -> Set<String> {
        var tags: Set<String> = [TagOntology.workerType(workerType)]
        tags.formUnion(host.architectures.map(TagOntology.buildArch))
        tags.formUnion(host.capabilities.executorTags)
        tags.formUnion(registry.providedWorkerTags(for: taskTypes(of: workerType), host: host.capabilities))
        tags.formUnion(extraTags)
        return tags
    }

    /// The whole dynamic metadata object: the `system:*` keys and `provided_tags` (sorted, so the same host
    /// always reports the same JSON).
    public static func dynamicMetadata(
        workerType: WorkerType, host: HostFacts, registry: TaskRegistry, extraTags: [String] = []
    ) -> [String: JSONValue] {
        let tags = providedTags(workerType: workerType, host: host, registry: registry, extraTags: extraTags)
        return [
            "system:cpu_count": .int(host.cpuCount),
            "system:total_physical_memory": .int(Int(clamping: host.totalPhysicalMemory)),
            "system:worker_type": .string(workerType.rawValue),
            "system:worker_version": .string(workerVersion),
            "system:native_architecture": .string(host.nativeArchitecture),
            "system:architectures": .array(host.architectures.map(JSONValue.string)),
            "provided_tags": .array(tags.sorted().map(JSONValue.string)),
        ]
    }

}
