import AMQP
import Foundation
import KilnCore
import KilnTestSupport
import Testing

/// The worked examples of deploy/docs/tags.md with the real services and real `kiln-worker` processes holding the tags.
/// Worker "A" has an `sbuild` stand-in on its PATH (so it advertises `worker:cap:sbuild`) and `unshare` works on the
/// host (so it advertises `worker:executor:unshare`); its sbuild run then fails at once (the world's source
/// artifacts hold data, no files), which is fine: what is checked is WHO got the work request.
@Suite("End to end: the worked examples of deploy/docs/tags.md", .serialized, .timeLimit(.minutes(3)))
struct WorkedExamplesTests {
    static let example1Required: Set<String> = [
        "worker:type:external", "worker:task:worker:sbuild:version:1", "worker:executor:unshare",
        "worker:build-arch:amd64", "worker:cap:sbuild",
    ]

    /// An amd64 builder the admin marked `worker:class:large` (static metadata).
    static let largeBuilder = WorkerSpec(
        host: "large", withSbuild: true, staticMetadata: ["provided_tags": ["worker:class:large"]])

    /// Submits an amd64 sbuild of `source` and waits until it is finished.
    static func build(_ source: Int, in stack: KilnStack) async throws -> ShownWorkRequest {
        let id = try await stack.cli.submit("sbuild", data: DebianWorld.sbuild(source))
        return try await stack.cli.waitFor(id, "is completed") { $0.isFinished }
    }

    /// The assignment reached `worker`, which ran it (and reported `failure`: the source artifact has no `.dsc`),
    /// and none of `others` ever started it.
    static func expectRanOnlyOn(
        _ worker: StackWorker, _ others: [StackWorker], _ shown: ShownWorkRequest, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(shown.worker == worker.name, "assigned to \(shown.worker ?? "nobody")", sourceLocation: sourceLocation)
        #expect(worker.ran(shown.id), "\(worker.name) never started \(shown.id)", sourceLocation: sourceLocation)
        for other in others {
            #expect(!other.ran(shown.id), "\(other.name) started \(shown.id)", sourceLocation: sourceLocation)
        }
    }

