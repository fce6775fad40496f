import KilnCore
import Testing

/// The worked examples of deploy/docs/tags.md at the tag level: candidate sets built by hand with the ontology
/// builders, run through the same set construction and matching the services use.
@Suite("Worked examples of deploy/docs/tags.md")
struct WorkedExamplesTests {
    /// The candidates an sbuild work request in `debian/developers` proposes (Debusine's `compute_scheduler_tags`, by
    /// hand).
    static func sbuild(source: String, architecture: String = "amd64", version: Int = 1, groups: [String] = ["Debian"])
        -> (provided: CandidateTags, required: CandidateTags)
    {
        let provided = CandidateTags([
            .system: Set([
                TagOntology.taskScope("debian"), TagOntology.taskWorkspace(scope: "debian", workspace: "developers"),
                TagOntology.taskSourcePackage(source),
            ] + groups.map { TagOntology.taskGroup(scope: "debian", workspace: nil, group: $0) }),
        ])
        let required = CandidateTags([
            .system: [
                TagOntology.workerType(.external), TagOntology.workerTask(type: .worker, name: "sbuild", version: version),
                TagOntology.executor("unshare"), TagOntology.buildArch(architecture), TagOntology.capability("sbuild"),
            ],
        ])
        return (provided, required)
    }

    /// What an external worker reports dynamically (Debusine `Worker._get_provided_tags`), for a host of
    /// `architectures`.
    static func externalWorker(
        architectures: [String], sbuildVersion: Int = 1, staticProvided: [String] = [], staticRequired: [String] = [],
        extraDynamic: [String] = []
    ) -> WorkerTagSets {
        let dynamic = [TagOntology.workerType(.external), TagOntology.executor("unshare"),
                       TagOntology.workerTask(type: .worker, name: "sbuild", version: sbuildVersion),
                       TagOntology.capability("sbuild")] + architectures.map(TagOntology.buildArch) + extraDynamic
        return WorkerTagComputation.compute(WorkerTagInputs(
            workerType: .external, staticProvidedTags: staticProvided, staticRequiredTags: staticRequired,
            dynamicProvidedTags: dynamic))
    }

    /// Configures a task with `entries` and returns its final sets.
    static func configuredSets(
        source: String, groups: [String] = ["Debian"], entries: [JSONValue]
    ) throws -> TaskTagSets {
        let candidates = sbuild(source: source, groups: groups)
        let early = TaskTagComputation.earlySets(provided: candidates.provided, required: candidates.required)
        let query = TaskConfigurationQuery(
            taskType: .worker, taskName: "sbuild", subject: source, context: "sid",
            earlyProvided: early.provided.set, earlyRequired: early.required.set)
        let items = entries.enumerated().map { TaskConfigurationItem(id: $0.offset + 1, data: $0.element) }
        let configured = try TaskConfigurator.configure(
            TaskConfigurationRequest(query: query, items: items, collectionID: 7, taskData: [:]))
        return TaskTagComputation.finalSets(
            provided: candidates.provided, required: candidates.required,
            configurationProvides: configured.provideTags, configurationRequires: configured.requireTags)
    }

