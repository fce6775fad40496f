import KilnCore
import Testing

@Suite("Task configuration entries (Debusine `artifacts/models.py` `DebusineTaskConfiguration`)")
struct TaskConfigurationEntryTests {
    private func problem(_ data: JSONValue) -> TaskConfigurationEntryError? {
        do {
            _ = try TaskConfigurationEntry(data: data)
            return nil
        } catch {
            return error
        }
    }

    @Test("item names: template, path/position, and type:name:subject:quoted context")
    func itemNames() throws {
        #expect(try TaskConfigurationEntry(data: ["template": "base"]).itemName == "template:base")
        #expect(try TaskConfigurationEntry(data: ["task_type": "Worker", "task_name": "sbuild", "path": "02.yaml"]).itemName
            == "02.yaml:0")
        #expect(try TaskConfigurationEntry(
            data: ["task_type": "Worker", "task_name": "sbuild", "path": "a/b.yaml", "position": 3]).itemName == "a/b.yaml:3")
        #expect(try TaskConfigurationEntry(data: ["task_type": "Worker", "task_name": "sbuild"]).itemName == "Worker:sbuild::")
        #expect(try TaskConfigurationEntry(
            data: ["task_type": "Worker", "task_name": "sbuild", "subject": "hello", "context": "sid"]).itemName
            == "Worker:sbuild:hello:sid")
        #expect(try TaskConfigurationEntry(
            data: ["task_type": "Worker", "task_name": "sbuild", "context": "a b:c/d~é"]).itemName
            == "Worker:sbuild::a%20b%3Ac/d~%C3%A9")
    }

    @Test("specificity ranks: global 0, context 1, subject 2, both 3")
    func ranks() throws {
        let base: [String: JSONValue] = ["task_type": "Worker", "task_name": "noop"]
        func rank(_ extra: [String: JSONValue]) throws -> Int {
            try TaskConfigurationEntry(data: .object(base.merging(extra) { $1 })).specificityRank
        }
        #expect(try rank([:]) == 0)
        #expect(try rank(["context": "c"]) == 1)
        #expect(try rank(["subject": "s"]) == 2)
        #expect(try rank(["subject": "s", "context": "c"]) == 3)
        #expect(try rank(["subject": "", "context": nil]) == 0)
    }

    @Test("all fields decode")
    func decodesEverything() throws {
        let entry = try TaskConfigurationEntry(data: [
            "task_type": "Server", "task_name": "servernoop", "subject": "s", "context": "c", "path": "p",
            "position": 2, "tags_provided": ["a"], "tags_required": "b and not c", "use_templates": ["t"],
            "delete_values": ["d"], "default_values": ["k": 1], "override_values": ["k": [1, 2]],
            "lock_values": ["k"], "provide_tags": ["pa"], "require_tags": ["ra"], "comment": "why",
        ])
        #expect(entry.taskType == .server)
        #expect(entry.tagsProvided == .allOf(["a"]))
        #expect(entry.tagsRequired == .expression(.and(.tag("b"), .not(.tag("c")))))
        #expect(entry.overrideValues == ["k": [1, 2]])
        #expect(entry.position == 2)
        #expect(entry.comment == "why")
    }

    @Test("validation errors name the key and the problem")
    func validation() {
        #expect(problem(["task_type": "Worker", "task_name": "noop", "invalid_field": 1])
            == TaskConfigurationEntryError(key: "invalid_field", problem: "unknown key (extra fields not permitted: invalid_field)"))
        #expect(problem(["task_type": "worker", "task_name": "noop"])?.problem
            == "unknown task type 'worker' (expected one of Worker, Server, Internal, Workflow, Signing, Wait)")
        #expect(problem(["task_type": "Worker", "task_name": "a:b"])
            == TaskConfigurationEntryError(key: "task_name", problem: "'a:b' may not contain ':'"))
        #expect(problem(["task_type": "Worker", "task_name": "noop", "subject": "x:y"])?.key == "subject")
        #expect(problem(["template": "t:1"])?.key == "template")
        #expect(problem(["task_type": "Worker", "task_name": "noop", "context": "bookworm:backports"]) == nil)
        #expect(problem(["template": "t", "task_name": "noop", "subject": "s"])?.problem
            == "task_name, subject should be empty if template is set")
        #expect(problem(["subject": "s"])?.problem
            == "task_type, task_name should be set for non-template task configuration entries")
        #expect(problem(["task_type": "Worker", "task_name": "noop", "position": "1"])
            == TaskConfigurationEntryError(key: "position", problem: #"expected an integer, found string "1""#))
        #expect(problem(["task_type": "Worker", "task_name": "noop", "position": 1.5])?.key == "position")
        #expect(problem(["task_type": "Worker", "task_name": "noop", "lock_values": ["a", 1]])?.problem
            == #"expected a list of strings, found array ["a",1]"#)
        #expect(problem(["task_type": "Worker", "task_name": "noop", "default_values": ["a"]])?.key == "default_values")
        #expect(problem(["task_type": "Worker", "task_name": "noop", "tags_provided": 3])?.problem
            == "expected a list of tags or a tag expression string, found integer 3")
        #expect(problem(["task_type": "Worker", "task_name": "noop", "tags_required": "foo bar"])?.problem
            == "syntax error in tag expression 'foo bar' at character 4: expected 'and', 'or' or end of expression, found tag 'bar'")
        #expect(problem(["task_type": "Worker", "task_name": "noop", "tags_required": ["a", nil]])?.key == "tags_required")
        #expect(problem([1, 2])?.problem == "entry must be a JSON object, found array")
        #expect(problem(["task_type": "Worker", "task_name": "noop", "comment": nil]) == nil)
    }
}
