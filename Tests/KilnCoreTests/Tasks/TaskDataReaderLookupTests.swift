import KilnCore
import Testing

@Suite("TaskDataReader: multiple lookups are validated when task data is read")
struct TaskDataReaderLookupTests {
    func readMultiple(_ value: JSONValue) throws(TaskDataError) -> JSONValue {
        var reader = try TaskDataReader(["lookup": value])
        return try reader.multipleLookup("lookup")
    }

    @Test("a dictionary or a list is kept as written")
    func accepted() throws {
        #expect(
            try readMultiple(["collection": "c@x", "name__startswith": "a"]) == [
                "collection": "c@x", "name__startswith": "a",
            ]
        )
        #expect(try readMultiple([12, "sid@debian:suite/source:hello"]) == [12, "sid@debian:suite/source:hello"])
        var reader = try TaskDataReader([:])
        #expect(try reader.multipleLookup("lookup", default: []) == [])
    }

    @Test("a string or an integer is refused, as pydantic refuses it when the work request is created")
    func singleRefused() {
        // Debusine `tasks/tests/test_models.py` `LookupTests.test_wrong_type`.
        for value: JSONValue in ["12@artifacts", 12] {
            #expect(
                throws: TaskDataError.invalidValue(
                    field: "lookup",
                    value: value,
                    reason: "Lookup of multiple collection items must be a dictionary or a list"
                )
            ) { try readMultiple(value) }
        }
    }

    @Test("a bad dictionary is refused with its lookup error")
    func badDictionaryRefused() {
        // Debusine `tasks/tests/test_models.py` `LookupTests.test_name_matcher_rejects_exact`.
        let exact: JSONValue = ["collection": "c@x", "name__exact": "a"]
        #expect(
            throws: TaskDataError.invalidValue(
                field: "lookup",
                value: exact,
                reason: "Unrecognized matcher: name__exact"
            )
        ) { try readMultiple(exact) }
        let conflicting: JSONValue = [["collection": "c@x", "data__a": 1, "data__a__in": [1]]]
        #expect(
            throws: TaskDataError.invalidValue(
                field: "lookup",
                value: conflicting,
                reason: "Conflicting matchers: ['data__a', 'data__a__in']"
            )
        ) { try readMultiple(conflicting) }
    }
}
