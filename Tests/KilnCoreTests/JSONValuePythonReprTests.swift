import KilnCore
import Testing

/// Expected texts are what CPython 3's `repr()` prints for the same values (Debusine formats its messages with
/// f-strings over Python values, e.g. `debusine/server/collections/lookup.py`'s errors).
@Suite("Python repr of JSON values, for Debusine's message texts")
struct JSONValuePythonReprTests {
    @Test("strings pick Python's quote and escape what Python escapes", arguments: [
        ("a", "'a'"),
        ("it's", "\"it's\""),
        ("say \"hi\"", "'say \"hi\"'"),
        ("both ' and \"", "'both \\' and \"'"),
        ("tab\there", "'tab\\there'"),
        ("nl\n\r", "'nl\\n\\r'"),
        ("back\\slash", "'back\\\\slash'"),
        ("é😀", "'é😀'"),
        ("\u{07}\u{7f}", "'\\x07\\x7f'"),
        ("\u{200b}", "'\\u200b'"),
        ("\u{a0}", "'\\xa0'"),
        ("\u{E000}", "'\\ue000'"),
    ])
    func strings(text: String, expected: String) {
        #expect(JSONValue.string(text).pythonRepr == expected)
    }

    @Test("floats use Python's notation over the shortest round-trip digits", arguments: [
        (0.0, "0.0"), (-0.0, "-0.0"), (1.0, "1.0"), (1.5, "1.5"), (-2.25, "-2.25"), (100.0, "100.0"),
        (1e15, "1000000000000000.0"), (1e16, "1e+16"), (1.5e16, "1.5e+16"), (123456789.125, "123456789.125"),
        (0.0001, "0.0001"), (0.00012, "0.00012"), (1e-05, "1e-05"), (1.5e-07, "1.5e-07"), (3.14159, "3.14159"),
        (1e300, "1e+300"), (2.5e-300, "2.5e-300"), (0.1 + 0.2, "0.30000000000000004"),
    ])
    func floats(number: Double, expected: String) {
        #expect(JSONValue.double(number).pythonRepr == expected)
    }

    @Test("containers and scalars read as the Python literals")
    func containers() {
        #expect(JSONValue.array(["debian:source-package"]).pythonRepr == "['debian:source-package']")
        #expect(JSONValue.object(["k": [.null, true, false, 3]]).pythonRepr == "{'k': [None, True, False, 3]}")
        #expect(JSONValue.object(["b": 1, "a": "x"]).pythonRepr == "{'a': 'x', 'b': 1}")
        #expect(JSONValue.array([]).pythonRepr == "[]")
        #expect(JSONValue.object([:]).pythonRepr == "{}")
    }
}
