import Foundation
import KilnCore
import PropertyBased
import Testing

@Suite("Input* model (Debusine `tasks/models.py`): closed JSON objects with exact snake_case keys")
struct InputModelTests {
    static let sourceExample: JSONValue = [
        "label": "input.source_artifact", "lookup": 1, "artifact_id": 1, "category": "debian:source-package",
        "data": [
            "name": "hello", "version": "1.0-1", "type": "dpkg",
            "dsc_fields": ["Package": "hello", "Version": "1.0-1"],
        ],
    ]

    func encode(_ value: some Encodable) throws -> JSONValue {
        try JSONValue.parse(JSONEncoder().encode(value))
    }

    func decode<T: Decodable>(_ type: T.Type, _ json: JSONValue) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.compactJSON.utf8))
    }

    @Test("a stored input_source_artifact value reads and writes back unchanged (Debusine `tasks/models.py` `InputArtifactSingle`)")
    func specExampleRoundTrip() throws {
        let single = try decode(InputArtifactSingle.self, Self.sourceExample)
        #expect(single.label == "input.source_artifact")
        #expect(single.lookup == .id(1))
        #expect(single.artifactID == 1)
        #expect(single.data["name"] == "hello")
        #expect(single.resolvedIDs == [1])
        #expect(try encode(single) == Self.sourceExample)
        #expect(single.json == Self.sourceExample)
    }

    @Test(
        "unknown keys are rejected with an error naming the key",
        arguments: [
            ("InputArtifactSingle", "extra"), ("InputArtifactMultiple", "artifact_ids"),
            ("InputCollectionSingle", "id"),
        ]
    )
    func unknownKeysRejected(model: String, key: String) throws {
        let error: InputModelError
        switch model {
        case "InputArtifactSingle":
            var object = try #require(Self.sourceExample.objectValue)
            object[key] = 1
            error = try #require(throws: InputModelError.self) { try InputArtifactSingle(json: .object(object)) }
        case "InputArtifactMultiple":
            error = try #require(throws: InputModelError.self) {
                try InputArtifactMultiple(json: ["label": "x", "lookup": [1], "artifacts": [], key: [1]])
            }
        default:
            error = try #require(throws: InputModelError.self) {
                try InputCollectionSingle(json: [
                    "label": "suite", "lookup": "sid@debian:suite", "collection_id": 10, "scope_name": "debian",
                    "workspace_name": "base", "category": "debian:suite", "name": "sid", key: 3,
                ])
            }
        }
        #expect(error == .unknownKey(model: model, key: key))
        #expect(error.description.contains("'\(key)'"))
    }

    @Test("Codable decoding reports the unknown key too")
    func codableRejectsUnknownKey() throws {
        let bad: JSONValue = ["artifact_id": 3, "surprise": true]
        let error = try #require(throws: InputModelError.self) { try decode(BaseTaskInputArtifact.self, bad) }
        #expect(error == .unknownKey(model: "BaseTaskInputArtifact", key: "surprise"))
    }

    @Test("category must be a known artifact category, and data needs a category")
    func categoryRules() {
        #expect(throws: InputModelError.unknownCategory(model: "BaseTaskInputArtifact", category: "debian:nonsense")) {
            try BaseTaskInputArtifact(artifactID: 1, category: "debian:nonsense", data: nil)
        }
        #expect(throws: InputModelError.dataWithoutCategory(model: "InputArtifactSingle")) {
            try InputArtifactSingle(json: ["label": "x", "lookup": 1, "data": ["a": 1]])
        }
        #expect(
            throws: InputModelError.unknownCategory(model: "InputCollectionSingle", category: "debian:source-package")
        ) {
            try InputCollectionSingle(
                label: "x",
                lookup: .id(1),
                collectionID: 1,
                scopeName: "s",
                workspaceName: "w",
                category: "debian:source-package",
                name: "n"
            )
        }
    }

    @Test("lookup must be an integer or a string")
    func lookupType() {
        #expect(
            throws: InputModelError.wrongType(
                model: "InputArtifactSingle",
                key: "lookup",
                expected: "an integer or a string",
                found: [1]
            )
        ) {
            try InputArtifactSingle(json: ["label": "x", "lookup": [1]])
        }
    }

    /// Debusine `tasks/tests/test_models.py` `InputArtifactMultipleTests::test_serialize`; the model reads a lookup
    /// in the user form as well as the normalised one (the resolver writes the latter). A bare integer
    /// element is refused, as Debusine's model refuses it (Kiln used to read it as a legacy id-only artifact),
    /// and `artifacts` defaults to `[]` (`default_factory=list`).
    @Test("multiple values read either lookup form; elements are objects; artifacts default to []")
    func multipleUserForm() throws {
        let userLookup: JSONValue = [
            "collection": "sid@debian:suite", "child_type": "artifact", "data__package": "hello",
        ]
        let multiple = try InputArtifactMultiple(json: [
            "label": "input.binary_artifacts", "lookup": userLookup, "artifacts": [["artifact_id": 5]],
        ])
        #expect(multiple.lookup == userLookup)
        #expect(multiple.artifactIDs == [5])
        #expect(
            multiple.json == [
                "label": "input.binary_artifacts", "lookup": userLookup,
                "artifacts": [["artifact_id": 5, "category": nil, "data": nil]],
            ]
        )
        #expect(throws: InputModelError.notAnObject(model: "BaseTaskInputArtifact", found: 4)) {
            try InputArtifactMultiple(json: ["label": "x", "lookup": [4], "artifacts": [4]])
        }
        let noArtifacts = try InputArtifactMultiple(json: ["label": "field", "lookup": ["test"]])
        #expect(noArtifacts.artifacts.isEmpty)
        #expect(noArtifacts.json == ["label": "field", "lookup": ["test"], "artifacts": []])
    }

    /// Debusine's `LookupDict.normalize_matchers` and `LookupMultiple.normalize` (`tasks/models.py`): data
    /// matchers and lookup filters become `[key, value]` pairs sorted by key, a nested multiple filter is
    /// normalised too, defaults are spelled out.
    @Test("LookupMultiple.modelDump spells out Debusine's normalised LookupDict")
    func lookupModelDump() throws {
        let user: JSONValue = [
            "collection": 5, "child_type": "collection", "category": "debian:suite", "name__in": ["a", "b"],
            "data__z": 1, "data__a__contains": "x", "lookup__same_as": ["collection": "c"], "lookup__id": 3,
            "error_on_empty": true,
        ]
        let defaults: [String: JSONValue] = [
            "child_type": "artifact", "category": nil, "name_matcher": nil, "data_matchers": [],
            "lookup_filters": [], "error_on_empty": false,
        ]
        var nested = defaults
        nested["collection"] = "c"
        #expect(
            try LookupMultiple(parsing: user).modelDump == [
                [
                    "collection": 5, "child_type": "collection", "category": "debian:suite",
                    "name_matcher": ["kind": "in", "value": ["a", "b"]],
                    "data_matchers": [
                        ["a", ["kind": "contains", "value": "x"]], ["z", ["kind": "exact", "value": 1]],
                    ],
                    "lookup_filters": [["id", 3], ["same_as", [.object(nested)]]],
                    "error_on_empty": true,
                ]
            ]
        )
        // The dump parses back to the same lookup, as Debusine's `normalize_matchers` accepts its own dump.
        let parsed = try LookupMultiple(parsing: user)
        #expect(try LookupMultiple(parsing: parsed.modelDump) == parsed)
        #expect(try LookupMultiple(parsing: ["test", 4]).modelDump == ["test", 4])
        #expect(try LookupMultiple(parsing: []).modelDump == [])
    }

    /// Debusine's `LookupMultiple` validator (`tasks/models.py`): a bare single lookup is not a multiple lookup.
    @Test("a multiple lookup must be an object or a list", arguments: [JSONValue.string("test"), .int(1)])
    func multipleLookupShape(lookup: JSONValue) throws {
        let error = try #require(throws: InputModelError.self) {
            try InputArtifactMultiple(json: ["label": "field", "lookup": lookup])
        }
        #expect(error == .multipleLookupShape(model: "InputArtifactMultiple"))
        #expect(error.description.contains("Lookup of multiple collection items must be a dictionary or a list"))
    }

    /// Debusine `tasks/tests/test_models.py` `BaseTaskInputArtifactTests::test_serialize_data_none`,
    /// `test_serialize_category_data_none`, `test_deserialize_data_none`, `test_deserialize_category_data_none`:
    /// every member is written, None as null, and null reads back as None (Kiln used to leave nil members out).
    @Test("BaseTaskInputArtifact writes null members and reads them back")
    func nullMembers() throws {
        let dataNone = try BaseTaskInputArtifact(artifactID: 1, category: "debian:binary-package", data: nil)
        let dataNoneJSON: JSONValue = ["artifact_id": 1, "category": "debian:binary-package", "data": nil]
        #expect(dataNone.json == dataNoneJSON)
        #expect(try BaseTaskInputArtifact(json: dataNoneJSON) == dataNone)
        let bothNone = try BaseTaskInputArtifact(artifactID: 1, category: nil, data: nil)
        let bothNoneJSON: JSONValue = ["artifact_id": 1, "category": nil, "data": nil]
        #expect(bothNone.json == bothNoneJSON)
        #expect(try BaseTaskInputArtifact(json: bothNoneJSON) == bothNone)
        #expect(try encode(bothNone) == bothNoneJSON)
    }

    /// Debusine `tasks/tests/test_models.py` `BaseTaskInputArtifactTests::test_serialize_category_none`,
    /// `test_deserialize_category_none` and `test_serialize_invalid_category`: Debusine's validator sentences.
    /// Debusine `tasks/models.py` `BaseTaskInputArtifact.serialize_data`: `data.model_dump()`, every field of the
    /// category's model written, defaults included, URLs as pydantic writes them.
    @Test("the saved form of an input artifact's data is its model's dump; the value keeps the data as stored")
    func savedDataIsTheModelDump() throws {
        let tarball: [String: JSONValue] = [
            "filename": "t.tar.xz", "vendor": "debian", "codename": "sid", "mirror": "http://deb.debian.org",
            "components": ["main"], "pkglist": [:], "architecture": "amd64", "with_dev": true, "with_init": "yes",
        ]
        let environment = try BaseTaskInputArtifact(artifactID: 3, category: KnownCategories.systemTarball, data: tarball)
        #expect(environment.data == tarball)
        let saved = try #require(environment.json.value(atPath: "data")?.objectValue)
        #expect(saved["variant"] == .null && saved.keys.contains("variant"))
        #expect(saved["mirror"] == "http://deb.debian.org/")
        #expect(saved["with_init"] == true)
        #expect(saved["codename"] == "sid")

        let signing = try BaseTaskInputArtifact(artifactID: 5, category: KnownCategories.signingInput, data: [:])
        #expect(signing.json.value(atPath: "data") == ["trusted_certs": nil, "binary_package_name": nil])

        let log = try BaseTaskInputArtifact(
            artifactID: 7, category: KnownCategories.packageBuildLog,
            data: [
                "source": "hello", "version": "1.0", "filename": "hello.build",
                "bd_uninstallable": [
                    "output-version": "1.2", "report": [], "total-packages": 1, "broken-packages": 0,
                    "background-packages": 0, "foreground-packages": 1,
                ],
            ])
        #expect(log.json.value(atPath: "data.architecture") == .null)
        #expect(log.json.value(atPath: "data.bd_uninstallable.native-architecture") == .null)
        #expect(log.json.value(atPath: "data.bd_uninstallable.output-version") == "1.2")

        // Data a model does not know (written to the database unchecked) is kept.
        let test = try BaseTaskInputArtifact(artifactID: 42, category: KnownCategories.test, data: ["anything": 1])
        #expect(test.json.value(atPath: "data") == ["anything": 1])
    }

    @Test("BaseTaskInputArtifact refuses data without a category and unknown categories, in Debusine's words")
    func validatorMessages() throws {
        let data: [String: JSONValue] = ["srcpkg_name": "unsigned", "srcpkg_version": "1.0"]
        let noCategory = try #require(throws: InputModelError.self) {
            try BaseTaskInputArtifact(artifactID: 1, category: nil, data: data)
        }
        #expect(noCategory.description.contains("Category must be present if data is supplied"))
        let readNoCategory = try #require(throws: InputModelError.self) {
            try BaseTaskInputArtifact(json: ["artifact_id": 1, "category": nil, "data": .object(data)])
        }
        #expect(readNoCategory.description.contains("Category must be present if data is supplied"))
        let unknown = try #require(throws: InputModelError.self) {
            try BaseTaskInputArtifact(artifactID: 1, category: "foo", data: data)
        }
        #expect(unknown.description.contains("Category 'foo' is not supported"))
    }

    /// Debusine `tasks/tests/test_models.py` `InputArtifactSingleTests::test_serialize`: five keys, nulls kept.
    @Test("InputArtifactSingle writes label, lookup and the three artifact members")
    func singleKeys() throws {
        let single = InputArtifactSingle(
            label: "field",
            lookup: .string("test"),
            artifact: try BaseTaskInputArtifact(artifactID: 1, category: nil, data: nil)
        )
        #expect(single.json == ["lookup": "test", "label": "field", "artifact_id": 1, "category": nil, "data": nil])
        #expect(try InputArtifactSingle(json: single.json) == single)
    }

    /// Debusine `tasks/tests/test_models.py` `InputCollectionSingleTests::test_serialize`; `data` is required
    /// (Kiln used to default it to `{}`).
    @Test("InputCollectionSingle requires data")
    func collectionDataRequired() {
        #expect(throws: InputModelError.missingKey(model: "InputCollectionSingle", key: "data")) {
            try InputCollectionSingle(json: [
                "label": "field", "lookup": "test", "collection_id": 1, "scope_name": "scope",
                "workspace_name": "workspace", "category": "debian:suite", "name": "name",
            ])
        }
    }

    @Test("collection input writes every key, snake_case")
    func collectionKeys() throws {
        let suite = try InputCollectionSingle(
            label: "suite",
            lookup: .string("sid@debian:suite"),
            collectionID: 10,
            scopeName: "debian",
            workspaceName: "base",
            category: "debian:suite",
            name: "sid",
            data: ["release_fields": ["Suite": "unstable"]]
        )
        let json = try encode(suite)
        #expect(
            Set(json.objectValue?.keys.map { $0 } ?? []) == [
                "label", "lookup", "collection_id", "scope_name", "workspace_name", "category", "name", "data",
            ]
        )
        #expect(try decode(InputCollectionSingle.self, json) == suite)
    }

    static let categories = Array(KnownCategories.artifacts).sorted()

    /// Builds an `InputArtifactSingle` from a list of small integers (no `Gen.zip` in PropertyBased).
    static func single(from seeds: [Int]) throws -> InputArtifactSingle {
        let pick = { (index: Int) in seeds[index % seeds.count] }
        let lookup: SingleLookup = pick(0) % 2 == 0 ? .id(pick(1)) : .string("name\(pick(1))@debian:suite/x")
        let hasCategory = pick(2) % 3 != 0
        let category = hasCategory ? categories[pick(3) % categories.count] : nil
        var data: [String: JSONValue]?
        if hasCategory, pick(4) % 2 == 0 {
            data = [
                "n": .int(pick(0)), "s": .string("v\(pick(1))"), "b": .bool(pick(2) % 2 == 0),
                "l": [.int(pick(3)), nil],
            ]
        }
        let artifact = try BaseTaskInputArtifact(
            artifactID: pick(5) % 4 == 0 ? nil : pick(5),
            category: category,
            data: data
        )
        return InputArtifactSingle(label: "input.f\(pick(1))", lookup: lookup, artifact: artifact)
    }

    /// The saved form is a fixed point: what a worker reads back saves the same. (The values themselves may differ:
    /// the saved artifact data is its model's dump, defaults included, while a resolved value keeps the data as
    /// stored.)
    @Test("property: Input* values survive a Codable round trip (their saved form is a fixed point)")
    func codableRoundTripProperty() async {
        await propertyCheck(input: Gen.int(in: 0...1_000).array(of: 1...8)) { seeds in
            let single = try Self.single(from: seeds)
            #expect(try encode(decode(InputArtifactSingle.self, try encode(single))) == (try encode(single)))
            let multiple = InputArtifactMultiple(
                label: single.label,
                lookup: .array(seeds.map(JSONValue.int)),
                artifacts: try seeds.map { try Self.single(from: [$0, $0 + 1, $0 + 2]).artifact }
            )
            #expect(try encode(decode(InputArtifactMultiple.self, try encode(multiple))) == (try encode(multiple)))
            let collection = try InputCollectionSingle(
                label: single.label,
                lookup: single.lookup,
                collectionID: seeds[0],
                scopeName: "s\(seeds.count)",
                workspaceName: "w",
                category: Array(KnownCategories.collections).sorted()[seeds[0] % KnownCategories.collections.count],
                name: "n\(seeds.last ?? 0)",
                data: single.data
            )
            #expect(try decode(InputCollectionSingle.self, try encode(collection)) == collection)
        }
    }
}
