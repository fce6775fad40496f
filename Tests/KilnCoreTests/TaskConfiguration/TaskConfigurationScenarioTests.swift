import KilnCore
import Testing

@Suite("Task configuration scenarios (Debusine `server/collections/tests/test_debusine_task_configuration.py`)")
struct TaskConfigurationScenarioTests {
    static func query(subject: String? = nil, context: String? = nil, provided: Set<String> = [],
                      required: Set<String> = []) -> TaskConfigurationQuery {
        TaskConfigurationQuery(
            taskType: .worker, taskName: "noop", subject: subject, context: context, earlyProvided: provided,
            earlyRequired: required)
    }

    static func configure(_ query: TaskConfigurationQuery, _ entries: [(Int, JSONValue)], taskData: JSONValue = [:])
        throws(TaskConfigError) -> ConfiguredTask
    {
        try TaskConfigurator.configure(TaskConfigurationRequest(
            query: query, items: entries.map { TaskConfigurationItem(id: $0.0, data: $0.1) }, collectionID: 42,
            taskData: taskData))
    }

    static func configError(_ body: () throws(TaskConfigError) -> ConfiguredTask) -> TaskConfigError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    static func noop(_ extra: [String: JSONValue] = [:]) -> JSONValue {
        .object(["task_type": "Worker", "task_name": "noop"].merging(extra) { $1 })
    }

    /// Ids chosen against the expected order, so sorting by id alone would fail.
    static let levels: [(Int, JSONValue)] = [
        (1, noop(["subject": "subject", "context": "context"])), (2, noop(["subject": "subject"])),
        (3, noop(["context": "context"])), (4, noop()),
        (5, ["task_type": "Worker", "task_name": "other"]), (6, ["task_type": "Server", "task_name": "noop"]),
    ]

