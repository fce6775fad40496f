import KilnCore
import Testing

@Suite("Task configuration entries (Debusine `artifacts/models.py` `DebusineTaskConfiguration`)")
struct TaskConfigurationEntryTests {
    private func problem(_ data: JSONValue) -> PydanticValidationError? {
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
            "task_type": "Server", "task_name": "servernoop", "subject": "s", "context": "c", "path": "p.yaml",
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

    /// The expected texts are what Debusine 0.16.2's `DebusineTaskConfiguration` under pydantic 2 prints for the
    /// same data, less pydantic's documentation link (Debusine `artifacts/tests/test_models.py`
    /// `DebusineTaskConfigurationTests`, e.g. `test_task_type_validation`, `test_path_validation_fails`).
    private static let entry: [String: JSONValue] = ["task_type": "Worker", "task_name": "noop"]

    private static func with(_ extra: [String: JSONValue]) -> JSONValue { .object(entry.merging(extra) { $1 }) }

    private static let pydanticCases: [(JSONValue, String)] = [
        (with(["invalid_field": 1]),
         "invalid_field\n  Extra inputs are not permitted [type=extra_forbidden, input_value=1, input_type=int]"),
        (["task_type": "worker", "task_name": "noop"],
         "task_type\n  Input should be 'Worker', 'Server', 'Internal', 'Workflow', 'Signing' or 'Wait' [type=enum, input_value='worker', input_type=str]"),
        (["task_type": "Worker", "task_name": "a:b"],
         "task_name\n  Value error, 'a:b' may not contain ':' [type=value_error, input_value='a:b', input_type=str]"),
        (["subject": "s"],
         "  Value error, task_type, task_name should be set for non-template task configuration entries [type=value_error, input_value={'subject': 's'}, input_type=dict]"),
        (with(["position": "x1"]),
         "position\n  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='x1', input_type=str]"),
        (with(["position": 1.5]),
         "position\n  Input should be a valid integer, got a number with a fractional part [type=int_from_float, input_value=1.5, input_type=float]"),
        (with(["lock_values": ["a", 1]]),
         "lock_values.1\n  Input should be a valid string [type=string_type, input_value=1, input_type=int]"),
        (with(["default_values": ["a"]]),
         "default_values\n  Input should be a valid dictionary [type=dict_type, input_value=['a'], input_type=list]"),
        (with(["comment": nil]),
         "comment\n  Input should be a valid string [type=string_type, input_value=None, input_type=NoneType]"),
        (with(["use_templates": nil]),
         "use_templates\n  Input should be a valid list [type=list_type, input_value=None, input_type=NoneType]"),
        (with(["path": "a.txt"]),
         "path\n  Value error, 'a.txt' must end with .yaml or .yml [type=value_error, input_value='a.txt', input_type=str]"),
        (with(["path": "/a.yaml"]),
         "path\n  Value error, '/a.yaml' must not be an absolute path [type=value_error, input_value='/a.yaml', input_type=str]"),
        (with(["path": "./a.yaml"]),
         "path\n  Value error, './a.yaml' must not contain '.' as a path element [type=value_error, input_value='./a.yaml', input_type=str]"),
        (with(["path": "a/../b.yaml"]),
         "path\n  Value error, 'a/../b.yaml' must not contain '..' as a path element [type=value_error, input_value='a/../b.yaml', input_type=str]"),
    ]

    @Test("validation errors are pydantic's, as Debusine prints them", arguments: pydanticCases.indices)
    func pydanticErrors(index: Int) {
        let (data, expected) = Self.pydanticCases[index]
        #expect(problem(data)?.description == "1 validation error for DebusineTaskConfiguration\n" + expected)
    }

    @Test("a value that fails both arms of str | list[str] reports both, as pydantic does")
    func unionErrors() {
        #expect(
            problem(["task_type": "Worker", "task_name": "noop", "tags_provided": 3])?.description == """
                2 validation errors for DebusineTaskConfiguration
                tags_provided.str
                  Input should be a valid string [type=string_type, input_value=3, input_type=int]
                tags_provided.list[str]
                  Input should be a valid list [type=list_type, input_value=3, input_type=int]
                """)
        #expect(
            problem(["task_type": "Worker", "task_name": "noop", "tags_required": ["a", nil]])?.description == """
                2 validation errors for DebusineTaskConfiguration
                tags_required.str
                  Input should be a valid string [type=string_type, input_value=['a', None], input_type=list]
                tags_required.list[str].1
                  Input should be a valid string [type=string_type, input_value=None, input_type=NoneType]
                """)
    }

    @Test("the model rules and lax integers (Debusine `test_models.py` `test_path_position_length`, `test_taglist_tagexpr_validation`)")
    func modelRules() throws {
        #expect(problem(["template": "t", "task_name": "noop", "subject": "s"])?.failures.first?.message
            == "Value error, task_name, subject should be empty if template is set")
        let long = String(repeating: "x", count: 248) + ".yaml"
        #expect(problem(["task_type": "Worker", "task_name": "noop", "path": .string(long), "position": 10])?.failures
            .first?.message
            == "Value error, path:position string {candidate_name!r} is 256 characters and must be no longer than 255")
        #expect(problem(["task_type": "Worker", "task_name": "noop", "path": .string(long), "position": 0]) == nil)
        // Python's `len` counts code points: 130 × `e` + combining accent is 260 of them, 130 characters to Swift.
        let decomposed = "a" + String(repeating: "e\u{301}", count: 130) + ".yaml"
        #expect(problem(["task_type": "Worker", "task_name": "noop", "path": .string(decomposed)])?.failures.first?
            .message == "Value error, path:position string {candidate_name!r} is 271 characters and must be no longer than 255")
        #expect(problem(["task_type": "Worker", "task_name": "noop", "path": "..foo.yaml"]) == nil)
        #expect(problem(["task_type": "Worker", "task_name": "noop", "tags_required": "a or"])?.failures.first?.message
            .hasPrefix("Value error, invalid tag expression: ") == true)
        for (raw, position) in [("3", 3), (" 3 ", 3), ("3.0", 3), ("1_000", 1000)] as [(JSONValue, Int)] {
            #expect(try TaskConfigurationEntry(data: ["task_type": "Worker", "task_name": "noop", "position": raw]).position
                == position)
        }
        #expect(try TaskConfigurationEntry(data: ["task_type": "Worker", "task_name": "noop", "position": 3.0]).position == 3)
        #expect(try TaskConfigurationEntry(data: ["task_type": "Worker", "task_name": "noop", "position": true]).position == 1)
        #expect(problem(["task_type": "Worker", "task_name": "noop", "context": "bookworm:backports"]) == nil)
        #expect(problem(["task_type": "Worker", "task_name": "noop", "subject": "x:y"])?.failures.first?.location == "subject")
        #expect(problem([1, 2])?.failures.first?.type == "model_type")
    }
}
