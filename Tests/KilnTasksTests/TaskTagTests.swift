import KilnCore
import KilnTasks
import KilnTestSupport
import Testing

/// Builds the DBTask view through the registry and resolves the given stage, as the services do.
func resolvedDBTask(
    _ type: TaskType,
    _ name: String,
    _ data: JSONValue,
    stage: Stage = .pending,
    lookups: RecordingLookupResolver = Fixtures.lookups(),
    fallback: String = "amd64",
    fqdn: String = InputResolutionSettings.defaultFQDN
) throws -> any DBTask {
    var task = try KilnTasks.registry().makeDBTask(type: type, name: name, taskData: data)
    try task.resolveInputs(
        stage: stage,
        lookups: lookups,
        context: Fixtures.context,
        settings: try InputResolutionSettings(fallbackArchitecture: fallback, fqdn: fqdn)
    )
    return task
}

@Suite("Tags each Kiln task contributes (Debusine `compute_scheduler_tags`, `get_provided_worker_tags`)")
struct TaskTagTests {
    static let sbuildData: JSONValue = [
        "input": ["source_artifact": 1], "environment": "debian/match:codename=sid", "backend": "auto",
    ]

    @Test("plain sbuild of hello on amd64 in debian/developers by a Debian member (deploy/docs/tags.md, worked example 1)")
    func plainSbuild() throws {
        let task = try resolvedDBTask(.worker, "sbuild", Self.sbuildData)
        let candidates = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(
            candidates.provided.allTags == [
                "task:scope:debian", "task:workspace:debian:developers", "task:group:debian::Debian",
                "task:source-package:hello",
            ]
        )
        #expect(
            candidates.required.allTags == [
                "worker:type:external", "worker:task:worker:sbuild:version:1", "worker:executor:unshare",
                "worker:build-arch:amd64", "worker:cap:sbuild",
            ]
        )
        #expect(Set(candidates.provided.byProvenance.keys) == [.system])
        #expect(Set(candidates.required.byProvenance.keys) == [.system])

