import Foundation
import KilnCore
import KilnTestSupport
import Testing

/// Debusine's task history (`server/collections/task_history.py` `TaskHistoryManager`, tested in
/// `server/collections/tests/test_task_history.py`; the record a completed work request leaves,
/// `db/models/work_requests.py` `WorkRequest.process_record_in_task_history`).
@Suite("Task history: run records, names, pruning rule and last-run lookups as Debusine's")
struct TaskHistoryTests {
    static let history = CollectionRecord(id: 30, name: "_", category: "debusine:task-history", workspaceID: 1)

    static func run(
        workRequest: Int, subject: JSONValue = "base-files", context: JSONValue = "sid/amd64", result: String = "success"
    ) -> [String: JSONValue] {
        [
            "task_type": "Worker", "task_name": "sbuild", "subject": subject, "context": context,
            "timestamp": 1_800_000_000, "work_request_id": .int(workRequest), "result": .string(result),
            "runtime_statistics": ["duration": 1],
        ]
    }

    static func plan(_ data: [String: JSONValue]?, name: String? = nil, replace: Bool = false, in collection: CollectionRecord = history)
        throws -> CollectionItemPlan
    {
        try CollectionManagers.manager(for: collection).plan(
            CollectionItemAddition(child: .bare(category: "debusine:historical-task-run", data: data), name: name, replace: replace))
    }