    @Test("global, context, subject, both — matched and ordered by specificity (Debusine `test_subject_context_filter`, `test_iter_matching_entries_ordering_legacy`)")
    func scenario42() throws {
        #expect(try Self.configure(Self.query(), Self.levels).appliedEntries == ["Worker:noop::"])
        #expect(try Self.configure(Self.query(subject: "subject"), Self.levels).appliedEntries
            == ["Worker:noop::", "Worker:noop:subject:"])
        #expect(try Self.configure(Self.query(context: "context"), Self.levels).appliedEntries
            == ["Worker:noop::", "Worker:noop::context"])
        #expect(try Self.configure(Self.query(subject: "subject", context: "context"), Self.levels).appliedEntries
            == ["Worker:noop::", "Worker:noop::context", "Worker:noop:subject:", "Worker:noop:subject:context"])
        #expect(try Self.configure(Self.query(subject: "other", context: "context"), Self.levels).appliedEntries
            == ["Worker:noop::", "Worker:noop::context"])
    }

    @Test("path-less entries first, then by path (Debusine `test_iter_matching_entries_ordering_path`)")
    func scenario43() throws {
        let entries: [(Int, JSONValue)] = [
            (1, Self.noop(["path": "03.yaml"])), (2, Self.noop(["path": "02.yaml", "subject": "subject"])),
            (3, Self.noop(["context": "context"])),
        ]
        #expect(try Self.configure(Self.query(subject: "subject", context: "context"), entries).appliedEntries
            == ["Worker:noop::context", "02.yaml:0", "03.yaml:0"])
        // Within one path, position decides before specificity.
        let positioned: [(Int, JSONValue)] = [
            (1, Self.noop(["path": "a.yaml", "position": 2])),
            (2, Self.noop(["path": "a.yaml", "position": 1, "subject": "subject"])),
        ]
        #expect(try Self.configure(Self.query(subject: "subject"), positioned).appliedEntries == ["a.yaml:1", "a.yaml:2"])
    }

    @Test("deletes, defaults, overrides and locks fold in order (Debusine `test_lock_values`)")
    func scenario44() throws {
        var fold = TaskConfigurationFold()
        fold.apply(try TaskConfigurationEntry(data: Self.noop([
            "default_values": ["val1": 1, "val2": 2], "override_values": ["val1": 11, "val2": 22], "lock_values": ["val1"],
        ])))
        fold.apply(try TaskConfigurationEntry(data: Self.noop([
            "delete_values": ["val1", "val2"], "default_values": ["val1": 111, "val3": 3],
            "override_values": ["val1": 112, "val3": 33],
        ])))
        #expect(fold.defaults == ["val1": 1, "val3": 3])
        #expect(fold.overrides == ["val1": 11, "val3": 33])
        #expect(fold.locked == ["val1"])
    }

    @Test("defaults fill absent or null keys, overrides always win, task_configuration is set (Debusine `test_defaults_with_none`, `test_defaults_preserves_existing_value`)")
    func scenario45() throws {
        let entry: [(Int, JSONValue)] = [(1, Self.noop(["default_values": ["default": "added"],
                                                         "override_values": ["override": "forced"]]))]
        let fromNull = try Self.configure(Self.query(), entry, taskData: ["default": nil, "override": "mine"])
        #expect(fromNull.taskData == ["default": "added", "override": "forced", "task_configuration": 42])
        let alreadySet = try Self.configure(Self.query(), entry, taskData: ["default": "already set"])
        #expect(alreadySet.taskData == ["default": "already set", "override": "forced", "task_configuration": 42])
        // Only top-level keys: a nested object is replaced whole.
        let nested: [(Int, JSONValue)] = [(1, Self.noop(["override_values": ["environment": ["codename": "sid"]]]))]
        let replaced = try Self.configure(Self.query(), nested, taskData: ["environment": ["codename": "trixie", "arch": "amd64"]])
        #expect(replaced.taskData.value(atPath: "environment") == ["codename": "sid"])
        #expect(Self.configError { () throws(TaskConfigError) in try Self.configure(Self.query(), entry, taskData: [1]) }?.message
            == "task data must be a JSON object, found array")
    }

    @Test("template diamond, cycle and missing template (Debusine `test_lookup_templates_diamond`, `test_lookup_templates_cycle`, `test_lookup_templates_missing_item`)")
    func scenario46() throws {
        let templates: [(Int, JSONValue)] = [
            (10, ["template": "base"]), (11, ["template": "a", "use_templates": ["base"]]),
            (12, ["template": "b", "use_templates": ["base"]]), (13, ["template": "ab", "use_templates": ["a", "b"]]),
        ]
        let diamond = try Self.configure(Self.query(), templates + [(1, Self.noop(["use_templates": ["ab"]]))])
        #expect(diamond.appliedEntries == [
            "Worker:noop::", "template:base", "template:a", "template:base", "template:b", "template:ab",
        ])

        let cycle: [(Int, JSONValue)] = [
            (10, ["template": "a", "use_templates": ["b"]]), (11, ["template": "b", "use_templates": ["a"]]),
            (1, Self.noop(["use_templates": ["a"]])),
        ]
        #expect(Self.configError { () throws(TaskConfigError) in try Self.configure(Self.query(), cycle) }
            == TaskConfigError("template:b: template lookup cycle detected: a→b→a"))

        let missing: [(Int, JSONValue)] = [(1, Self.noop(["use_templates": ["missing"]]))]
        #expect(Self.configError { () throws(TaskConfigError) in try Self.configure(Self.query(), missing) }
            == TaskConfigError("Worker:noop:: references missing template 'missing'"))
    }

    @Test("templates apply after their entry, so they override it unless it locks the key")
    func entryThenTemplates() throws {
        let entries: [(Int, JSONValue)] = [
            (10, ["template": "t", "override_values": ["x": 2, "y": 2]]),
            (1, Self.noop(["use_templates": ["t"], "override_values": ["x": 1, "y": 1], "lock_values": ["y"]])),
        ]
        #expect(try Self.configure(Self.query(), entries).taskData == ["x": 2, "y": 1, "task_configuration": 42])
    }

    @Test("a doubling chain of diamonds is cut off with an error")
    func expansionLimit() {
        var entries: [(Int, JSONValue)] = [(100, ["template": "t0"])]
        for level in 1...20 {
            entries.append((100 + level, ["template": .string("t\(level)"),
                                          "use_templates": [.string("t\(level - 1)"), .string("t\(level - 1)")]]))
        }
        entries.append((1, Self.noop(["use_templates": ["t20"]])))
        let error = Self.configError { () throws(TaskConfigError) in try Self.configure(Self.query(), entries) }
        #expect(error?.message.hasSuffix("template expansion exceeds 10000 entries") == true)
    }

    @Test("tag filters test the early sets (Debusine `test_tags_filter`)")
    func scenario47() throws {
        let entries: [(Int, JSONValue)] = [
            (1, Self.noop(["tags_provided": ["p"], "path": "1.yaml"])),
            (2, Self.noop(["tags_provided": "p and not q", "path": "2.yaml"])),
            (3, Self.noop(["tags_required": ["r"], "path": "3.yaml"])),
        ]
        #expect(try Self.configure(Self.query(provided: ["p"]), entries).appliedEntries == ["1.yaml:0", "2.yaml:0"])
        #expect(try Self.configure(Self.query(provided: ["p", "q", "r"]), entries).appliedEntries == ["1.yaml:0"])
        #expect(try Self.configure(Self.query(required: ["r"]), entries).appliedEntries == ["3.yaml:0"])
    }

    @Test("provide_tags of all entries accumulate into TP with workspace provenance (Debusine `BuildConfigurationTests.test_tags`)")
    func scenario48() throws {
        let entries: [(Int, JSONValue)] = [
            (1, Self.noop(["provide_tags": ["pa", "pb"]])), (2, Self.noop(["subject": "s", "provide_tags": ["pa", "pc"]])),
        ]
        let configured = try Self.configure(Self.query(subject: "s"), entries)
        #expect(configured.provideTags == ["pa", "pb", "pc"])
        let sets = TaskTagComputation.finalSets(
            provided: CandidateTags(), required: CandidateTags(), configurationProvides: configured.provideTags,
            configurationRequires: configured.requireTags)
        #expect(sets.provided.tags == ["pa", "pb", "pc"])
        #expect(sets.provided.audit.allSatisfy { $0.provenance == .workspace && !$0.isDropped })
    }

    @Test("a corrupt matching entry fails with its item id, a corrupt template without; corrupt entries that cannot match do not (Debusine `test_iter_matching_entries_corrupted`, `test_lookup_templates_corrupted`, `test_subject_context_filter`)")
    func corruptEntries() throws {
        let corrupt: [(Int, JSONValue)] = [(5, Self.noop(["invalid_field": "value"]))]
        let error = Self.configError { () throws(TaskConfigError) in try Self.configure(Self.query(), corrupt) }
        #expect(error?.message == "debusine:task-configuration item 5 does not validate")
        #expect(error?.originalError?.description.contains("invalid_field\n  Extra inputs are not permitted") == true)
        // Debusine's view prints the original validation error itself (`WorkRequestViewSet.post`).
        let pipeline = WorkRequestPipelineError(code: .configureFailed, cause: .configuration(try #require(error)))
        #expect(pipeline.pythonExceptionRepr.hasPrefix("1 validation error for DebusineTaskConfiguration\ninvalid_field\n"))
        #expect(error?.description.hasPrefix(
            "debusine:task-configuration item 5 does not validate (Original exception: 1 validation error") == true)

        let badTemplate: [(Int, JSONValue)] = [
            (9, ["template": "t", "position": "x"]), (1, Self.noop(["use_templates": ["t"]])),
        ]
        #expect(Self.configError { () throws(TaskConfigError) in try Self.configure(Self.query(), badTemplate) }?.message
            == "debusine:task-configuration item does not validate")

        let unrelated: [(Int, JSONValue)] = [
            (5, ["task_type": "Worker", "task_name": "sbuild", "invalid_field": 1]), (6, ["template": "unused", "x": 1]),
            (7, "not an object"), (8, Self.noop(["subject": "other", "invalid_field": 1])),
            (9, Self.noop(["tags_provided": ["absent"], "invalid_field": 1])), (1, Self.noop()),
        ]
        #expect(try Self.configure(Self.query(), unrelated).appliedEntries == ["Worker:noop::"])
    }

    @Test("no configuration still records the collection and leaves the data otherwise alone")
    func empty() throws {
        let configured = try Self.configure(Self.query(), [], taskData: ["a": 1])
        #expect(configured.taskData == ["a": 1, "task_configuration": 42])
        #expect(configured.appliedEntries.isEmpty && configured.provideTags.isEmpty && configured.requireTags.isEmpty)
    }

    @Test("the spelled-out entry point agrees with the request form")
    func spelledOut() throws {
        let configured = try TaskConfigurator.configure(
            taskType: .worker, taskName: "noop", subject: "subject", context: "context", earlyProvided: ["p"],
            earlyRequired: [], entries: Self.levels.map { (id: $0.0, data: $0.1) }, collectionID: 42, taskData: [:])
        #expect(configured == (try Self.configure(
            Self.query(subject: "subject", context: "context", provided: ["p"]), Self.levels)))
        #expect(configured.appliedEntries.count == 4)
    }
}