    @Test("example 1: plain sbuild runs on the amd64 worker, not on the arm64 one")
    func example1() throws {
        let task = try Self.configuredSets(source: "hello", entries: [])
        #expect(task.provided.tags == [
            "task:group:debian::Debian", "task:scope:debian", "task:source-package:hello",
            "task:workspace:debian:developers",
        ])
        #expect(task.required.tags == [
            "worker:build-arch:amd64", "worker:cap:sbuild", "worker:executor:unshare",
            "worker:task:worker:sbuild:version:1", "worker:type:external",
        ])
        let workerA = Self.externalWorker(architectures: ["amd64", "i386"])
        #expect(workerA.required.tags.isEmpty)
        #expect(TagMatching.taskCanRun(task.scheduling, on: workerA.scheduling))
        let workerB = Self.externalWorker(architectures: ["arm64"])
        #expect(!TagMatching.taskCanRun(task.scheduling, on: workerB.scheduling))
        #expect(TagMatching.explain(task.scheduling, on: workerB.scheduling).tagsWorkerLacks == ["worker:build-arch:amd64"])
    }

    static let largeEntry: JSONValue = [
        "task_type": "Worker", "task_name": "sbuild", "subject": "libreoffice",
        "require_tags": [.string(TagOntology.workerClass("large"))],
    ]

    @Test("example 2: a configuration entry sends libreoffice builds to large workers only")
    func example2() throws {
        let libreoffice = try Self.configuredSets(source: "libreoffice", entries: [Self.largeEntry])
        let hello = try Self.configuredSets(source: "hello", entries: [Self.largeEntry])
        #expect(libreoffice.required.tags.contains("worker:class:large"))
        #expect(libreoffice.required.audit.contains(
            TagAuditEntry(tag: "worker:class:large", provenance: .workspace, outcome: .added)))
        #expect(!hello.required.tags.contains("worker:class:large"))

        let big = Self.externalWorker(architectures: ["amd64"], staticProvided: [TagOntology.workerClass("large")])
        let small = Self.externalWorker(architectures: ["amd64"])
        #expect(TagMatching.taskCanRun(libreoffice.scheduling, on: big.scheduling))
        #expect(!TagMatching.taskCanRun(libreoffice.scheduling, on: small.scheduling))
        #expect(TagMatching.taskCanRun(hello.scheduling, on: small.scheduling))
    }

    @Test("example 3: a worker claiming worker:class:large itself does not get those builds")
    func example3() throws {
        let libreoffice = try Self.configuredSets(source: "libreoffice", entries: [Self.largeEntry])
        let forger = Self.externalWorker(architectures: ["amd64"], extraDynamic: [TagOntology.workerClass("large")])
        #expect(!forger.provided.tags.contains("worker:class:large"))
        // Its self-reported worker:type: is dropped too; the system one is what the set keeps.
        #expect(forger.provided.dropped.map(\.tag) == ["worker:class:large", "worker:type:external"])
        #expect(forger.provided.tags.contains("worker:type:external"))
        #expect(!TagMatching.taskCanRun(libreoffice.scheduling, on: forger.scheduling))
    }

    @Test("example 4: a dedicated pool takes only its scope's work, which a workspace cannot forge")
    func example4() throws {
        let pool = Self.externalWorker(architectures: ["amd64"], staticRequired: [TagOntology.taskScope("acme")])
        let debian = try Self.configuredSets(source: "hello", entries: [])
        #expect(!TagMatching.taskCanRun(debian.scheduling, on: pool.scheduling))

        let forging = try Self.configuredSets(source: "hello", entries: [[
            "task_type": "Worker", "task_name": "sbuild", "provide_tags": [.string(TagOntology.taskScope("acme"))],
        ]])
        #expect(!forging.provided.tags.contains("task:scope:acme"))
        #expect(!TagMatching.taskCanRun(forging.scheduling, on: pool.scheduling))

        var acme = Self.sbuild(source: "hello").provided
        acme.add(.system, [TagOntology.taskScope("acme")])
        let acmeSets = TaskTagComputation.finalSets(
            provided: acme, required: Self.sbuild(source: "hello").required, configurationProvides: [],
            configurationRequires: [])
        #expect(TagMatching.taskCanRun(acmeSets.scheduling, on: pool.scheduling))
    }

    @Test("example 5: official workers take only work created by Debian members")
    func example5() throws {
        let official = Self.externalWorker(
            architectures: ["amd64"], staticRequired: [TagOntology.taskGroup(scope: "debian", workspace: nil, group: "Debian")])
        let member = try Self.configuredSets(source: "hello", groups: ["Debian", "Members"], entries: [])
        let outsider = try Self.configuredSets(source: "hello", groups: ["Members"], entries: [])
        #expect(TagMatching.taskCanRun(member.scheduling, on: official.scheduling))
        #expect(!TagMatching.taskCanRun(outsider.scheduling, on: official.scheduling))
        #expect(TagMatching.explain(outsider.scheduling, on: official.scheduling).tagsTaskLacks == ["task:group:debian::Debian"])
    }

    @Test("example 6: one entry filtered by a tag expression configures two packages")
    func example6() throws {
        let entry: JSONValue = [
            "task_type": "Worker", "task_name": "sbuild",
            "tags_provided": "task:source-package:linux or task:source-package:libreoffice",
            "require_tags": [.string(TagOntology.workerClass("large"))],
        ]
        for source in ["linux", "libreoffice"] {
            #expect(try Self.configuredSets(source: source, entries: [entry]).required.tags.contains("worker:class:large"))
        }
        #expect(try !Self.configuredSets(source: "hello", entries: [entry]).required.tags.contains("worker:class:large"))
    }

    @Test("example 7: version skew between server and worker prevents a match")
    func example7() {
        let candidates = Self.sbuild(source: "hello", version: 2)
        let task = TaskTagComputation.finalSets(
            provided: candidates.provided, required: candidates.required, configurationProvides: [],
            configurationRequires: [])
        let oldWorker = Self.externalWorker(architectures: ["amd64"], sbuildVersion: 1)
        #expect(!TagMatching.taskCanRun(task.scheduling, on: oldWorker.scheduling))
        #expect(TagMatching.explain(task.scheduling, on: oldWorker.scheduling).tagsWorkerLacks
            == ["worker:task:worker:sbuild:version:2"])
    }
}
