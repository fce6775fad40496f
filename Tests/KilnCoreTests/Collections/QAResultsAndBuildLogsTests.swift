@testable import KilnCore
import Testing

/// Debusine's `DebianQAResultsManager` and `DebianPackageBuildLogsManager` (`server/collections/debian_qa_results.py`,
/// `server/collections/debian_package_build_logs.py`), tested in `server/collections/tests/test_debian_qa_results.py`
/// and `test_debian_package_build_logs.py`: names, data, refusals and the work request each item records.
@Suite("debian:qa-results and debian:package-build-logs: names, data and refusals as Debusine's managers")
struct QAResultsAndBuildLogsTests {
    static let qaResults = CollectionRecord(id: 50, name: "_", category: "debian:qa-results", workspaceID: 1)
    static let buildLogs = CollectionRecord(id: 51, name: "_", category: "debian:package-build-logs", workspaceID: 1)
    static let piuparts = CollectionItemWorkRequest(id: 12, taskName: "piuparts", result: .success, workerName: "w-1")
    static let lintianReport = ArtifactRecord(id: 7, category: "debian:lintian", workspaceID: 1)
    static let log = ArtifactRecord(
        id: 8, category: "debian:package-build-log", workspaceID: 1,
        data: ["source": "hello", "version": "1.0-1", "filename": "hello_1.0-1_amd64.buildlog"])

    static let result: [String: JSONValue] = [
        "package": "hello", "version": "1.0-1", "architecture": "amd64", "timestamp": 1_800_000_000, "work_request_id": 12,
    ]

    static func plan(
        _ child: CollectionItemChild, in collection: CollectionRecord, name: String? = nil, replace: Bool = false,
        workRequest: CollectionItemWorkRequest? = piuparts
    ) throws -> CollectionItemPlan {
        try CollectionManagers.manager(for: collection).plan(
            CollectionItemAddition(child: child, name: name, replace: replace, workRequest: workRequest))
    }

    static func needed(_ child: CollectionItemChild, in collection: CollectionRecord, name: String? = nil) throws -> Int? {
        try CollectionManagers.manager(for: collection).workRequestNeeded(
            for: CollectionItemAddition(child: child, name: name))
    }

