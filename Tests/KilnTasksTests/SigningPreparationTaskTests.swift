import KilnCore
import KilnTasks
import KilnTestSupport
import Testing

/// `extractforsigning` and `assemblesignedsource`, the worker tasks around signing, as Debusine's
/// `tasks/extract_for_signing.py` and `tasks/assemble_signed_source.py` schedule and configure them.
@Suite("extractforsigning and assemblesignedsource follow Debusine")
struct SigningPreparationTaskTests {
    static let env: JSONValue = "debian/match:codename=sid"

    /// Debusine `tasks/tests/test_extract_for_signing.py` `test_compute_scheduler_tags`, `test_get_subject`,
    /// `test_get_configuration_context`, `test_compute_dynamic_data`.
    @Test("extractforsigning: executor tags only, the template's package as subject")
    func extractForSigning() throws {
        let data: JSONValue = [
            "input": ["template_artifact": 2, "binary_artifacts": [2, .int(PackageTaskFixtures.newHelloBinary)]],
            "environment": Self.env,
        ]
        let task = try PackageTaskFixtures.task("extractforsigning", data)
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(
            tags.required.allTags == [
                "worker:type:external", "worker:task:worker:extractforsigning:version:1", "worker:executor:unshare",
                "worker:build-arch:amd64",
            ]
        )
        #expect(!tags.provided.allTags.contains { $0.hasPrefix("task:source-package:") })
        #expect(
            try task.getTaskConfigurationSubjectContext()
                == TaskConfigurationSubjectContext(subject: "hello", context: nil)
        )
        let dynamic = try PackageTaskFixtures.task("extractforsigning", data, stage: .running).computeDynamicData()
        #expect(dynamic.parameterSummary == "hello_1.0-1 (amd64)")
        #expect(dynamic.extra["input_template_artifact_id"] == 2)
        // No context is set (`ExtractForSigning.compute_dynamic_data`); stored with `exclude_unset`, no keys.
        #expect(Set((dynamic.json.objectValue ?? [:]).keys).isDisjoint(with: ["configuration_context", "runtime_context"]))
        #expect(dynamic.extra["input_binary_artifacts_ids"] == [2, .int(PackageTaskFixtures.newHelloBinary)])
    }

    /// Debusine `artifacts/models.py` `get_binary_package_name` reads `deb_fields.get("Package")`, which the summary's
    /// f-string writes as `None` when the template names no package.
    @Test("a template without a Package field: the summary says None, the subject is null")
    func templateWithoutPackage() throws {
        let unnamed = JSONValue.int(PackageTaskFixtures.unnamedBinary)
        let extract: JSONValue = [
            "input": ["template_artifact": unnamed, "binary_artifacts": [unnamed]], "environment": Self.env,
        ]
        let extracted = try PackageTaskFixtures.task("extractforsigning", extract, stage: .running).computeDynamicData()
        #expect(extracted.parameterSummary == "None_1.0-1 (amd64)")
        #expect(extracted.json.value(atPath: "subject") == .null)
        let assemble: JSONValue = ["template": unnamed, "signed": [5], "environment": Self.env]
        let assembled = try PackageTaskFixtures.task("assemblesignedsource", assemble, stage: .running).computeDynamicData()
        #expect(assembled.parameterSummary == "None_1.0-1 (amd64)")
    }

    /// Debusine `tasks/extract_for_signing.py`: `binary_artifacts = UploadArtifactsInput(...)`, so an upload stands
    /// for the binary packages it `extends`, and those are what the dynamic data lists.
    @Test("extractforsigning: an upload among the binaries is replaced by the binary packages it extends")
    func extractForSigningExpandsUploads() throws {
        let data: JSONValue = [
            "input": [
                "template_artifact": 2,
                "binary_artifacts": [.int(PackageTaskFixtures.helloUpload), .int(PackageTaskFixtures.newHelloBinary)],
            ],
            "environment": Self.env,
        ]
        let dynamic = try PackageTaskFixtures.task("extractforsigning", data, stage: .running).computeDynamicData()
        #expect(dynamic.extra["input_binary_artifacts_ids"] == [.int(PackageTaskFixtures.newHelloBinary), 2])
        #expect(dynamic.parameterSummary == "hello_1.0-1 (amd64)")
    }

    /// Debusine `tasks/tests/test_assemble_signed_source.py` `test_compute_scheduler_tags`, `test_get_subject`,
    /// `test_get_configuration_context`, `test_compute_dynamic_data`.
    @Test("assemblesignedsource: executor tags only, the template's package as subject")
    func assembleSignedSource() throws {
        let data: JSONValue = ["template": 2, "signed": [5], "environment": Self.env]
        let task = try PackageTaskFixtures.task("assemblesignedsource", data)
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(
            tags.required.allTags == [
                "worker:type:external", "worker:task:worker:assemblesignedsource:version:1",
                "worker:executor:unshare", "worker:build-arch:amd64",
            ]
        )
        #expect(
            try task.getTaskConfigurationSubjectContext()
                == TaskConfigurationSubjectContext(subject: "hello", context: nil)
        )
        let dynamic = try PackageTaskFixtures.task("assemblesignedsource", data, stage: .running).computeDynamicData()
        #expect(dynamic.parameterSummary == "hello_1.0-1 (amd64)")
        #expect(dynamic.extra["template_id"] == 2 && dynamic.extra["signed_ids"] == [5])
        #expect(Set((dynamic.json.objectValue ?? [:]).keys).isDisjoint(with: ["configuration_context", "runtime_context"]))
        // `unsigned = UnsignedMultiInput(field="signed")`: the lintian report relates to no signing input.
        #expect(dynamic.extra["unsigned_ids"] == [])
    }

    /// Debusine `tasks/assemble_signed_source.py` `unsigned = UnsignedMultiInput(field="signed")` and
    /// `AssembleSignedSourceDynamicData.unsigned_ids`: what the signed artifacts were made from.
    @Test("assemblesignedsource: unsigned_ids are the signing inputs and binaries the signed artifacts came from")
    func assembleSignedSourceUnsigned() throws {
        let data: JSONValue = ["template": 2, "signed": [.int(PackageTaskFixtures.helloSigningOutput)], "environment": Self.env]
        let dynamic = try PackageTaskFixtures.task("assemblesignedsource", data, stage: .running).computeDynamicData()
        #expect(dynamic.extra["signed_ids"] == [.int(PackageTaskFixtures.helloSigningOutput)])
        #expect(dynamic.extra["unsigned_ids"] == [2, .int(PackageTaskFixtures.helloSigningInput)])
    }

    /// Debusine's `EnvironmentInput()` without `categories` (extractforsigning, assemblesignedsource, blhc, debdiff,
    /// makesourcepackageupload, piuparts' `environment`) checks nothing of what its lookup found; sbuild's,
    /// autopkgtest's and lintian's declare a system tarball or image.
    @Test("environment: checked against categories only where Debusine's field declares them")
    func environmentCategories() throws {
        let report = TaskFixture.Artifact.lintianReport
        let extract: JSONValue = ["input": ["template_artifact": 2, "binary_artifacts": [2]], "environment": .int(report)]
        let dynamic = try PackageTaskFixtures.task("extractforsigning", extract, stage: .running).computeDynamicData()
        #expect(dynamic.extra["environment_id"] == .int(report))
        let refused = try #require(throws: TaskInputError.self) {
            try PackageTaskFixtures.task("sbuild", ["input": ["source_artifact": 1], "environment": .int(report)])
        }
        #expect(
            "\(refused)".hasSuffix(
                "environment: unexpected artifact category: 'debian:lintian'. Valid categories: "
                    + "['debian:system-image', 'debian:system-tarball']"), "\(refused)")
    }

    /// Debusine `tasks/models.py` `ExtractForSigningData.backend_is_auto` and
    /// `AssembleSignedSourceData.backend_is_auto`.
    @Test("both refuse any backend but auto, with Debusine's message")
    func autoBackendOnly() throws {
        expectTaskDataRefusal(
            "1 validation error for ExtractForSigningData\nbackend\n  Value error, ExtractForSigning only accepts backend \"auto\", not \"unshare\" [type=value_error, input_value='unshare', input_type=str]"
        ) {
            _ = try ExtractForSigningTask.validateData([
                "input": ["template_artifact": 2, "binary_artifacts": [2]], "environment": 1, "backend": "unshare",
            ])
        }
        expectTaskDataRefusal(
            "1 validation error for AssembleSignedSourceData\nbackend\n  Value error, AssembleSignedSource only accepts backend \"auto\", not \"qemu\" [type=value_error, input_value='qemu', input_type=str]"
        ) {
            _ = try AssembleSignedSourceTask.validateData([
                "template": 2, "signed": [5], "environment": 1, "backend": "qemu",
            ])
        }
    }
}
