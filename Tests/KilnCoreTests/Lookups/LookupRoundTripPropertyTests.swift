import KilnCore
import PropertyBased
import Testing

@Suite("Lookup parse → render → parse is stable")
struct LookupRoundTripPropertyTests {
    @Test("generated lookups of every form round-trip through their user form")
    func roundTrip() async {
        await propertyCheck(input: Gen.int(in: 0...10_000).array(of: 1...30)) { seeds in
            var remaining = seeds[...]
            let lookup = Self.lookup(from: &remaining)
            let parsed = try #require(
                try? ParsedLookup(parsing: lookup),
                "generated lookup \(lookup.compactJSON) is valid"
            )
            let rendered = parsed.exported
            let reparsed = try #require(try? ParsedLookup(parsing: rendered), "rendered \(rendered.compactJSON) parses")
            #expect(reparsed == parsed, "\(lookup.compactJSON) → \(rendered.compactJSON)")
            #expect(reparsed.exported == rendered)
        }
    }

    // MARK: Generation from a list of numbers (so shrinking the list shrinks the lookup)

    static func next(_ seeds: inout ArraySlice<Int>) -> Int { seeds.popFirst() ?? 0 }

    static func pick<T>(_ options: [T], _ seeds: inout ArraySlice<Int>) -> T { options[next(&seeds) % options.count] }

    static func word(_ seeds: inout ArraySlice<Int>) -> String {
        pick(["hello", "libc6", "bookworm", "a-b", "x.y", "_", "v1", "trixie"], &seeds)
    }

    static func lookup(from seeds: inout ArraySlice<Int>) -> JSONValue {
        switch next(&seeds) % 4 {
        case 0: .string(stringLookup(&seeds))
        case 1: .int(next(&seeds))
        case 2: dictionary(&seeds)
        default: .array((0...(next(&seeds) % 3)).map { _ in element(&seeds) })
        }
    }

    static func element(_ seeds: inout ArraySlice<Int>) -> JSONValue {
        switch next(&seeds) % 3 {
        case 0: .string(stringLookup(&seeds))
        case 1: .int(next(&seeds))
        default: dictionary(&seeds)
        }
    }

    static func stringLookup(_ seeds: inout ArraySlice<Int>) -> String {
        let prefix = pick(["", "", "//workspace=w/", "//scope=s:workspace=w/", "//workspace=w:scope=s/"], &seeds)
        let first: String =
            switch next(&seeds) % 7 {
            case 0: "\(next(&seeds))@artifacts"
            case 1: "\(next(&seeds))@collections"
            case 2: "internal@collections"
            case 3: "_@debian:archive"
            case 4: word(&seeds)
            case 5: "\(word(&seeds))@\(word(&seeds))@debusine:test"
            default: "\(word(&seeds))@debian:suite"
            }
        let segments = (0..<(next(&seeds) % 3)).map { _ in segment(&seeds) }
        return ([prefix + first] + segments).joined(separator: "/")
    }

    static func segment(_ seeds: inout ArraySlice<Int>) -> String {
        switch next(&seeds) % 8 {
        case 0: "name:\(word(&seeds))"
        case 1: "\(word(&seeds))_1.0"
        case 2: "source:\(word(&seeds))"
        case 3: "source-version:\(word(&seeds))_1.0-\(next(&seeds) % 9)"
        case 4: "binary:\(word(&seeds))_amd64"
        case 5: "binary-version:\(word(&seeds))_2_all"
        case 6: "index:\(word(&seeds))"
        default:
            "match:"
                + pick(
                    ["codename=bookworm", "variant=", "format=image:backend=unshare", "architecture=i386:variant=x"],
                    &seeds
                )
        }
    }

    static func dictionary(_ seeds: inout ArraySlice<Int>) -> JSONValue {
        var object: [String: JSONValue] =
            ["collection": next(&seeds) % 4 == 0 ? .int(next(&seeds)) : .string(stringLookup(&seeds))]
        let flags = next(&seeds)
        if flags & 1 != 0 { object["child_type"] = .string(pick(LookupExpectType.allCases, &seeds).rawValue) }
        if flags & 2 != 0 { object["category"] = .string(word(&seeds)) }
        if flags & 4 != 0 {
            let kind = pick(ItemMatchKind.allCases, &seeds)
            // Exact is spelt without a suffix: `name__exact` is refused (Debusine `tasks/tests/test_models.py`
            // `LookupTests.test_name_matcher_rejects_exact`).
            let key = kind == .exact ? "name" : "name__\(kind.rawValue)"
            object[key] = kind == .in ? [.string(word(&seeds)), .string(word(&seeds))] : .string(word(&seeds))
        }
        if flags & 8 != 0 {
            let kind = pick(ItemMatchKind.allCases, &seeds)
            let key =
                "data__\(pick(["package", "version", "some_id"], &seeds))"
                + (kind == .exact ? "" : "__\(kind.rawValue)")
            object[key] = kind == .in ? [.int(next(&seeds)), .string(word(&seeds))] : .int(next(&seeds))
        }
        if flags & 16 != 0 {
            object["lookup__binaries"] =
                flags & 128 != 0
                ? .array([.string(stringLookup(&seeds)), .int(next(&seeds))]) : .string(stringLookup(&seeds))
        }
        if flags & 32 != 0 { object["error_on_empty"] = .bool(next(&seeds) % 2 == 0) }
        return .object(object)
    }
}