    static func refusal(_ body: () throws -> Any?) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return (error as? ItemAdditionError)?.message ?? "\(error)"
        }
    }

    @Test("a QA result is a DebianQAResult named TASK_PACKAGE_VERSION_ARCH_ID, task and result from its work request (`test_add_bare_data_different_work_request_ids`, `test_add_artifact_different_work_request_ids`)")
    func qaResultNamesAndData() throws {
        let bare = CollectionItemChild.bare(category: "debian:qa-result", data: Self.result)
        #expect(try Self.needed(bare, in: Self.qaResults) == 12)
        let plan = try Self.plan(bare, in: Self.qaResults)
        #expect(plan.name == "piuparts_hello_1.0-1_amd64_12")
        #expect(plan.data == Self.result.merging(["task_name": "piuparts", "result": "success"]) { $1 })
        #expect(plan.pruning == .qaResults(keepsMostRecent: 5) && plan.replacesChildTypes == [])
        // pydantic's lax integers are dumped as integers.
        var laxly = Self.result
        laxly["timestamp"] = "1800000000"
        laxly["work_request_id"] = "12"
        let lax = try Self.plan(.bare(category: "debian:qa-result", data: laxly), in: Self.qaResults)
        #expect(lax.data["timestamp"] == 1_800_000_000 && lax.data["work_request_id"] == 12)
        #expect(lax.name == "piuparts_hello_1.0-1_amd64_12")
        let artifact = CollectionItemChild.artifact(Self.lintianReport, variables: Self.result)
        let lintian = CollectionItemWorkRequest(id: 12, taskName: "lintian", result: .failure, workerName: nil)
        let artifactPlan = try Self.plan(artifact, in: Self.qaResults, replace: true, workRequest: lintian)
        #expect(artifactPlan.name == "lintian_hello_1.0-1_amd64_12" && artifactPlan.data["result"] == "failure")
        #expect(artifactPlan.replacesChildTypes == [.bare, .artifact])
        #expect(try Self.plan(bare, in: Self.qaResults, replace: true).replacesChildTypes == [.bare])
        let keepingThree = CollectionRecord(
            id: 50, name: "_", category: "debian:qa-results", workspaceID: 1, data: ["old_items_to_keep": 3])
        #expect(try Self.plan(bare, in: keepingThree).pruning == .qaResults(keepsMostRecent: 3))
    }

    @Test("QA results refused: no data or variables, a name, a missing key, a value DebianQAResult refuses, other categories (`test_add_bare_data_no_data`, `…_refuses_name`, `test_add_artifact_no_variables`)")
    func qaResultRefusals() {
        #expect(
            Self.refusal { try Self.needed(.bare(category: "debian:qa-result", data: nil), in: Self.qaResults) }
                == "Adding to debian:qa-results requires data")
        #expect(
            Self.refusal { try Self.needed(.artifact(Self.lintianReport, variables: nil), in: Self.qaResults) }
                == "Adding to debian:qa-results requires variables")
        #expect(
            Self.refusal {
                try Self.needed(.bare(category: "debian:qa-result", data: Self.result), in: Self.qaResults, name: "x")
            } == "Cannot use an explicit item name when adding to debian:qa-results")
        var noTimestamp = Self.result
        noTimestamp["timestamp"] = nil
        #expect(
            Self.refusal { try Self.needed(.bare(category: "debian:qa-result", data: noTimestamp), in: Self.qaResults) }
                == "Adding to debian:qa-results: the data has no 'timestamp'")
        var numeric = Self.result
        numeric["version"] = 1
        #expect(
            Self.refusal { try Self.plan(.bare(category: "debian:qa-result", data: numeric), in: Self.qaResults) }
                == """
                1 validation error for DebianQAResult
                version
                  Input should be a valid string [type=string_type, input_value=1, input_type=int]
                """)
        #expect(
            Self.refusal { try Self.plan(.bare(category: "debian:suite-lintian", data: Self.result), in: Self.qaResults) }
                == "Bare data category \"debian:suite-lintian\" not supported by the collection")
        #expect(
            Self.refusal { try Self.plan(.artifact(Self.log, variables: Self.result), in: Self.qaResults) }
                == "Artifact category \"debian:package-build-log\" not supported by the collection")
    }

    @Test("a build log is named VENDOR_CODENAME_ARCH_SOURCE_VERSION_ID; an artifact's data records its worker (`test_do_add_bare_data_different_work_request_ids`, `test_do_add_artifact_override_srcpkg_name_version`)")
    func buildLogNamesAndData() throws {
        let bareData: [String: JSONValue] = [
            "work_request_id": 12, "vendor": "debian", "codename": "sid", "architecture": "amd64",
            "srcpkg_name": "hello", "srcpkg_version": "1.0-1",
        ]
        let bare = CollectionItemChild.bare(category: "debian:package-build-log", data: bareData)
        #expect(try Self.needed(bare, in: Self.buildLogs) == nil)
        let barePlan = try Self.plan(bare, in: Self.buildLogs, replace: true, workRequest: nil)
        #expect(barePlan.name == "debian_sid_amd64_hello_1.0-1_12" && barePlan.data == bareData)
        #expect(barePlan.replacesChildTypes == [.bare] && barePlan.pruning == nil)

        let variables: [String: JSONValue] = ["work_request_id": 12, "vendor": "debian", "codename": "sid", "architecture": "amd64"]
        let artifact = CollectionItemChild.artifact(Self.log, variables: variables)
        #expect(try Self.needed(artifact, in: Self.buildLogs) == 12)
        let plan = try Self.plan(artifact, in: Self.buildLogs)
        #expect(plan.name == "debian_sid_amd64_hello_1.0-1_12")
        #expect(plan.data == variables.merging(["srcpkg_name": "hello", "srcpkg_version": "1.0-1", "worker": "w-1"]) { $1 })
        let overridden = try Self.plan(
            .artifact(Self.log, variables: variables.merging(["srcpkg_name": "hi", "srcpkg_version": "2"]) { $1 }),
            in: Self.buildLogs, replace: true,
            workRequest: CollectionItemWorkRequest(id: 12, taskName: "sbuild", result: .none, workerName: nil))
        #expect(overridden.name == "debian_sid_amd64_hi_2_12" && overridden.data["worker"] == nil)
        #expect(overridden.replacesChildTypes == [.bare, .artifact])
    }

    @Test("build logs refused: no data or variables, a missing key, a name part that is not text (`test_do_add_bare_data_no_data`, `test_do_add_artifact_no_variables`)")
    func buildLogRefusals() {
        #expect(
            Self.refusal { try Self.plan(.bare(category: "debian:package-build-log", data: nil), in: Self.buildLogs) }
                == "Adding to debian:package-build-logs requires data")
        #expect(
            Self.refusal { try Self.needed(.artifact(Self.log, variables: nil), in: Self.buildLogs) }
                == "Adding to debian:package-build-logs requires variables")
        #expect(
            Self.refusal { try Self.needed(.artifact(Self.log, variables: ["work_request_id": 3, "vendor": "debian"]), in: Self.buildLogs) }
                == "Adding to debian:package-build-logs: the variables have no 'codename'")
        #expect(
            Self.refusal {
                try Self.needed(
                    .artifact(Self.log, variables: ["work_request_id": "x", "vendor": "debian", "codename": "sid", "architecture": "all"]),
                    in: Self.buildLogs)
            } == "Adding to debian:package-build-logs: 'work_request_id' must be an integer, not 'x'")
        #expect(
            Self.refusal {
                try Self.plan(
                    .bare(
                        category: "debian:package-build-log",
                        data: [
                            "work_request_id": 1, "vendor": "debian", "codename": 13, "architecture": "amd64",
                            "srcpkg_name": "hello", "srcpkg_version": "1",
                        ]),
                    in: Self.buildLogs)
            } == "Adding to debian:package-build-logs: 'codename' must be a string, not 13")
    }

    @Test("latest:TASK_PACKAGE_ARCH has three parts without underscores (`test_lookup_unexpected_format_raise_lookup_error`)")
    func latestSegment() {
        #expect(SegmentQuery(parsing: "latest:autopkgtest_hello_amd64") == .latest(taskName: "autopkgtest", package: "hello", architecture: "amd64"))
        for text in ["latest:nonsense", "latest:a_b", "latest:a_b_c_d", "latest:_b_c", "latest:a__c"] {
            #expect(SegmentQuery(parsing: text) == .unrecognized(text), "\(text)")
        }
    }
}