        // Worker A (amd64, sbuild installed, unshare available) provides every required tag: the registry's
        // task tags, its executor tags, and the two facts the server adds (type, build architecture).
        let host = WorkerHostCapabilities(installedCommands: ["sbuild"], availableExecutors: [.unshare])
        let workerA = try KilnTasks.registry().providedWorkerTags(for: [.worker], host: host)
            .union(host.executorTags).union(["worker:type:external", "worker:build-arch:amd64"])
        #expect(candidates.required.allTags.isSubset(of: workerA))
        let workerB = workerA.subtracting(["worker:build-arch:amd64"]).union(["worker:build-arch:arm64"])
        #expect(!candidates.required.allTags.isSubset(of: workerB))
    }

    @Test("the version tag is the task's TASK_VERSION (deploy/docs/tags.md, worked example 7)")
    func versionTag() throws {
        let task = try resolvedDBTask(.worker, "sbuild", Self.sbuildData)
        #expect(
            try task.computeSystemRequiredTags().contains(
                TagOntology.workerTask(type: .worker, name: "sbuild", version: SbuildTask.taskVersion)
            )
        )
    }

    @Test("an explicit backend and build architecture become the executor and build-arch tags (Debusine `BaseTaskWithExecutor.compute_scheduler_tags`)")
    func explicitBackendAndArchitecture() throws {
        let data = try Self.sbuildData.setting("incus-vm", atPath: "backend").setting(
            "arm64",
            atPath: "build_architecture"
        )
        let required = try resolvedDBTask(.worker, "sbuild", data).computeSystemRequiredTags()
        #expect(required.contains("worker:executor:incus-vm"))
        #expect(required.contains("worker:build-arch:arm64"))
        #expect(!required.contains("worker:build-arch:amd64"))
    }

    @Test("with no build_architecture the server fallback decides the build-arch tag (Debusine `BuildArchitectureInput`)")
    func fallbackDecidesTag() throws {
        let lookups = Fixtures.lookups()
        let required = try resolvedDBTask(.worker, "sbuild", Self.sbuildData, lookups: lookups, fallback: "arm64")
            .computeSystemRequiredTags()
        #expect(required.contains("worker:build-arch:arm64"))
        #expect(lookups.environmentCalls.map(\.architecture) == ["arm64"])
    }

    @Test("lintian requires executor and build-arch (no capability); binaries alone provide no source package")
    func lintianTags() throws {
        let task = try resolvedDBTask(
            .worker,
            "lintian",
            ["input": ["binary_artifacts": [2]], "environment": "debian/match:codename=sid"]
        )
        let candidates = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(
            candidates.required.allTags == [
                "worker:type:external", "worker:task:worker:lintian:version:1", "worker:executor:unshare",
                "worker:build-arch:amd64",
            ]
        )
        // Debusine's `Lintian.compute_scheduler_tags` adds `task:source-package:` only for a source artifact
        // (Kiln used to add it from the binaries' `srcpkg_name` too); the subject still comes from them.
        #expect(!candidates.provided.allTags.contains { $0.hasPrefix("task:source-package:") })
        #expect(try task.getTaskConfigurationSubjectContext().subject == "hello")
    }

    @Test("autopkgtest requires worker:cap:autopkgtest and provides its source package (Debusine `Autopkgtest.compute_scheduler_tags`)")
    func autopkgtestTags() throws {
        let task = try resolvedDBTask(
            .worker,
            "autopkgtest",
            [
                "input": ["source_artifact": 1, "binary_artifacts": [2]], "environment": "debian/match:codename=sid",
                "backend": "unshare",
            ]
        )
        let candidates = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(
            candidates.required.allTags == [
                "worker:type:external", "worker:task:worker:autopkgtest:version:1", "worker:executor:unshare",
                "worker:build-arch:amd64", "worker:cap:autopkgtest",
            ]
        )
        #expect(candidates.provided.allTags.contains("task:source-package:hello"))
        #expect(
            try task.getTaskConfigurationSubjectContext()
                == TaskConfigurationSubjectContext(subject: "hello", context: "sid")
        )
    }

    /// Debusine `tasks/tests/test_mmdebstrap.py` `MmDebstrapTests::test_compute_scheduler_tags`, `test_get_subject`,
    /// `test_get_configuration_context`: no executor tag (Kiln used to require `worker:executor:unshare`), the
    /// subject is the first suite and the context the architecture (Kiln had the suite as context).
    @Test("mmdebstrap requires worker:cap:mmdebstrap and the architecture it bootstraps, no executor")
    func mmdebstrapTags() throws {
        let data: JSONValue = [
            "bootstrap_options": ["architecture": "arm64", "variant": "minbase"],
            "bootstrap_repositories": [
                ["mirror": "http://deb.debian.org/debian", "suite": "bookworm", "components": ["main"]]
            ],
        ]
        let task = try resolvedDBTask(.worker, "mmdebstrap", data)
        let candidates = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(
            candidates.required.allTags == [
                "worker:type:external", "worker:task:worker:mmdebstrap:version:1", "worker:build-arch:arm64",
                "worker:cap:mmdebstrap",
            ]
        )
        #expect(!candidates.provided.allTags.contains { $0.hasPrefix("task:source-package:") })
        #expect(
            try task.getTaskConfigurationSubjectContext()
                == TaskConfigurationSubjectContext(subject: "bookworm", context: "arm64")
        )
    }

    @Test("debsign runs on signing workers that have debsign; it has no subject (Debusine `signing/tasks/tests/test_debsign.py` `test_compute_scheduler_tags`, `test_get_subject`)")
    func debsignTags() throws {
        let task = try resolvedDBTask(
            .signing,
            "debsign",
            ["unsigned": 6, "key": .string(String(repeating: "AB12", count: 10))]
        )
        let candidates = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(
            candidates.required.allTags == [
                "worker:type:signing", "worker:task:signing:debsign:version:1", "worker:cap:debsign",
            ]
        )
        #expect(try task.getTaskConfigurationSubjectContext() == TaskConfigurationSubjectContext(subject: nil, context: nil))
        #expect(Set(candidates.provided.allTags.filter { $0.hasPrefix("task:source-package:") }).isEmpty)
    }

    @Test("servernoop requires the Celery worker; synchronization_point and delay are not assignable (Debusine `DBTask.compute_scheduler_tags`)")
    func dbTaskTags() throws {
        let server = try resolvedDBTask(.server, "servernoop", [:]).computeSchedulerTags(
            for: Fixtures.developersWorkRequest
        )
        #expect(server.required.allTags == ["worker:type:celery", "worker:task:server:servernoop:version:1"])
        #expect(
            server.provided.allTags == [
                "task:scope:debian", "task:workspace:debian:developers", "task:group:debian::Debian",
            ]
        )
        for (type, name, data) in [
            (TaskType.internal, "synchronization_point", JSONValue.object([:])),
            (.wait, "delay", ["delay_until": "2026-11-29T10:00:00Z"]),
        ] {
            let tags = try resolvedDBTask(type, name, data).computeSchedulerTags(for: Fixtures.developersWorkRequest)
            #expect(tags.required.allTags == ["worker:type:not-assignable"], "\(name)")
        }
    }

    @Test("worker-provided tags advertise only capabilities the host really has (Debusine `Sbuild.get_provided_worker_tags`)")
    func providedWorkerTags() throws {
        let registry = try KilnTasks.registry()
        let host = WorkerHostCapabilities(
            installedCommands: ["sbuild", "debsign"],
            availableExecutors: [.unshare, .auto]
        )
        #expect(
            registry.providedWorkerTags(for: [.worker], host: host) == [
                "worker:task:worker:noop:version:1", "worker:task:worker:sbuild:version:1",
                "worker:task:worker:lintian:version:1", "worker:task:worker:autopkgtest:version:1",
                "worker:task:worker:mmdebstrap:version:1", "worker:cap:sbuild",
                "worker:task:worker:blhc:version:1", "worker:task:worker:debdiff:version:1",
                "worker:task:worker:piuparts:version:1", "worker:task:worker:makesourcepackageupload:version:1",
                "worker:task:worker:mergeuploads:version:1", "worker:task:worker:extractforsigning:version:1",
                "worker:task:worker:assemblesignedsource:version:1",
                "worker:task:worker:simplesystemimagebuild:version:1",
            ]
        )
        #expect(
            registry.providedWorkerTags(for: [.signing], host: host) == [
                "worker:task:signing:debsign:version:1", "worker:cap:debsign",
                "worker:task:signing:noop:version:1", "worker:task:signing:sign:version:1",
                "worker:task:signing:generatekey:version:1", "worker:task:signing:signrepositoryindex:version:1",
            ]
        )
        #expect(
            registry.providedWorkerTags(for: [.server], host: host) == [
                "worker:task:server:servernoop:version:1", "worker:task:server:aptmirror:version:1",
                "worker:task:server:copycollectionitems:version:1",
                "worker:task:server:create_child_workspace:version:1",
                "worker:task:server:generatesuiteindexes:version:1", "worker:task:server:packageupload:version:1",
            ])
        #expect(host.executorTags == ["worker:executor:unshare"], "auto is never a tag")
    }
}