    @Test(
        "example 1: a plain amd64 sbuild of hello runs on worker A (amd64, sbuild, unshare), never on worker B (arm64)",
        .enabled(if: HostCapabilities.unshareUsable, "unshare --user does not work here: no worker can advertise worker:executor:unshare"))
    func example1PlainSbuild() async throws {
        try await KilnStack.with { stack in
            let world = try await DebianWorld.create(in: stack)
            let workerA = try await StackWorker.start(WorkerSpec(host: "worker-a", withSbuild: true), in: stack)
            let workerB = try await StackWorker.start(
                WorkerSpec(host: "worker-b", architectures: ["arm64"], withSbuild: true), in: stack)
            let tagsA = try await stack.cli.worker(workerA.name).providedTags
            #expect(Self.example1Required.isSubset(of: tagsA), "worker A provides \(tagsA)")

            let shown = try await Self.build(world.hello, in: stack)
            #expect(shown.required == Self.example1Required)
            #expect(
                shown.provided.isSuperset(of: [
                    "task:scope:debian", "task:workspace:debian:developers", "task:group:debian::Debian",
                    "task:source-package:hello",
                ]), "TP = \(shown.provided)")
            Self.expectRanOnlyOn(workerA, [workerB], shown)
            #expect(shown.status == "completed" && shown.result == "failure", "\(shown)")
        }
    }

    @Test(
        "example 2: a workspace entry requiring worker:class:large sends libreoffice to the large builder only",
        .enabled(if: HostCapabilities.unshareUsable, "unshare --user does not work here"))
    func example2LargePackages() async throws {
        try await KilnStack.with { stack in
            let world = try await DebianWorld.create(in: stack)
            let plain = try await StackWorker.start(WorkerSpec(host: "plain", withSbuild: true), in: stack)
            let large = try await StackWorker.start(Self.largeBuilder, in: stack)
            #expect(try await stack.cli.worker(large.name).providedTags.contains("worker:class:large"))

            let shown = try await Self.build(world.libreoffice, in: stack)
            let classTag = shown.schedulerTagsRequired.first { $0.tag == "worker:class:large" }
            #expect(classTag?.provenance == "workspace", "TR = \(shown.schedulerTagsRequired)")
            Self.expectRanOnlyOn(large, [plain], shown)
        }
    }

    @Test(
        "example 3: a worker reporting worker:class:large itself has it dropped and never gets the large build",
        .enabled(if: HostCapabilities.unshareUsable, "unshare --user does not work here"))
    func example3ForgedClass() async throws {
        try await KilnStack.with { stack in
            let world = try await DebianWorld.create(in: stack)
            let forger = try await StackWorker.start(
                WorkerSpec(host: "forger", extraTags: ["worker:class:large"], withSbuild: true), in: stack)
            let forgerTags = try await stack.cli.worker(forger.name).providedTags
            #expect(!forgerTags.contains("worker:class:large"), "the admin-only tag was kept: \(forgerTags)")

            let id = try await stack.cli.submit("sbuild", data: DebianWorld.sbuild(world.libreoffice))
            try await stack.cli.waitFor(id, "is pending") { $0.status == "pending" }
            // The forger was ready before the work request became pending; a real large builder arriving
            // later gets it, which shows the forger was passed over rather than not yet asked.
            let large = try await StackWorker.start(Self.largeBuilder, in: stack)
            let shown = try await stack.cli.waitFor(id, "is completed") { $0.isFinished }
            Self.expectRanOnlyOn(large, [forger], shown)
        }
    }

    @Test("example 4: a pool requiring task:scope:acme takes only acme's work; debian's waits for another worker")
    func example4DedicatedWorkers() async throws {
        // noop, not sbuild: the task tags (TP) under test are the same for every task, and noop needs no
        // executor, so this example runs on any host.
        try await KilnStack.with { stack in
            _ = try await DebianWorld.create(in: stack)
            let dedicated = try await StackWorker.start(
                WorkerSpec(host: "acme-pool", staticMetadata: ["required_tags": ["task:scope:acme"]]), in: stack)
            #expect(try await stack.cli.worker(dedicated.name).requiredTags == ["task:scope:acme"])
            let debian = try await stack.cli.submit("noop", data: ["result": "success"])
            try await stack.cli.waitFor(debian, "is pending") { $0.status == "pending" }
            // Submitted later, so behind the debian one in queue order: the pool still takes it first.
            let acme = try await stack.cli.submit("noop", workspace: "acme/builds", data: ["result": "success"])
            let acmeDone = try await stack.cli.waitFor(acme, "is completed") { $0.isFinished }
            #expect(acmeDone.provided.contains("task:scope:acme"))
            #expect(acmeDone.worker == dedicated.name && acmeDone.result == "success")
            #expect(try await stack.cli.show(debian).status == "pending")

            let general = try await StackWorker.start(WorkerSpec(host: "general"), in: stack)
            let debianDone = try await stack.cli.waitFor(debian, "is completed") { $0.isFinished }
            #expect(debianDone.worker == general.name && debianDone.result == "success")
            #expect(!dedicated.ran(debian))
        }
    }

    @Test("example 5: official workers requiring task:group:debian::Debian never run a non-member's work")
    func example5OfficialWorkers() async throws {
        try await KilnStack.with { stack in
            _ = try await DebianWorld.create(in: stack)
            let official = try await StackWorker.start(
                WorkerSpec(host: "official", staticMetadata: ["required_tags": ["task:group:debian::Debian"]]), in: stack)
            let byBob = try await stack.cli.submit("noop", data: ["result": "success"], as: "bob")
            try await stack.cli.waitFor(byBob, "is pending") { $0.status == "pending" }
            let byAlice = try await stack.cli.submit("noop", data: ["result": "success"], as: "alice")
            let aliceDone = try await stack.cli.waitFor(byAlice, "is completed") { $0.isFinished }
            #expect(aliceDone.provided.contains("task:group:debian::Debian"))
            #expect(aliceDone.worker == official.name)
            let bobPending = try await stack.cli.show(byBob)
            #expect(bobPending.status == "pending" && !bobPending.provided.contains("task:group:debian::Debian"))

            let other = try await StackWorker.start(WorkerSpec(host: "other"), in: stack)
            let bobDone = try await stack.cli.waitFor(byBob, "is completed") { $0.isFinished }
            #expect(bobDone.worker == other.name)
            #expect(!official.ran(byBob))
        }
    }

    @Test(
        "example 6: one entry filtered by 'linux or libreoffice' sends linux to the large builder; hello is untouched",
        .enabled(if: HostCapabilities.unshareUsable, "unshare --user does not work here"))
    func example6ConfigurationFilteredByTags() async throws {
        try await KilnStack.with { stack in
            let world = try await DebianWorld.create(in: stack)
            let plain = try await StackWorker.start(WorkerSpec(host: "plain", withSbuild: true), in: stack)
            let large = try await StackWorker.start(Self.largeBuilder, in: stack)
            let linuxDone = try await Self.build(world.linux, in: stack)
            #expect(linuxDone.required.contains("worker:class:large"))
            Self.expectRanOnlyOn(large, [plain], linuxDone)

            let helloDone = try await Self.build(world.hello, in: stack)
            #expect(helloDone.required == Self.example1Required, "the filter must not match hello")
        }
    }

    @Test(
        "example 7: a worker advertising another sbuild task version never gets the build; a current worker does",
        .enabled(if: HostCapabilities.unshareUsable, "unshare --user does not work here"))
    func example7VersionSkew() async throws {
        // One binary cannot be two versions of the worker, and kiln-worker has no way to advertise another
        // task version (KILN_WORKER_EXTRA_TAGS only adds tags: version 1 would still be there). So the skewed
        // worker is played at the protocol level: a real AMQP client on the restricted worker account,
        // pre-created with `kiln worker create`, speaking the real gateway protocol, whose hello advertises
        // everything worker A does but sbuild at version 2 — the skew of worked example 7 (server 2, worker 1)
        // mirrored, since this server's sbuild is version 1.
        try await KilnStack.with { stack in
            let world = try await DebianWorld.create(in: stack)
            let created = try await stack.cli.json(CreatedWorker.self, ["worker", "create", "skewed.e2e.test"], as: "admin")
            let skewed = try await TestWorker(url: stack.broker.workerURL)
            defer { Task { await skewed.stop() } }
            let metadata: [String: JSONValue] = [
                "system:worker_type": "external", "system:architectures": ["amd64"],
                "system:native_architecture": "amd64",
                "provided_tags": [
                    "worker:type:external", "worker:task:worker:sbuild:version:2", "worker:executor:unshare",
                    "worker:build-arch:amd64", "worker:cap:sbuild",
                ],
            ]
            try await skewed.send(
                .hello,
                WorkerHello(
                    token: String(repeating: "7", count: 64), activationToken: created.activationToken,
                    fqdn: "skewed.e2e.test", workerType: .external, queue: try await skewed.queue(), metadata: metadata))
            _ = try await skewed.next(.welcome, as: GatewayWelcome.self, timeout: .seconds(60))
            try await waitUntil("the skewed worker's tags are computed") {
                try await stack.cli.worker(created.name).providedTags.contains("worker:task:worker:sbuild:version:2")
            }

            let id = try await stack.cli.submit("sbuild", data: DebianWorld.sbuild(world.hello))
            try await stack.cli.waitFor(id, "is pending") { $0.status == "pending" }
            #expect(try await stack.cli.show(id).required.contains("worker:task:worker:sbuild:version:1"))
            let explanation = try await stack.cli.json(Explanation.self, ["explain", String(id)])
            let skewedClass = try #require(explanation.workerClasses.first { $0.workers.contains(created.name) })
            #expect(!skewedClass.canRun)
            #expect(skewedClass.tagsWorkerLacks == ["worker:task:worker:sbuild:version:1"])

            let current = try await StackWorker.start(WorkerSpec(host: "current", withSbuild: true), in: stack)
            let shown = try await stack.cli.waitFor(id, "is completed") { $0.isFinished }
            #expect(shown.worker == current.name)
            #expect(await skewed.received.count(type: GatewayMessageKind.assignment.rawValue) == 0)
        }
    }
}

/// The parts of `kiln explain ID --json` the tests read.
struct Explanation: Decodable {
    struct WorkerClass: Decodable {
        let workers: [String]
        let canRun: Bool
        let tagsWorkerLacks: [String]

        enum CodingKeys: String, CodingKey {
            case workers
            case canRun = "can_run"
            case tagsWorkerLacks = "tags_worker_lacks"
        }
    }

    let workerClasses: [WorkerClass]

    enum CodingKeys: String, CodingKey { case workerClasses = "worker_classes" }
}
