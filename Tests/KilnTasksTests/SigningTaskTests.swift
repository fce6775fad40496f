import KilnCore
import KilnTasks
import Testing

/// The signing tasks Debusine's `signing/tasks/` registers besides `debsign`: `noop`, `sign`,
/// `generatekey`, `signrepositoryindex`.
@Suite("signing noop, sign, generatekey and signrepositoryindex follow Debusine")
struct SigningTaskTests {
    static let base: Set<String> = ["worker:type:signing"]

    /// Debusine `signing/tasks/tests/test_noop.py` `test_compute_scheduler_tags`, `test_get_subject`,
    /// `test_get_provided_worker_tags`, `test_no_additional_properties`; `SigningNoopData.result` defaults to
    /// `failure`.
    @Test("signing noop: base tags, no subject, result a work-request result defaulting to failure")
    func signingNoop() throws {
        let task = try resolvedDBTask(.signing, "noop", ["result": "success"])
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(tags.required.allTags == Self.base.union(["worker:task:signing:noop:version:1"]))
        #expect(try task.getTaskConfigurationSubjectContext() == TaskConfigurationSubjectContext(subject: nil, context: nil))
        #expect(try SigningNoopTask.validateData([:]).result == .failure)
        expectTaskDataRefusal(
            "1 validation error for SigningNoopData\ninput\n  Extra inputs are not permitted [type=extra_forbidden, input_value={}, input_type=dict]"
        ) { _ = try SigningNoopTask.validateData(["input": [:]]) }
        #expect(SigningNoopTask.getProvidedWorkerTags(host: WorkerHostCapabilities()) == ["worker:task:signing:noop:version:1"])
    }

    /// Debusine `signing/tasks/tests/test_sign.py` `test_compute_scheduler_tags_purpose_uefi` and
    /// `test_compute_scheduler_tags_purpose_openpgp`: `worker:cap:sbsign` for UEFI keys only.
    @Test("sign: sbsign required for UEFI keys only", arguments: [("uefi", true), ("openpgp", false)])
    func signTags(purpose: String, needsSbsign: Bool) throws {
        let task = try resolvedDBTask(.signing, "sign", ["purpose": .string(purpose), "unsigned": [2], "key": "ABC"])
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        var expected = Self.base.union(["worker:task:signing:sign:version:1"])
        if needsSbsign { expected.insert("worker:cap:sbsign") }
        #expect(tags.required.allTags == expected)
        #expect(try task.getTaskConfigurationSubjectContext().subject == nil)
    }

    /// Debusine `signing/tasks/tests/test_sign.py` `test_compute_dynamic_data` (`unsigned_ids=[2]`,
    /// `unsigned_binary_package_names=[None]`) and `test_get_provided_worker_tags`.
    @Test("sign: dynamic data and provided tags")
    func signDynamicData() throws {
        let task = try resolvedDBTask(.signing, "sign", ["purpose": "uefi", "unsigned": [2], "key": "ABC"], stage: .running)
        let dynamic = try task.computeDynamicData()
        #expect(dynamic.extra == ["unsigned_ids": [2], "unsigned_binary_package_names": [.null]])
        #expect(
            SignTask.getProvidedWorkerTags(host: WorkerHostCapabilities(installedCommands: ["sbsign"]))
                == ["worker:task:signing:sign:version:1", "worker:cap:sbsign"])
    }

    /// Debusine `signing/tasks/models.py` `SignData.validate_purpose` and `LookupMultiple`.
    @Test("sign: repository keys refused with Debusine's message")
    func signData() throws {
        expectTaskDataRefusal(
            "1 validation error for SignData\npurpose\n  Value error, Key purpose may not be 'openpgp-repository' here (handled by SignRepositoryIndex task instead) [type=value_error, input_value='openpgp-repository', input_type=str]"
        ) { _ = try SignTask.validateData(["purpose": "openpgp-repository", "unsigned": [2], "key": "ABC"]) }
        expectTaskDataRefusal(
            "1 validation error for SignData\npurpose\n  Field required [type=missing, input_value={'key': 'ABC', 'unsigned': [2]}, input_type=dict]"
        ) { _ = try SignTask.validateData(["unsigned": [2], "key": "ABC"]) }
    }

    /// Debusine `signing/tasks/tests/test_generate_key.py` `SAMPLE_TASK_DATA`, `test_compute_scheduler_tags`,
    /// `test_get_subject`; `GenerateKeyData.validate_purpose_and_storage`.
    @Test("generatekey: base tags, no subject, only nacl storage")
    func generateKey() throws {
        let task = try resolvedDBTask(.signing, "generatekey", ["purpose": "uefi", "description": "A UEFI key"])
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(tags.required.allTags == Self.base.union(["worker:task:signing:generatekey:version:1"]))
        #expect(try task.getTaskConfigurationSubjectContext().subject == nil)
        #expect(try GenerateKeyTask.validateData(["purpose": "openpgp", "description": "k"]).storage == "nacl")
        expectTaskDataRefusal(
            "1 validation error for GenerateKeyData\n  Value error, 'uefi' keys may not be generated in 'pkcs11-static' storage [type=value_error, input_value={'description': 'k', 'pur...orage': 'pkcs11-static'}, input_type=dict]"
        ) { _ = try GenerateKeyTask.validateData(["purpose": "uefi", "description": "k", "storage": "pkcs11-static"]) }
    }

    /// Debusine `signing/tasks/tests/test_sign_repository_index.py` `test_compute_scheduler_tags`,
    /// `test_get_subject`, `test_compute_dynamic_data_no_archive_or_signing_keys`;
    /// `SignRepositoryIndexData.validate_mode` and the `signed_name` pattern.
    @Test("signrepositoryindex: base tags, no subject, detached or clear only")
    func signRepositoryIndex() throws {
        let data: JSONValue = [
            "suite_collection": "sid@debian:suite", "unsigned": 2, "mode": "detached", "signed_name": "InRelease",
        ]
        let task = try resolvedDBTask(.signing, "signrepositoryindex", data)
        let tags = try task.computeSchedulerTags(for: Fixtures.developersWorkRequest)
        #expect(tags.required.allTags == Self.base.union(["worker:task:signing:signrepositoryindex:version:1"]))
        #expect(try task.getTaskConfigurationSubjectContext().subject == nil)
        expectTaskDataRefusal(
            "1 validation error for SignRepositoryIndexData\nmode\n  Value error, Signing mode must be 'detached' or 'clear'; got 'attached' [type=value_error, input_value='attached', input_type=str]"
        ) { _ = try SignRepositoryIndexTask.validateData([
                "suite_collection": 10, "unsigned": 2, "mode": "attached", "signed_name": "Release.gpg",
            ]) }
        expectTaskDataRefusal(
            "1 validation error for SignRepositoryIndexData\nsigned_name\n  String should match pattern '^[^/]+$' [type=string_pattern_mismatch, input_value='a/b', input_type=str]"
        ) { _ = try SignRepositoryIndexTask.validateData(["suite_collection": 10, "unsigned": 2, "mode": "clear", "signed_name": "a/b"]) }
    }
}
