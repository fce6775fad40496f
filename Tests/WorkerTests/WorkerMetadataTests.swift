import KilnCore
import KilnTasks
import KilnWorker
import Testing

@Suite("kiln-worker dynamic metadata and provided tags")
struct WorkerMetadataTests {
    static func host(commands: Set<String>, executors: Set<ExecutorBackend> = [.unshare]) -> HostFacts {
        HostFacts(
            cpuCount: 4, totalPhysicalMemory: 8_000_000_000, nativeArchitecture: "amd64",
            architectures: ["amd64", "i386"],
            capabilities: WorkerHostCapabilities(installedCommands: commands, availableExecutors: executors))
    }

    @Test("an external worker without sbuild reports type, build-arch, executor and task tags but no sbuild capability (Debusine `Worker._get_provided_tags`)")
    func externalWithoutSbuild() throws {
        let tags = WorkerMetadata.providedTags(
            workerType: .external, host: Self.host(commands: ["unshare", "dpkg"]), registry: try KilnTasks.registry())
        #expect(tags.contains("worker:type:external"))
        #expect(tags.isSuperset(of: ["worker:build-arch:amd64", "worker:build-arch:i386", "worker:executor:unshare"]))
        #expect(tags.contains("worker:task:worker:noop:version:1"))
        #expect(tags.contains("worker:task:worker:sbuild:version:1"))
        #expect(!tags.contains("worker:cap:sbuild"))
        #expect(tags.filter { $0.hasPrefix("worker:cap:") }.isEmpty)
        // Signing tasks belong to signing workers only.
        #expect(!tags.contains { $0.hasPrefix("worker:task:signing:") })
    }

    @Test("sbuild on PATH adds worker:cap:sbuild, and only that capability (Debusine `Sbuild.get_provided_worker_tags`)")
    func externalWithSbuild() throws {
        let registry = try KilnTasks.registry()
        let host = Self.host(commands: ["sbuild", "unshare"])
        let tags = WorkerMetadata.providedTags(workerType: .external, host: host, registry: registry)
        #expect(tags.filter { $0.hasPrefix("worker:cap:") } == ["worker:cap:sbuild"])
    }

    @Test("a worker advertises only the tasks it executes: noop alone without a file store, the runners' with one")
    func onlyExecutableTasks() throws {
        let registry = try KilnTasks.registry()
        let host = Self.host(commands: ["sbuild", "unshare", "autopkgtest", "mmdebstrap"])
        let noopOnly = WorkerMetadata.providedTags(
            workerType: .external, host: host, registry: registry.restricted(toNames: [NoopTask.taskName]))
        #expect(noopOnly.filter { $0.hasPrefix("worker:task:") } == ["worker:task:worker:noop:version:1"])
        #expect(noopOnly.filter { $0.hasPrefix("worker:cap:") }.isEmpty)
        let running = WorkerMetadata.providedTags(
            workerType: .external, host: host, registry: registry.restricted(toNames: WorkerTaskRunners.executable))
        #expect(running.contains("worker:task:worker:sbuild:version:1"))
        #expect(running.contains("worker:task:worker:lintian:version:1"))
        #expect(running.contains("worker:cap:sbuild"))
        #expect(!running.contains { $0.hasPrefix("worker:task:worker:piuparts") })
    }

    @Test("no available executor, no executor tag (never worker:executor:auto)")
    func noExecutor() throws {
        let tags = WorkerMetadata.providedTags(
            workerType: .external, host: Self.host(commands: [], executors: [.auto]), registry: try KilnTasks.registry())
        #expect(tags.filter { $0.hasPrefix("worker:executor:") }.isEmpty)
    }

    @Test(
        "a signing worker reports signing and worker task tags, debsign capability only with debsign installed (Debusine `tasks/_task.py` `get_provided_external_worker_tags` walks every registry in the process)"
    )
    func signingWorker() throws {
        let registry = try KilnTasks.registry()
        let without = WorkerMetadata.providedTags(workerType: .signing, host: Self.host(commands: []), registry: registry)
        #expect(without.contains("worker:type:signing"))
        #expect(without.contains("worker:task:signing:debsign:version:1"))
        #expect(!without.contains("worker:cap:debsign"))
        #expect(without.contains("worker:task:worker:noop:version:1"))
        #expect(!without.contains("worker:type:external"))
        let with = WorkerMetadata.providedTags(workerType: .signing, host: Self.host(commands: ["debsign"]), registry: registry)
        #expect(with.contains("worker:cap:debsign"))
    }

    @Test("the dynamic metadata holds the system keys and the sorted provided tags, extra tags included (Debusine `Worker._get_worker_metadata`)")
    func dynamicMetadataKeys() throws {
        let metadata = WorkerMetadata.dynamicMetadata(
            workerType: .external, host: Self.host(commands: []), registry: try KilnTasks.registry(),
            extraTags: ["test:marker", "worker:class:official"])
        #expect(metadata["system:cpu_count"] == .int(4))
        #expect(metadata["system:total_physical_memory"] == .int(8_000_000_000))
        #expect(metadata["system:worker_type"] == .string("external"))
        #expect(metadata["system:worker_version"] == .string(WorkerMetadata.workerVersion))
        #expect(metadata["system:native_architecture"] == .string("amd64"))
        #expect(metadata["system:architectures"] == .array([.string("amd64"), .string("i386")]))
        let tags = try #require(metadata["provided_tags"]?.arrayValue).compactMap(\.stringValue)
        #expect(tags == tags.sorted())
        // The worker reports what the operator configured; the server's provenance filter drops the restricted one.
        #expect(tags.contains("test:marker"))
        #expect(tags.contains("worker:class:official"))
    }

    @Test("routing keys carry the configured prefix")
    func routingKeys() {
        #expect(GatewayRouting().routingKey(for: .hello) == "worker.hello")
        #expect(GatewayRouting(prefix: "t-1").routingKey(for: .result) == "t-1.result")
        #expect(GatewayRouting(prefix: "t-1").routingKey(for: .metadata) == "t-1.metadata-update")
    }
}