    @Test("runs are named TYPE:NAME:SUBJECT:CONTEXT:ID, quoted, empty when unset (`test_add_bare_data_different_work_request_ids`, `…_unset_subject_and_context`, `…_quotes_subject_and_context`)")
    func names() throws {
        #expect(try Self.plan(Self.run(workRequest: 1)).name == "Worker:sbuild:base-files:sid/amd64:1")
        #expect(try Self.plan(Self.run(workRequest: 2)).name == "Worker:sbuild:base-files:sid/amd64:2")
        #expect(try Self.plan(Self.run(workRequest: 1, subject: .null, context: .null)).name == "Worker:sbuild:::1")
        #expect(
            try Self.plan(Self.run(workRequest: 1, subject: "hello:world", context: "any:amd64:amd64")).name
                == "Worker:sbuild:hello%3Aworld:any%3Aamd64%3Aamd64:1")
        let plan = try Self.plan(Self.run(workRequest: 1), replace: true)
        #expect(plan.data == Self.run(workRequest: 1) && plan.replacesChildTypes == [.bare])
        #expect(
            plan.pruning
                == .taskHistory(
                    TaskHistoryPruning(
                        category: "debusine:historical-task-run", taskType: "Worker", taskName: "sbuild",
                        keepsMostRecent: 5)))
        let keepingThree = CollectionRecord(
            id: 31, name: "_", category: "debusine:task-history", workspaceID: 1, data: ["old_items_to_keep": 3])
        guard case .taskHistory(let pruning)? = try Self.plan(Self.run(workRequest: 1), in: keepingThree).pruning else {
            Issue.record("a task-history plan prunes the task's older runs")
            return
        }
        #expect(pruning.keepsMostRecent == 3)
        // Django compares the rank with the number the value stands for (`rank__lte="2"`).
        let cases: [(JSONValue, Int)] = [
            ("2", 2), (.double(2.0), 2), (.double(2.5), 2), (true, 1), (" 3 ", 3), ("1_0", 10), ("2.0", 5), ("many", 5),
        ]
        for (given, kept) in cases {
            let collection = CollectionRecord(
                id: 31, name: "_", category: "debusine:task-history", workspaceID: 1, data: ["old_items_to_keep": given])
            guard case .taskHistory(let pruning)? = try Self.plan(Self.run(workRequest: 1), in: collection).pruning else {
                Issue.record("a task-history plan prunes the task's older runs")
                return
            }
            #expect(pruning.keepsMostRecent == kept, "\(given)")
        }
    }

    @Test("refused: no data, an explicit name, another bare category, artifacts (`test_add_bare_data_no_data`, `…_refuses_name`)")
    func refusals() {
        #expect(throws: ItemAdditionError("Adding to debusine:task-history requires data")) { try Self.plan(nil) }
        #expect(throws: ItemAdditionError("Cannot use an explicit item name when adding to debusine:task-history")) {
            try Self.plan(Self.run(workRequest: 1), name: "override")
        }
        #expect(throws: ItemAdditionError("Bare data category \"debusine:test\" not supported by the collection")) {
            try CollectionManagers.manager(for: Self.history).plan(
                CollectionItemAddition(child: .bare(category: "debusine:test", data: [:])))
        }
        var missing = Self.run(workRequest: 1)
        missing["task_name"] = nil
        #expect(throws: ItemAdditionError("Adding to debusine:task-history: the data has no 'task_name'")) {
            try Self.plan(missing)
        }
    }

    @Test("URL quoting as Python's urllib.parse.quote and unquote")
    func quoting() {
        #expect(PythonURLQuote.quote("a b/é:%~_.-") == "a%20b/%C3%A9%3A%25~_.-")
        #expect(PythonURLQuote.unquote("hello%3Aworld") == "hello:world")
        #expect(PythonURLQuote.unquote("%zz%4") == "%zz%4")
        #expect(PythonURLQuote.unquote("%C3%A9%FF") == "é\u{FFFD}")
        #expect(PythonURLQuote.unquote(PythonURLQuote.quote("any:amd64 ünïcode")) == "any:amd64 ünïcode")
    }

    @Test("last-run segments split where Debusine's regular expression splits them")
    func segments() throws {
        let query = try #require(TaskRunQuery(parsing: "last-success:Worker:sbuild:hello%3Aworld:sid:amd64"))
        #expect(query.kind == .lastSuccess && query.taskType == "Worker" && query.taskName == "sbuild")
        #expect(query.subject == "hello:world" && query.context == "sid:amd64")
        let empty = try #require(TaskRunQuery(parsing: "last-entry:Worker:sbuild::"))
        #expect(empty.subject == "" && empty.context == "")
        #expect(TaskRunQuery(parsing: "last-entry:Worker:sbuild:") == nil)
        #expect(TaskRunQuery(parsing: "last-entry:Worker") == nil)
        #expect(TaskRunQuery(parsing: "last-run:Worker:sbuild::") == nil)
        #expect(LookupSegment(parsing: "last-failure:Worker:sbuild::").query.text == "last-failure:Worker:sbuild::")
        // Python's `.` stops only at a newline; ICU's would stop at a carriage return too.
        #expect(TaskRunQuery(parsing: "last-entry:Worker:sbuild:a\rb:c")?.quotedSubject == "a\rb")
        #expect(TaskRunQuery(parsing: "last-entry:Worker:sbuild:a\nb:c") == nil)
    }

    @Test("a completed run with statistics is recorded; nothing for other endings (`test_work_requests.py` `test_record_in_task_history*`)")
    func records() {
        var workRequest = WorkRequest(
            id: 7, workspaceID: 1, createdAt: Date(timeIntervalSince1970: 1_800_000_000), createdBy: 100, taskType: .worker,
            taskName: "sbuild", taskData: [:], status: .completed, result: .success)
        workRequest.startedAt = Date(timeIntervalSince1970: 1_800_000_010.9)
        workRequest.dynamicTaskData = ["subject": "hello", "runtime_context": "sid:amd64", "parameter_summary": "x"]
        workRequest.outputData = OutputData(runtimeStatistics: ["duration": 12])
        #expect(
            HistoricalTaskRun.data(for: workRequest) == [
                "task_type": "Worker", "task_name": "sbuild", "subject": "hello", "context": "sid:amd64",
                "timestamp": 1_800_000_010, "work_request_id": 7, "result": "success", "runtime_statistics": ["duration": 12],
            ])
        var unset = workRequest
        unset.dynamicTaskData = ["parameter_summary": "x"]
        #expect(HistoricalTaskRun.data(for: unset)?["subject"] == .null && HistoricalTaskRun.data(for: unset)?["context"] == .null)
        for result in [WorkRequestResult.failure, .temporaryFailure, .error] {
            var failed = workRequest
            failed.result = result
            #expect(HistoricalTaskRun.data(for: failed)?["result"] == .string(result.rawValue))
        }
        var skipped = workRequest
        skipped.result = .skipped
        var aborted = workRequest
        aborted.status = .aborted
        var neverStarted = workRequest
        neverStarted.startedAt = nil
        var noStatistics = workRequest
        noStatistics.outputData = OutputData(errors: [])
        var noDynamicData = workRequest
        noDynamicData.dynamicTaskData = nil
        for unrecorded in [skipped, aborted, neverStarted, noStatistics, noDynamicData] {
            #expect(HistoricalTaskRun.data(for: unrecorded) == nil, "\(unrecorded)")
        }
    }

    /// A workspace with a task history holding runs added in `runs` order (one second apart).
    static func store(_ runs: [[String: JSONValue]]) throws -> InMemoryLookupStore {
        var store = InMemoryLookupStore()
        try store.addWorkspace(WorkspaceRecord(id: 1, scope: "debian", name: "dev"))
        try store.addCollection(history)
        for (index, data) in runs.enumerated() {
            let name = try Self.plan(data).name
            try store.addItem(
                CollectionItemRecord(
                    id: 100 + index, parentCollectionID: history.id, name: name, childType: .bare,
                    category: "debusine:historical-task-run", data: data,
                    createdAt: Date(timeIntervalSince1970: Double(index))))
        }
        return store
    }

    /// The item found, or `nil` when the lookup reports nothing found (Debusine's `KeyError`).
    static func find(_ lookup: String, in store: InMemoryLookupStore) throws -> Int? {
        do {
            return try LookupResolver(store: store).lookupSingle(
                .string(lookup), expect: .bare, defaultCategory: nil, context: LookupContext(workspaceID: 1)
            ).collectionItem?.id
        } catch LookupFailure.notFound {
            return nil
        }
    }

    @Test("last-entry, last-success and last-failure find the most recent matching run (`test_lookup_last_entry`, `…_last_success`, `…_last_failure`, `test_lookup_unexpected_format`)")
    func lookups() throws {
        let plain = try Self.store([
            Self.run(workRequest: 1, context: "sid", result: "success"),
            Self.run(workRequest: 2, context: "sid", result: "error"),
            Self.run(workRequest: 3, context: "sid", result: "temporary failure"),
            Self.run(workRequest: 4, context: "sid", result: "skipped"),
            Self.run(workRequest: 5, subject: .null, context: .null, result: "failure"),
            Self.run(workRequest: 6, subject: "hello:world", context: "sid", result: "success"),
        ])
        #expect(try Self.find("_@debusine:task-history/last-entry:Worker:sbuild:base-files:sid", in: plain) == 103)
        #expect(try Self.find("_@debusine:task-history/last-success:Worker:sbuild:base-files:sid", in: plain) == 100)
        #expect(try Self.find("_@debusine:task-history/last-failure:Worker:sbuild:base-files:sid", in: plain) == 102)
        #expect(try Self.find("_@debusine:task-history/last-failure:Worker:sbuild::", in: plain) == 104)
        #expect(try Self.find("_@debusine:task-history/last-success:Worker:sbuild:hello%3Aworld:sid", in: plain) == 105)
        #expect(try Self.find("_@debusine:task-history/last-success:Server:sbuild:base-files:sid", in: plain) == nil)
        #expect(try Self.find("_@debusine:task-history/name:Worker:sbuild:base-files:sid:2", in: plain) == 101)
        #expect(throws: LookupFailure.invalid(
            "Unexpected lookup format: \"foo:bar\" (expected \"last-entry\", \"last-success\", or \"last-failure\")")
        ) {
            try Self.find("_@debusine:task-history/foo:bar", in: plain)
        }
    }

    @Test("same_work_request keeps the runs of the work requests that created the artifacts found; same_workflow those of their workflows (`test_lookup_filter_same_work_request_single`, `…_multiple`, `test_lookup_filter_same_workflow_single`, `test_lookup_filter_unexpected_format`)")
    func sameWorkRequestFilters() throws {
        var store = try Self.store((1...4).map { Self.run(workRequest: $0, context: "sid") })
        // Work requests 1 and 2 are children of workflow 10, 3 of workflow 11; 4 is in no workflow.
        store.workRequestParents = [1: 10, 2: 10, 3: 11]
        try store.addArtifact(ArtifactRecord(id: 50, category: "debian:upload", workspaceID: 1, createdByWorkRequestID: 1))
        try store.addArtifact(ArtifactRecord(id: 51, category: "debian:upload", workspaceID: 1, createdByWorkRequestID: 3))
        try store.addArtifact(ArtifactRecord(id: 52, category: "debian:upload", workspaceID: 1))
        func found(_ filter: String, _ value: JSONValue) throws -> [Int] {
            try LookupResolver(store: store).resolve(
                LookupMultiple(parsing: [
                    .object(["collection": "_@debusine:task-history", "child_type": "bare", "lookup__\(filter)": value])
                ]),
                expect: .bare, defaultCategory: nil, context: LookupContext(workspaceID: 1)
            ).compactMap { $0.collectionItem?.data["work_request_id"]?.intValue }
        }
        #expect(try found("same_work_request", "50@artifacts") == [1])
        #expect(try found("same_work_request", "51@artifacts") == [3])
        // The sub-lookup expects any type, where Debusine refuses a bare integer.
        #expect(throws: LookupFailure.invalid("Integer lookups only work in contexts that expect an artifact or a collection")) {
            try found("same_work_request", 51)
        }
        #expect(try found("same_work_request", ["50@artifacts", "51@artifacts"]) == [1, 3])
        #expect(try found("same_work_request", "52@artifacts") == [], "an artifact no work request created")
        #expect(try found("same_workflow", "50@artifacts") == [1, 2])
        #expect(try found("same_workflow", ["50@artifacts", "51@artifacts", "52@artifacts"]) == [1, 2, 3])
        #expect(
            throws: LookupFailure.invalid(
                "Unexpected lookup filter format: \"invalid\" (expected \"same_work_request\" or \"same_workflow\")")
        ) {
            try found("invalid", "foo")
        }
        // Filters combine: the runs of work request 1 that are also in work request 3's workflow — none.
        let both = try LookupResolver(store: store).resolve(
            LookupMultiple(parsing: [
                .object([
                    "collection": "_@debusine:task-history", "child_type": "bare",
                    "lookup__same_work_request": "50@artifacts", "lookup__same_workflow": "51@artifacts",
                ])
            ]),
            expect: .bare, defaultCategory: nil, context: LookupContext(workspaceID: 1))
        #expect(both.isEmpty)
    }

    @Test("build logs take same_work_request only, with the plain refusal for anything else (`test_debian_package_build_logs.py` `test_do_lookup_filter_same_work_request_single`, `test_do_lookup_filter_unexpected_format`)")
    func buildLogFilters() throws {
        var store = InMemoryLookupStore()
        try store.addWorkspace(WorkspaceRecord(id: 1, scope: "debian", name: "dev"))
        try store.addCollection(CollectionRecord(id: 40, name: "_", category: "debian:package-build-logs", workspaceID: 1))
        try store.addArtifact(ArtifactRecord(id: 60, category: "debian:upload", workspaceID: 1, createdByWorkRequestID: 7))
        for (index, workRequest) in [7, 8].enumerated() {
            try store.addItem(
                CollectionItemRecord(
                    id: 200 + index, parentCollectionID: 40, name: "log-\(workRequest)", childType: .bare,
                    category: "debian:package-build-log", data: ["work_request_id": .int(workRequest)]))
        }
        func found(_ filter: String) throws -> [Int] {
            try LookupResolver(store: store).resolve(
                LookupMultiple(parsing: [
                    .object([
                        "collection": "_@debian:package-build-logs", "child_type": "bare",
                        "lookup__\(filter)": "60@artifacts",
                    ])
                ]),
                expect: .bare, defaultCategory: nil, context: LookupContext(workspaceID: 1)
            ).compactMap { $0.collectionItem?.id }
        }
        #expect(try found("same_work_request") == [200])
        #expect(throws: LookupFailure.invalid("Unexpected lookup filter format: \"same_workflow\"")) {
            try found("same_workflow")
        }
    }
}
