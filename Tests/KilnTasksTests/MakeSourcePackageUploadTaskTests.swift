import KilnCore
import KilnTasks
import Testing

/// `makesourcepackageupload` as Debusine's `tasks/makesourcepackageupload.py` schedules and configures it.
@Suite("makesourcepackageupload follows Debusine's MakeSourcePackageUpload")
struct MakeSourcePackageUploadTaskTests {
    static let data: JSONValue = ["input": ["source_artifact": 1], "environment": "debian/match:codename=sid"]

    /// Debusine `tasks/tests/test_makesourcepackageupload.py` `test_compute_scheduler_tags`,
    /// `test_get_subject`, `test_get_configuration_context`.
    @Test("tags: executor and build architecture required, the source provided; subject only")
    func tags() throws {
        let task = try PackageTaskFixtures.task("makesourcepackageupload", Self.data)
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(
            tags.required.allTags == [
                "worker:type:external", "worker:task:worker:makesourcepackageupload:version:1",
                "worker:executor:unshare", "worker:build-arch:amd64",
            ])
        #expect(tags.provided.allTags.contains("task:source-package:hello"))
        #expect(try task.getTaskConfigurationSubjectContext() == TaskConfigurationSubjectContext(subject: "hello", context: nil))
        #expect(!task.inputs.isResolved("environment"), "the environment is a Stage.running field")
    }

    /// Debusine `tasks/tests/test_makesourcepackageupload.py` `test_compute_dynamic_data`.
    @Test("dynamic data: ids and name_version summary")
    func dynamicData() throws {
        let dynamic = try PackageTaskFixtures.task("makesourcepackageupload", Self.data, stage: .running)
            .computeDynamicData()
        #expect(dynamic.subject == "hello" && dynamic.parameterSummary == "hello_1.0-1")
        #expect(dynamic.extra == ["environment_id": 3, "input_source_artifact_id": 1])
        // Every key Debusine stores (`exclude_unset`): no configuration or runtime context.
        #expect(
            Set((dynamic.json.objectValue ?? [:]).keys)
                == ["environment_id", "input_source_artifact_id", "subject", "parameter_summary", "task_input_fields"])
    }

    /// Debusine `tasks/tests/test_makesourcepackageupload.py` `test_configure_fails_with_missing_required_data`
    /// and `MakeSourcePackageUploadData`'s optional fields.
    @Test("data: optional since_version and target_distribution; input required")
    func data() throws {
        let data = try MakeSourcePackageUploadTask.validateData([
            "input": ["source_artifact": 1], "environment": 2, "since_version": "1.0-1",
            "target_distribution": "unstable",
        ])
        #expect(data.sinceVersion == "1.0-1" && data.targetDistribution == "unstable")
        expectTaskDataRefusal(
            "1 validation error for MakeSourcePackageUploadData\ninput\n  Field required [type=missing, input_value={'environment': 2}, input_type=dict]"
        ) { _ = try MakeSourcePackageUploadTask.validateData(["environment": 2]) }
    }
}
