import KilnCore
import KilnTestSupport
import Testing

@Suite("Artifact data models (Debusine `artifacts/models.py`, `db/models/artifacts.py` `Artifact.clean`)")
struct ArtifactDataModelsTests {
    private func problem(_ category: String, _ data: JSONValue) -> ArtifactDataError? {
        do {
            try ArtifactDataModels.validate(category: category, data: data)
            return nil
        } catch {
            return error
        }
    }

    private func failures(_ category: String, _ data: JSONValue) -> [PydanticValidationError.Failure] {
        guard case .invalidData(let error)? = problem(category, data) else { return [] }
        return error.failures
    }

    @Test("every category Debusine 0.16 knows has a model, and its sample data validates")
    func samplesValidate() {
        #expect(Set(ArtifactDataSamples.valid.keys) == KnownCategories.artifacts)
        for (category, data) in ArtifactDataSamples.valid {
            #expect(problem(category, data) == nil, "\(category)")
        }
    }

    @Test("leaving out any required key is `Field required` at that key, with the whole data as input")
    func everyRequiredKey() throws {
        for (category, data) in ArtifactDataSamples.valid {
            let model = try #require(ArtifactDataModels.byCategory[category])
            for field in model.fields where !field.hasDefault {
                var members = try #require(data.objectValue)
                members[field.key] = nil
                let found = failures(category, .object(members))
                #expect(
                    found == [.init(location: field.key, message: "Field required", type: "missing", input: .object(members))],
                    "\(category) without \(field.key)")
            }
        }
    }

    @Test("an unknown category, and data that is not an object (test_artifacts.py `test_clean`)")
    func categoryAndShape() {
        #expect(problem("missing:does-not-exist", [:])?.description == "missing:does-not-exist: invalid artifact category")
        #expect(problem("missing:does-not-exist", [:])?.field == "category")
        #expect(problem("debusine:work-request-debug-logs", []) == .notADictionary)
        #expect(problem("debusine:work-request-debug-logs", [])?.description == "data must be a dictionary")
    }

    @Test("an empty package build log: three errors for DebianPackageBuildLog (test_artifacts.py `test_clean`)")
    func emptyBuildLog() throws {
        let text = try #require(problem("debian:package-build-log", [:])?.description)
        #expect(text.hasPrefix("invalid artifact data: 3 validation errors for DebianPackageBuildLog\n"))
        #expect(text == """
            invalid artifact data: 3 validation errors for DebianPackageBuildLog
            source
              Field required [type=missing, input_value={}, input_type=dict]
            version
              Field required [type=missing, input_value={}, input_type=dict]
            filename
              Field required [type=missing, input_value={}, input_type=dict]
            """)
    }

    @Test("dsc_fields missing (test_models.py `test_dsc_fields_missing`); unknown keys are extra inputs")
    func sourcePackage() {
        let found = failures("debian:source-package", ["name": "n", "version": "v", "type": "dpkg", "Name": "x"])
        #expect(found.map(\.location) == ["dsc_fields", "Name"])
        #expect(found.map(\.type) == ["missing", "extra_forbidden"])
        #expect(found.last?.message == "Extra inputs are not permitted")
        #expect(failures("debian:source-package", ["name": "n", "version": 1, "type": "rpm", "dsc_fields": [:]])
            == [
                .init(location: "version", message: "Input should be a valid string", type: "string_type", input: 1),
                .init(location: "type", message: "Input should be 'dpkg'", type: "literal_error", input: "rpm"),
            ])
        #expect(failures("debusine:test", ["a": 1]).map(\.type) == ["extra_forbidden"])
    }

    @Test("debian:upload's changes_fields rules (test_models.py `DebianUploadTests`)")
    func uploadRules() {
        func upload(_ architecture: String, _ names: [String]) -> JSONValue {
            ["type": "dpkg", "changes_fields": ["Architecture": .string(architecture),
                                                "Files": .array(names.map { ["name": .string($0)] })]]
        }
        func message(_ data: JSONValue) -> String? {
            let found = failures("debian:upload", data)
            return found.count == 1 && found[0].location == "changes_fields" ? found[0].message : nil
        }
        #expect(message(["type": "dpkg", "changes_fields": ["Files": []]])
            == "Value error, changes_fields must contain Architecture")
        #expect(message(["type": "dpkg", "changes_fields": ["Architecture": "source"]])
            == "Value error, changes_fields must contain Files")
        #expect(message(upload("amd64", ["foo.dsc"]))
            == "Value error, No .debs found in ['foo.dsc'] which is expected to contain binaries for amd64")
        #expect(message(upload("source", ["foo.deb", "foo.dsc"]))
            == "Value error, Unexpected binary packages ['foo.deb'] found in source-only upload.")
        #expect(message(upload("source", ["foo.dsc", "foo_amd64.buildinfo"]))
            == "Value error, Unexpected non-source .buildinfo files ['foo_amd64.buildinfo'] found in source-only upload.")
        #expect(message(upload("source", ["foo.dsc", "foo_source.buildinfo"])) == nil)
        #expect(message(upload("amd64 source", ["foo_amd64.deb", "foo_amd64.buildinfo", "foo.dsc"])) == nil)
        #expect(message(upload("source", ["foo.tar.xz"]))
            == "Value error, Expected to find one and only one source package in source upload. Found [].")
        #expect(message(upload("source", ["a.dsc", "b.dsc"]))
            == "Value error, Expected to find one and only one source package in source upload. Found ['a.dsc', 'b.dsc'].")
        #expect(message(upload("amd64", ["foo_amd64.deb", "foo.dsc"]))
            == "Value error, Binary uploads cannot contain source packages. Found: ['foo.dsc'].")
        #expect(message(upload("amd64", ["foo_amd64.deb"])) == nil)
        #expect(message(["type": "dpkg", "changes_fields": ["Architecture": ["amd64"], "Files": []]])
            == "Value error, changes_fields Architecture must be a string")
        // Python iterates an empty text or dictionary as no files; U+001F separates architectures as a space does.
        #expect(message(["type": "dpkg", "changes_fields": ["Architecture": "source", "Files": ""]])
            == "Value error, Expected to find one and only one source package in source upload. Found [].")
        #expect(message(["type": "dpkg", "changes_fields": ["Architecture": "source", "Files": [:]]])
            == "Value error, Expected to find one and only one source package in source upload. Found [].")
        #expect(message(upload("source\u{1F}amd64", ["foo.dsc"]))
            == "Value error, No .debs found in ['foo.dsc'] which is expected to contain binaries for amd64, source")
    }

    @Test("debug symbols: 40 lowercase hex digits, no duplicates (test_models.py `test_invalid_inputs`)")
    func debugSymbols() {
        let pattern = "String should match pattern '^[0-9a-f]{40}$'"
        for bad in ["abc123", String(repeating: "A", count: 40), String(repeating: "g", count: 40)] {
            #expect(failures("debian:debug-symbols", ["build_ids": [.string(bad)]])
                == [.init(location: "build_ids.0", message: pattern, type: "string_pattern_mismatch", input: .string(bad))])
        }
        // pydantic's `$` ends the text: a final newline does not match.
        let withNewline = JSONValue.string(String(repeating: "a", count: 40) + "\n")
        #expect(failures("debian:debug-symbols", ["build_ids": [withNewline]]).map(\.type) == ["string_pattern_mismatch"])
        let id = JSONValue.string(String(repeating: "a", count: 40))
        #expect(failures("debian:debug-symbols", ["build_ids": [id, id]]).map(\.message)
            == ["Value error, duplicate build_id '\(String(repeating: "a", count: 40))' in build_ids"])
    }

    @Test("signing results name exactly one of output_file and error_message (test_models.py `SigningResultTests`)")
    func signingResults() {
        for result: JSONValue in [["file": "a", "output_file": "b", "error_message": "c"], ["file": "a"]] {
            #expect(failures("debusine:signing-output", ["purpose": "openpgp", "fingerprint": "F", "results": [result]])
                == [.valueError("results.0", "Exactly one of output_file and error_message must be set", input: result)])
        }
        #expect(failures("debusine:signing-output", ["purpose": "gpg", "fingerprint": "F", "results": []]).map(\.message)
            == ["Input should be 'uefi', 'openpgp' or 'openpgp-repository'"])
    }

    @Test("nested models, enumerations as dictionary keys, URLs, lax scalars")
    func nested() {
        #expect(failures("debian:lintian", ["summary": "x"]).map(\.message)
            == ["Input should be a valid dictionary or instance of DebianLintianSummary"])
        var lintian = ArtifactDataSamples.valid["debian:lintian"]!.objectValue!
        lintian["summary"] = .object(lintian["summary"]!.objectValue!.merging(
            ["tags_count_by_severity": ["fatal": 1, "error": "x"]]) { $1 })
        #expect(failures("debian:lintian", .object(lintian)).map { "\($0.location): \($0.type)" }
            == ["summary.tags_count_by_severity.error: int_parsing", "summary.tags_count_by_severity.fatal.[key]: enum"])
        var tarball = ArtifactDataSamples.valid["debian:system-tarball"]!.objectValue!
        tarball["mirror"] = "deb.debian.org"
        tarball["with_dev"] = "maybe"
        tarball["pkglist"] = ["a": 1]
        #expect(failures("debian:system-tarball", .object(tarball)).map { "\($0.location): \($0.message)" } == [
            "mirror: Input should be a valid URL, relative URL without a base",
            "pkglist.a: Input should be a valid string",
            "with_dev: Input should be a valid boolean, unable to interpret input",
        ])
        tarball = ArtifactDataSamples.valid["debian:system-tarball"]!.objectValue!
        tarball["with_dev"] = "yes"
        tarball["mirror"] = "http://"
        #expect(failures("debian:system-tarball", .object(tarball)).map(\.message)
            == ["Input should be a valid URL, empty host"])
        // pydantic-core reads integers and integral floats as booleans it cannot interpret; 0.5 is no boolean.
        for (flag, type) in [(JSONValue.int(2), "bool_parsing"), (.double(2.0), "bool_parsing"), (.double(0.5), "bool_type"),
                             (["x"], "bool_type")] {
            tarball = ArtifactDataSamples.valid["debian:system-tarball"]!.objectValue!
            tarball["with_init"] = flag
            #expect(failures("debian:system-tarball", .object(tarball)).map(\.type) == [type], "\(flag)")
        }
        var image = ArtifactDataSamples.valid["debian:system-image"]!.objectValue!
        image["image_format"] = "vmdk"
        image["size"] = 1.5
        #expect(failures("debian:system-image", .object(image)).map(\.message) == [
            "Input should be 'raw' or 'qcow2'", "Input should be a valid integer, got a number with a fractional part",
        ])
    }

    @Test("a build log's dose3 report: hyphenated keys, and a reason that is neither variant")
    func doseReport() {
        let report: JSONValue = [
            "output-version": "1.2", "total-packages": 10, "broken-packages": 1, "background-packages": 9,
            "foreground-packages": 1,
            "report": [[
                "package": "sbuild-build-depends-main-dummy", "version": "0.invalid.0", "architecture": "amd64",
                "status": "broken",
                "reasons": [["missing": ["pkg": ["package": "x", "version": "1", "unsat-dependency": "libfoo"]]]],
            ]],
        ]
        var log = ArtifactDataSamples.valid["debian:package-build-log"]!.objectValue!
        log["bd_uninstallable"] = report
        #expect(failures("debian:package-build-log", .object(log)) == [])
        log["bd_uninstallable"] = .object(report.objectValue!.merging(["total_packages": 10]) { $1 })
        #expect(failures("debian:package-build-log", .object(log)).map(\.location) == ["bd_uninstallable.total_packages"])
        var package = report.objectValue!["report"]!.arrayValue![0].objectValue!
        package["reasons"] = [["other": [:]]]
        package["status"] = "bad"
        log["bd_uninstallable"] = .object(report.objectValue!.merging(["report": [.object(package)]]) { $1 })
        #expect(failures("debian:package-build-log", .object(log)).map(\.location) == [
            "bd_uninstallable.report.0.status.literal['broken']",
            "bd_uninstallable.report.0.status.literal['ok']",
            "bd_uninstallable.report.0.reasons.0.DoseDistCheckReasonMissing.missing",
            "bd_uninstallable.report.0.reasons.0.DoseDistCheckReasonMissing.other",
            "bd_uninstallable.report.0.reasons.0.DoseDistCheckReasonConflict.conflict",
            "bd_uninstallable.report.0.reasons.0.DoseDistCheckReasonConflict.other",
        ])
    }

    @Test("pydantic's AnyUrl refusals")
    func urls() {
        #expect(PydanticURL.problem("", hostRequired: false) == "input is empty")
        #expect(PydanticURL.problem("/srv/mirror", hostRequired: false) == "relative URL without a base")
        #expect(PydanticURL.problem("1http://x", hostRequired: false) == "relative URL without a base")
        #expect(PydanticURL.problem("https://deb.debian.org/debian", hostRequired: false) == nil)
        #expect(PydanticURL.problem("https://deb.debian.org:99999/", hostRequired: false) == "invalid port number")
        #expect(PydanticURL.problem("https://[::1]:8080/", hostRequired: false) == nil)
        #expect(PydanticURL.problem("file:///srv/mirror", hostRequired: false) == nil)
        #expect(PydanticURL.problem("file:///srv/mirror", hostRequired: true) == "empty host")
        #expect(PydanticURL.problem("mailto:someone", hostRequired: false) == nil)
        #expect(PydanticURL.problem("https:", hostRequired: false) == "empty host")
        // WHATWG trims spaces and controls around the URL and drops tabs and newlines within it.
        #expect(PydanticURL.problem(" https://deb.debian.org/\n", hostRequired: false) == nil)
        #expect(PydanticURL.problem("ht\ttps://deb.debian.org/", hostRequired: false) == nil)
        #expect(PydanticURL.problem("   ", hostRequired: false) == "relative URL without a base")
    }
}
