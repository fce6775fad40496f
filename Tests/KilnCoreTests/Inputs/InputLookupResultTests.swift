import KilnCore
import Testing

/// Reading back saved `copycollectionitems` values as Debusine's models read them (`db/tasks/models.py`
/// `DBInputLookupResult`, `server/tasks/inputs/models.py` `CopyCollectionItemsCopiesInfo`).
@Suite("Saved lookup results and copies read back as Debusine's models read them")
struct InputLookupResultTests {
    static func result(lookup: JSONValue) -> JSONValue {
        [
            "label": "copies[0].source_items", "result_type": "artifact", "lookup": lookup,
            "parent_collection_lookup": nil, "collection_item_id": nil, "artifact_id": 2, "collection_id": nil,
        ]
    }

    @Test("a lookup is a single lookup or a lookup dictionary (`LookupSingle | LookupDict`), nothing else")
    func lookupType() throws {
        for accepted: JSONValue in ["2@artifacts", 2, ["collection": "sid@debian:suite"]] {
            #expect(try InputLookupResult(json: Self.result(lookup: accepted)).lookup == accepted)
        }
        for refused: JSONValue in [true, [1, 2], ["collection": "sid@debian:suite", "frobnicate": 1]] {
            #expect(throws: InputModelError.self) { try InputLookupResult(json: Self.result(lookup: refused)) }
        }
        #expect(throws: InputModelError.self) {
            var json = Self.result(lookup: 2).objectValue ?? [:]
            json["result_type"] = "promise"
            return try InputLookupResult(json: .object(json))
        }
    }

    @Test("the copy flags are false when absent, read as pydantic's lax bool, and null is refused")
    func copyFlags() throws {
        func copy(_ flags: [String: JSONValue]) throws -> InputCollectionItemCopies {
            var json: [String: JSONValue] = [
                "label": "copies[0]", "source_items": [Self.result(lookup: "2@artifacts")],
                "target_collection": [
                    "label": "copies[0].target_collection", "lookup": "sid@debian:suite", "collection_id": 10,
                    "scope_name": "debian", "workspace_name": "base", "category": "debian:suite", "name": "sid",
                    "data": [:],
                ],
            ]
            json.merge(flags) { $1 }
            return try InputCollectionItemCopies(json: .object(json))
        }
        let defaults = try copy([:])
        #expect(!defaults.move && !defaults.unembargo && !defaults.replace)
        #expect(try copy(["move": "yes", "replace": 1]).move && copy(["replace": 1]).replace)
        #expect(throws: InputModelError.self) { try copy(["move": nil]) }
        #expect(throws: InputModelError.self) { try copy(["unembargo": "maybe"]) }
    }
}
