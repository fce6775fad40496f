import KilnCore
import KilnTasks
import Testing

/// `mergeuploads` as Debusine's `tasks/mergeuploads.py` schedules and configures it.
@Suite("mergeuploads follows Debusine's MergeUploads")
struct MergeUploadsTaskTests {
    /// Debusine `tasks/tests/test_mergeuploads.py` `test_compute_scheduler_tags`, `test_get_subject`,
    /// `test_compute_dynamic_data`: no executor tags, the upload's source provided and as subject.
    @Test("one source: its tag, subject and summary")
    func oneSource() throws {
        let data: JSONValue = ["input": ["uploads": [.int(PackageTaskFixtures.helloUpload)]]]
        let task = try PackageTaskFixtures.task("mergeuploads", data)
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(tags.required.allTags == ["worker:type:external", "worker:task:worker:mergeuploads:version:1"])
        #expect(tags.provided.allTags.contains("task:source-package:hello"))
        #expect(try task.getTaskConfigurationSubjectContext() == TaskConfigurationSubjectContext(subject: "hello", context: nil))
        let dynamic = try PackageTaskFixtures.task("mergeuploads", data, stage: .running).computeDynamicData()
        #expect(dynamic.subject == "hello" && dynamic.parameterSummary == "hello (amd64)")
        #expect(dynamic.extra == ["input_uploads_ids": [.int(PackageTaskFixtures.helloUpload)]])
    }

    /// Debusine `tasks/tests/test_mergeuploads.py` `test_compute_scheduler_tags_multiple_packages` and
    /// `test_compute_dynamic_data_multiple_packages`: one tag per source, no subject, no summary.
    @Test("several sources: a tag each, no subject")
    func severalSources() throws {
        let data: JSONValue = [
            "input": ["uploads": [.int(PackageTaskFixtures.helloUpload), .int(PackageTaskFixtures.libreofficeUpload)]]
        ]
        let task = try PackageTaskFixtures.task("mergeuploads", data, stage: .running)
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(tags.provided.allTags.isSuperset(of: ["task:source-package:hello", "task:source-package:libreoffice"]))
        let dynamic = try task.computeDynamicData()
        #expect(dynamic.subject == nil && dynamic.parameterSummary == nil)
    }

    /// Debusine `tasks/tests/test_models.py` `MergeUploadsDynamicDataTests.test_input_uploads_ids_reject_duplicates`:
    /// the dynamic data requires each upload once, so a lookup naming one twice fails with pydantic's text (checked
    /// against `MergeUploadsDynamicData(input_uploads_ids=[5, 5])` under pydantic 2.13).
    @Test("the same upload twice: MergeUploadsDynamicData refuses it")
    func duplicateUploads() throws {
        let upload = JSONValue.int(PackageTaskFixtures.helloUpload)
        let task = try PackageTaskFixtures.task("mergeuploads", ["input": ["uploads": [upload, upload]]], stage: .running)
        #expect {
            _ = try task.computeDynamicData()
        } throws: { error in
            let ids = "[\(PackageTaskFixtures.helloUpload), \(PackageTaskFixtures.helloUpload)]"
            return "\(error)"
                == "1 validation error for MergeUploadsDynamicData\ninput_uploads_ids\n  Value error, \(ids) contains "
                + "duplicate items [type=value_error, input_value=\(ids), input_type=list]"
        }
        #expect(
            PipelineFailureCause(PydanticValidationError(model: "M", failures: [])) == .validation(.init(model: "M", failures: [])))
    }

    /// Debusine `tasks/models.py` `MergeUploadsData`: `backend` and `environment` are still accepted, but it
    /// is no `BaseTaskDataWithExecutor`, so `build_architecture` is refused.
    @Test("data: backend and environment accepted, build_architecture refused")
    func data() throws {
        _ = try MergeUploadsTask.validateData(["input": ["uploads": [1]], "backend": "unshare", "environment": 3])
        expectTaskDataRefusal(
            "1 validation error for MergeUploadsData\nbuild_architecture\n  Extra inputs are not permitted [type=extra_forbidden, input_value='amd64', input_type=str]"
        ) { _ = try MergeUploadsTask.validateData(["input": ["uploads": [1]], "build_architecture": "amd64"]) }
    }
}
