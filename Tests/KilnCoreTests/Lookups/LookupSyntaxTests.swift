import KilnCore
import Testing

@Suite("Lookup syntax: parsing, validation and rendering")
struct LookupSyntaxTests {
    func parse(_ value: JSONValue) throws(LookupFailure) -> ParsedLookup { try ParsedLookup(parsing: value) }

    func expectInvalid(_ value: JSONValue, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: LookupFailure.invalid(message), sourceLocation: sourceLocation) { try parse(value) }
    }

    func stringLookup(_ text: String) throws -> StringLookup {
        guard case .single(.string(let lookup)) = try parse(.string(text)) else {
            Issue.record("'\(text)' did not parse as a string lookup")
            throw LookupFailure.invalid(text)
        }
        return lookup
    }

    // MARK: First segments and prefixes

    @Test("first segment forms")
    func firstSegments() throws {
        #expect(try stringLookup("12@artifacts").first == .artifactID(12))
        #expect(try stringLookup("7@collections").first == .collectionID(7))
        #expect(try stringLookup("internal@collections").first == .internalCollection)
        #expect(
            try stringLookup("bookworm@debian:suite").first == .collection(name: "bookworm", category: "debian:suite")
        )
        #expect(try stringLookup("_@debian:archive").first == .collection(name: "_", category: "debian:archive"))
        #expect(try stringLookup("bookworm").first == .bareName("bookworm"))
        // The category is split on the last `@`.
        #expect(
            try stringLookup("user@example@debusine:test").first
                == .collection(name: "user@example", category: "debusine:test")
        )
        // Not a number: an ordinary (never found) collection of category `artifacts`.
        #expect(try stringLookup("x12@artifacts").first == .collection(name: "x12", category: "artifacts"))
        #expect(try parse(12) == .single(.integer(12)))
    }

    @Test("options prefixes")
    func prefixes() throws {
        let plain = try stringLookup("//workspace=developers/bookworm@debian:suite/source:hello")
        #expect(plain.options?.entries == [LookupOption(key: "workspace", value: "developers")])
        #expect(plain.first == .collection(name: "bookworm", category: "debian:suite"))
        #expect(plain.segments.map(\.query) == [.source(name: "hello")])
        // Kept as written; the parsed options are a Python dict (Debusine `tasks/models.py`
        // `_parse_key_value_string`): a repeated key keeps its first place and its last value.
        let scoped = try stringLookup("//workspace=w:scope=s:workspace=v/x@debian:suite")
        #expect(scoped.options?["workspace"] == "v")
        #expect(scoped.options?["scope"] == "s")
        #expect(scoped.options?.canonicalText == "workspace=v:scope=s")
        #expect(scoped.text == "//workspace=w:scope=s:workspace=v/x@debian:suite")
        // Unknown keys and empty values are checked at resolution, not here.
        #expect(try stringLookup("//invalid=value/x@y").options?["invalid"] == "value")
        #expect(try stringLookup("//workspace=/x@y").options?["workspace"] == "")
        // No closing `/`: no options, and the segments are '', '' and 'workspace=w' (`parse_lookup_string`).
        let unclosed = try stringLookup("//workspace=w")
        #expect(unclosed.options == nil)
        #expect(unclosed.first == .bareName(""))
        #expect(unclosed.segments.map(\.text) == ["", "workspace=w"])
    }

    @Test("an option without '=' is invalid syntax")
    func prefixErrors() {
        // Debusine `server/collections/tests/test_lookup.py` `LookupSingleTests.test_lookup_empty_options`.
        expectInvalid("//invalid/x@y", "Invalid syntax in lookup options part of '//invalid/x@y'")
        expectInvalid("///x@y", "Invalid syntax in lookup options part of '///x@y'")
        expectInvalid("//workspace=w:/x@y", "Invalid syntax in lookup options part of '//workspace=w:/x@y'")
        // Python's repr picks double quotes for a lookup holding a single quote.
        expectInvalid("//it's/x@y", #"Invalid syntax in lookup options part of "//it's/x@y""#)
    }

    @Test("only an empty text is an empty lookup; an id out of range is parsed, to be found nowhere")
    func emptyAndOutOfRange() throws {
        expectInvalid("", "Empty lookup")
        // Debusine's `_normalize_lookup_segments` says `Empty lookup` only for an empty string; an empty
        // first segment is a name without a category.
        #expect(try stringLookup("/source:x").first == .bareName(""))
        #expect(try stringLookup("//workspace=w/").first == .bareName(""))
        // Debusine's `int(…)` takes any id and Django finds no row for one out of range (`does not exist or is
        // hidden`, `LookupScenarios` "an id too large for any row").
        #expect(try stringLookup("99999999999999999999999@artifacts").first == .idOutOfRange)
        #expect(try stringLookup("99999999999999999999999@collections").first == .idOutOfRange)
    }

    // MARK: Segments

    @Test("segment forms")
    func segments() throws {
        let segments = try stringLookup(
            "s@debian:suite/name:a/b_1/source:c/source-version:d_1.0-1/binary:e_amd64/binary-version:f_2_all/index:Release"
        ).segments.map(\.query)
        #expect(
            segments == [
                .name("a"), .name("b_1"), .source(name: "c"), .sourceVersion(name: "d", version: "1.0-1"),
                .binary(name: "e", architecture: "amd64"), .binaryVersion(name: "f", version: "2", architecture: "all"),
                .index(path: "Release"),
            ]
        )
        // Debusine's non-greedy split: the name ends at the first `_`, the version may hold more.
        #expect(
            try stringLookup("s@debian:suite/binary-version:g_1_2_3").segments[0].query
                == .binaryVersion(name: "g", version: "1", architecture: "2_3")
        )
        let match = try stringLookup("e@debian:environments/match:codename=bookworm:variant=:format=image")
        #expect(
            match.segments[0].query
                == .match([
                    EnvironmentMatchFilter(key: "codename", value: "bookworm"),
                    EnvironmentMatchFilter(key: "variant", value: ""),
                    EnvironmentMatchFilter(key: "format", value: "image"),
                ])
        )
        #expect(try stringLookup("c@x/name:a:b").segments[0].query == .name("a:b"))
    }

    @Test("malformed segments parse as unrecognized, to fail only when reached")
    func segmentErrors() throws {
        // Debusine reads a segment only in the manager of the collection reached
        // (`server/collections/lookup.py` `lookup_single`), so nothing is refused at parse time.
        for segment in [
            "frobnicate:x", "source:", "source-version:hello", "source-version:_1", "binary:foo", "binary:foo_",
            "binary-version:foo_1", "index:", "match:", "match:codename", "name:",
        ] {
            #expect(try stringLookup("s@debian:suite/\(segment)").segments[0].query == .unrecognized(segment))
        }
        // An empty segment is `name:` (`lookup_single` prefixes a segment without `:`).
        #expect(try stringLookup("s@debian:suite//x").segments[0].query == .unrecognized("name:"))
        #expect(try stringLookup("s@debian:suite/").segments[0].normalizedText == "name:")
    }

    @Test("match: reads its filters as a dict, as DebianEnvironmentsManager.do_lookup does")
    func lenientMatch() throws {
        // Debusine `server/collections/debian_environments.py` `DebianEnvironmentsManager.do_lookup`:
        // `dict(item.split("=", 1) …)`, so unknown keys are kept and a repeated key keeps its last value.
        #expect(
            try stringLookup("e@debian:environments/match:arch=amd64:codename=a:format=iso:codename=b")
                .segments[0].query
                == .match([
                    EnvironmentMatchFilter(key: "arch", value: "amd64"),
                    EnvironmentMatchFilter(key: "codename", value: "b"),
                    EnvironmentMatchFilter(key: "format", value: "iso"),
                ])
        )
    }

    // MARK: JSON forms

    @Test("JSON types that are no lookup")
    func wrongJSONTypes() {
        expectInvalid(true, "A lookup must be a string, an integer, an object or a list, not boolean")
        expectInvalid(1.5, "A lookup must be a string, an integer, an object or a list, not number")
        expectInvalid([[1]], "An element of a multiple lookup must be a string, an integer or an object, not array")
        expectInvalid([nil], "An element of a multiple lookup must be a string, an integer or an object, not null")
        #expect(throws: LookupFailure.invalid("A single lookup must be a string or an integer, not object")) {
            try LookupSingle(parsing: ["collection": "x@y"])
        }
        #expect(throws: LookupFailure.invalid("Lookup of multiple collection items must be a dictionary or a list")) {
            try LookupMultiple(parsing: false)
        }
    }

    // MARK: Dictionaries

    @Test("dictionary keys")
    func dictionaryKeys() throws {
        let parsed = try parse([
            "collection": "trixie", "child_type": "artifact-or-promise", "category": "debian:binary-package",
            "name__startswith": "lib", "data__package": "libc6", "data__version__in": ["1", 2],
            "lookup__binaries": "trixie/source:glibc", "error_on_empty": true,
        ])
        guard case .multiple(let multiple) = parsed, case .dictionary(let dictionary) = multiple.elements.first else {
            Issue.record("not a dictionary lookup: \(parsed)")
            return
        }
        #expect(dictionary.childType == .artifactOrPromise)
        #expect(dictionary.category == "debian:binary-package")
        #expect(dictionary.nameMatcher == (try ItemMatcher(kind: .startswith, value: "lib", key: "name__startswith")))
        #expect(dictionary.dataMatchers["package"]?.kind == .exact)
        #expect(dictionary.dataMatchers["version"]?.kind == .in)
        #expect(
            dictionary.lookupFilters["binaries"] == .single(.string(try StringLookup(parsing: "trixie/source:glibc")))
        )
        #expect(dictionary.errorOnEmpty)
        let defaults = try LookupDictionary(parsing: ["collection": 3])
        #expect(defaults == LookupDictionary(collection: .integer(3)))
    }

    @Test("dictionary errors name the bad key or value")
    func dictionaryErrors() throws {
        expectInvalid(["child_type": "bare"], #"Dictionary lookup {"child_type":"bare"} has no 'collection'"#)
        expectInvalid(["collection": "c@x", "color": 1], "Unknown key 'color' in dictionary lookup")
        expectInvalid(["collection": "c@x", "data": 1], "Unknown key 'data' in dictionary lookup")
        expectInvalid(["collection": "c@x", "lookup__a__b": "x@y"], "Unknown key 'lookup__a__b' in dictionary lookup")
        // Debusine `tasks/models.py` `LookupDict.normalize_matchers` hands an unknown kind to
        // `CollectionItemMatcherKind(kind)`.
        expectInvalid(["collection": "c@x", "name__like": "a"], "'like' is not a valid CollectionItemMatcherKind")
        expectInvalid(["collection": "c@x", "name__a__b": "a"], "Unrecognized matcher: name__a__b")
        // Debusine `tasks/tests/test_models.py` `LookupTests.test_name_matcher_rejects_exact` and
        // `test_data_matcher_rejects_exact`: exact is spelt without a suffix.
        expectInvalid(["collection": "c@x", "name__exact": "a"], "Unrecognized matcher: name__exact")
        expectInvalid(["collection": "c@x", "data__package__exact": "a"], "Unrecognized matcher: data__package__exact")
        expectInvalid(["collection": "c@x", "data__a__b__c": "a"], "Unrecognized matcher: data__a__b__c")
        expectInvalid(["collection": "c@x", "data____exact": "a"], "Unrecognized matcher: data____exact")
        expectInvalid(["collection": "c@x", "data__k__like": "a"], "'like' is not a valid CollectionItemMatcherKind")
        expectInvalid(
            ["collection": "c@x", "name": "a", "name__startswith": "b"],
            "Conflicting matchers: ['name', 'name__startswith']"
        )
        // `normalize_matchers` is a `mode="before"` validator: its errors come before pydantic's own (a missing
        // `collection`, a bad `child_type`, an extra key), and it takes the targets in its sorted order (`data`,
        // `lookup`, `name`).
        expectInvalid(["name": "a", "name__contains": "b"], "Conflicting matchers: ['name', 'name__contains']")
        expectInvalid(
            ["collection": "c@x", "child_type": "nope", "name__exact": "x"], "Unrecognized matcher: name__exact")
        expectInvalid(["collection": "c@x", "color": 1, "data__k__like": "a"], "'like' is not a valid CollectionItemMatcherKind")
        expectInvalid(["collection": 1.5, "name__exact": "x"], "Unrecognized matcher: name__exact")
        expectInvalid(
            ["collection": "c@x", "data__k": "a", "data__k__contains": "b"],
            "Conflicting matchers: ['data__k', 'data__k__contains']"
        )
        expectInvalid(
            ["collection": "c@x", "child_type": "file"],
            #"Invalid child_type "file": expected one of bare, artifact, artifact-or-promise, collection, any"#
        )
        expectInvalid(["collection": "c@x", "category": 3], "'category' must be a string, not integer")
        // `category: None` is pydantic's default, no filter.
        #expect(try LookupDictionary(parsing: ["collection": "c@x", "category": nil]).category == nil)
        // pydantic's lax booleans (`error_on_empty: bool`).
        for (value, flag): (JSONValue, Bool) in [("yes", true), ("Off", false), (1, true), (0, false), ("T", true)] {
            #expect(try LookupDictionary(parsing: ["collection": "c@x", "error_on_empty": value]).errorOnEmpty == flag)
        }
        expectInvalid(
            ["collection": "c@x", "error_on_empty": "maybe"],
            "'error_on_empty' must be a boolean, not string"
        )
        expectInvalid(["collection": "c@x", "error_on_empty": 2], "'error_on_empty' must be a boolean, not integer")
        // A name matcher takes any scalar (`CollectionItemMatcher.value: Any`; Django compares it as text).
        #expect(try LookupDictionary(parsing: ["collection": "c@x", "name": 3]).nameMatcher?.matches("3") == true)
        #expect(
            try LookupDictionary(parsing: ["collection": "c@x", "name__in": ["a", 1]]).nameMatcher?.matches("1") == true
        )
        expectInvalid(["collection": "c@x", "name__in": "a"], "'name__in' must be a list, not string")
        expectInvalid(["collection": "c@x", "name": ["a"]], "'name' must be a string or a number, not array")
        expectInvalid(
            ["collection": "c@x", "data__k__in": [["a"]]],
            "'data__k__in' must be a list of strings or numbers, found array in the list"
        )
        expectInvalid(["collection": "c@x", "data__k": ["a"]], "'data__k' must be a string or a number, not array")
        expectInvalid(["collection": true], "A single lookup must be a string or an integer, not boolean")
        expectInvalid(["collection": ""], "Empty lookup")
        expectInvalid(
            ["collection": "c@x", "lookup__binaries": 1.5],
            "A lookup must be a string, an integer, an object or a list, not number"
        )
    }

    // MARK: Rendering

    @Test("rendering gives the user form back")
    func rendering() throws {
        for text in [
            "bookworm", "0012@artifacts", "//workspace=w/x@y/a", "s@debian:suite/src_1.0/name:x",
            "e@debian:environments/match:codename=bookworm:variant=",
        ] {
            #expect(try parse(.string(text)).exported == .string(text))
        }
        // A lone dictionary renders as itself; defaults are left out.
        #expect(
            try parse([["collection": "c@x", "child_type": "artifact", "name": "a", "error_on_empty": false]])
                .exported == ["collection": "c@x", "name": "a"]
        )
        #expect(try parse(["a@artifacts", 3]).exported == ["a@artifacts", 3])
    }

    @Test("a multiple lookup must be a dictionary or a list")
    func multipleNeedsDictionaryOrList() {
        // Debusine `tasks/tests/test_models.py` `LookupTests.test_wrong_type`.
        for value: JSONValue in ["x@y", 12, true, nil] {
            #expect(throws: LookupFailure.invalid("Lookup of multiple collection items must be a dictionary or a list"))
            {
                try LookupMultiple(parsing: value)
            }
        }
    }

    @Test("the normalised form Debusine stores parses to the same lookup as the user form")
    func normalisedForm() throws {
        // Debusine `tasks/tests/test_models.py` `LookupTests.test_dict` and `test_lookup_filter_multiple`:
        // `LookupDict` accepts its own dumped fields as input.
        let normalised = try LookupDictionary(parsing: [
            "collection": "sid@debian:suite", "child_type": "artifact", "category": nil,
            "name_matcher": ["kind": "startswith", "value": "hello_"],
            "data_matchers": [
                ["architecture", ["kind": "exact", "value": "amd64"]],
                ["version", ["kind": "in", "value": ["1", "2"]]],
            ],
            "lookup_filters": [["binaries", ["sid@debian:suite/source:hello"]]],
            "error_on_empty": false,
        ])
        let userForm = try LookupDictionary(parsing: [
            "collection": "sid@debian:suite", "name__startswith": "hello_", "data__architecture": "amd64",
            "data__version__in": ["1", "2"], "lookup__binaries": ["sid@debian:suite/source:hello"],
        ])
        #expect(normalised == userForm)
        // `normalize_matchers` starts from the normalised fields, so a user-form key for the same target wins.
        let mixed = try LookupDictionary(parsing: [
            "collection": "c@x", "name_matcher": ["kind": "exact", "value": "a"], "name__endswith": "b",
            "data_matchers": [["k", ["kind": "exact", "value": 1]]], "data__k__contains": "z",
        ])
        #expect(mixed.nameMatcher == (try ItemMatcher(kind: .endswith, value: "b", key: "name__endswith")))
        #expect(mixed.dataMatchers["k"]?.kind == .contains)
        // … and the entry it replaces is never read, so a bad one goes unnoticed, as in Debusine.
        let replaced = try LookupDictionary(parsing: [
            "collection": "c@x", "name_matcher": ["kind": "like", "value": "a"], "name": "b",
            "data_matchers": [["k", ["kind": "like", "value": 1]]], "data__k": "z",
            "lookup_filters": [["f", 1.5]], "lookup__f": "sid@debian:suite",
        ])
        #expect(replaced.nameMatcher == (try ItemMatcher(kind: .exact, value: "b", key: "name")))
        #expect(replaced.dataMatchers["k"] == (try ItemMatcher(kind: .exact, value: "z", key: "data__k")))
        #expect(replaced.lookupFilters["f"] == .single(.string(try StringLookup(parsing: "sid@debian:suite"))))
        expectInvalid(
            ["collection": "c@x", "name_matcher": ["kind": "like", "value": "a"]],
            "'name_matcher' kind 'like' is not one of exact, contains, startswith, endswith, in"
        )
        expectInvalid(
            ["collection": "c@x", "data_matchers": [["k"]]],
            #"'data_matchers' must be a list of [key, value] pairs, found ["k"]"#
        )
    }

    @Test("dictionaries render as Debusine's export() shown by Python")
    func pythonRepr() throws {
        // `LookupDict.export()` key order, Python literals, and a lone-dict lookup filter shown as a dict
        // (`LookupMultiple.export()`).
        let dictionary = try LookupDictionary(parsing: [
            "lookup__binaries": ["collection": 5, "name__in": ["a", "it's"]], "error_on_empty": true,
            "data__z": 1.5, "data__a": false, "collection": "c@x", "category": nil,
        ])
        #expect(
            dictionary.pythonRepr
                == "{'collection': 'c@x', 'data__a': False, 'data__z': 1.5, "
                + #"'lookup__binaries': {'collection': 5, 'name__in': ['a', "it's"]}, 'error_on_empty': True}"#
        )
        let listFilter = try LookupDictionary(parsing: ["collection": "c@x", "lookup__binaries": ["a@b/c", 3]])
        #expect(listFilter.pythonRepr == "{'collection': 'c@x', 'lookup__binaries': ['a@b/c', 3]}")
    }
}
