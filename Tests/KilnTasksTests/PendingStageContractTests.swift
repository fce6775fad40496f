import KilnCore
import KilnTasks
import Testing

/// Sample valid data for one registered task, with what its subject and context must be.
struct TaskSample: Sendable, CustomTestStringConvertible {
    let type: TaskType
    let name: String
    let data: JSONValue
    let subject: String?
    let context: String?

    var testDescription: String { "\(type.rawValue):\(name)" }
}

@Suite("Contract (Debusine `DBTask.compute_scheduler_tags`): configuration subject/context and tags need only Stage.pending fields")
struct PendingStageContractTests {
    static let env: JSONValue = "debian/match:codename=sid"
    static let samples: [TaskSample] = [
        TaskSample(type: .worker, name: "noop", data: [:], subject: nil, context: nil),
        TaskSample(
            type: .worker,
            name: "sbuild",
            data: ["input": ["source_artifact": 1], "environment": env],
            subject: "hello",
            context: "sid"
        ),
        TaskSample(
            type: .worker,
            name: "lintian",
            data: ["input": ["source_artifact": 1], "environment": env],
            subject: "hello",
            context: "sid"
        ),
        TaskSample(
            type: .worker,
            name: "autopkgtest",
            data: ["input": ["source_artifact": 1, "binary_artifacts": [2]], "environment": env],
            subject: "hello",
            context: "sid"
        ),
        TaskSample(
            type: .worker,
            name: "mmdebstrap",
            data: [
                "bootstrap_options": ["architecture": "amd64"],
                "bootstrap_repositories": [["mirror": "http://deb.debian.org/debian", "suite": "trixie"]],
            ],
            // Debusine `test_mmdebstrap.py` `test_get_subject` / `test_get_configuration_context`.
            subject: "trixie",
            context: "amd64"
        ),
        TaskSample(
            type: .signing,
            name: "debsign",
            data: ["unsigned": 6, "key": "ABC123"],
            subject: nil,
            context: nil
        ),
        TaskSample(
            type: .worker, name: "blhc", data: ["input": ["artifact": 30], "environment": env, "build_architecture": "amd64"],
            subject: "hello", context: nil),
        TaskSample(
            type: .worker, name: "debdiff",
            data: ["input": ["source_artifacts": [1, 33]], "environment": env, "build_architecture": "amd64"],
            subject: "source:hello", context: nil),
        TaskSample(
            type: .worker, name: "piuparts",
            data: ["input": ["binary_artifacts": [2]], "base_tgz": 3, "environment": env], subject: "hello",
            context: "sid"),
        TaskSample(
            type: .worker, name: "makesourcepackageupload", data: ["input": ["source_artifact": 1], "environment": env],
            subject: "hello", context: nil),
        TaskSample(type: .worker, name: "mergeuploads", data: ["input": ["uploads": [34]]], subject: "hello", context: nil),
        TaskSample(
            type: .worker, name: "extractforsigning",
            data: ["input": ["template_artifact": 2, "binary_artifacts": [2]], "environment": env], subject: "hello",
            context: nil),
        TaskSample(
            type: .worker, name: "assemblesignedsource", data: ["template": 2, "signed": [5], "environment": env],
            subject: "hello", context: nil),
        TaskSample(type: .signing, name: "noop", data: [:], subject: nil, context: nil),
        TaskSample(
            type: .signing, name: "sign", data: ["purpose": "uefi", "unsigned": [2], "key": "ABC"], subject: nil,
            context: nil),
        TaskSample(
            type: .signing, name: "generatekey", data: ["purpose": "openpgp", "description": "k"], subject: nil,
            context: nil),
        TaskSample(
            type: .signing, name: "signrepositoryindex",
            data: ["suite_collection": 10, "unsigned": 2, "mode": "clear", "signed_name": "InRelease"], subject: nil,
            context: nil),
        TaskSample(type: .server, name: "servernoop", data: [:], subject: nil, context: nil),
        TaskSample(type: .internal, name: "synchronization_point", data: [:], subject: nil, context: nil),
        TaskSample(
            type: .wait,
            name: "delay",
            data: ["delay_until": "2026-01-01T00:00:00Z"],
            subject: nil,
            context: nil
        ),
    ]

    @Test("subject, context and scheduler tags computed after resolving Stage.pending only", arguments: samples)
    func pendingIsEnough(_ sample: TaskSample) throws {
        let task = try resolvedDBTask(
            sample.type, sample.name, sample.data, stage: .pending, lookups: PackageTaskFixtures.lookups())
        #expect(
            try task.getTaskConfigurationSubjectContext()
                == TaskConfigurationSubjectContext(subject: sample.subject, context: sample.context)
        )
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(tags.provided.allTags.isSuperset(of: ["task:scope:debian", "task:workspace:debian:developers"]))
        #expect(!tags.required.isEmpty)
        let pendingNames = Set(task.inputs.fields.filter { $0.stage == .pending }.map(\.name))
        #expect(Set(task.inputs.values.keys) == pendingNames, "nothing of stage running was resolved")
        #expect(pendingNames.contains("task_configuration"), "every DBTask has the task-configuration field")
    }

    @Test("the environment lookup asks for the image format of a VM backend")
    func vmBackendAsksForImages() throws {
        let lookups = Fixtures.lookups()
        let data: JSONValue = ["input": ["source_artifact": 1], "environment": Self.env, "backend": "incus-vm"]
        _ = try resolvedDBTask(.worker, "sbuild", data, stage: .running, lookups: lookups)
        #expect(lookups.environmentCalls.map(\.format) == ["image"])
        #expect(lookups.environmentCalls.map(\.backend) == ["incus-vm"])
        #expect(lookups.environmentCalls.map(\.taskName) == ["sbuild"])
    }
}
