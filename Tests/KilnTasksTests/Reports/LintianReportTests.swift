import KilnCore
import KilnTasks
import Testing

/// lintian's output read as Debusine reads it (`tasks/tests/test_lintian.py`: `test_parse_output_*`,
/// `test_create_analysis`, `test_task_result_*`).
struct LintianReportTests {
    static let output = """
        N:
        W: hello source: package-uses-deprecated-debhelper-compat-version 9 [debian/compat]
        N:
        N:   The debhelper compatibility level is deprecated.
        N:
        N:   Severity: warning
        N:
        N:
        N:   This override says why.
        O: hello: spelling-error-in-binary teh the [usr/bin/hello]
        E: hello: no-copyright-file
        M: hello: masked-tag
        C: hello source: debian-watch-file-is-missing
        I: hello-doc: some-info-tag
        """

    @Test("tags, notes, pointers, explanations and override comments; masked tags and bare repeats are dropped")
    func parse() throws {
        let report = try LintianReport(output: Self.output)
        #expect(report.tags.map(\.tag) == [
            "package-uses-deprecated-debhelper-compat-version", "spelling-error-in-binary", "no-copyright-file",
            "debian-watch-file-is-missing", "some-info-tag",
        ])
        let first = report.tags[0]
        #expect(first.severity == "warning")
        #expect(first.package == "hello source")
        #expect(first.note == "9")
        #expect(first.pointer == "debian/compat")
        #expect(first.explanation == "The debhelper compatibility level is deprecated.\n\nSeverity: warning")
        #expect(report.tags[1].severity == "overridden")
        #expect(report.tags[1].comment == "This override says why.")
        #expect(report.tags[1].note == "teh the")
        #expect(report.tags[1].pointer == "usr/bin/hello")
        #expect(report.tags[1].json.objectValue?["package"] == "hello")
    }

    @Test("bullseye's bare repeated tag line adds no tag")
    func bareRepeat() throws {
        let report = try LintianReport(output: "W: hello source: some-tag 9\nN:\nW: some-tag\n")
        #expect(report.tags.map(\.tag) == ["some-tag"])
    }

    @Test("fail_on_severity: a tag at or above it in an enabled package fails; none never fails; classification never counts")
    func failOn() throws {
        let report = try LintianReport(output: Self.output)
        let all: Set<String> = ["hello", "hello source", "hello-doc"]
        #expect(report.fails(on: "error", packages: all))
        #expect(!report.fails(on: "error", packages: ["hello source", "hello-doc"]))
        #expect(report.fails(on: "warning", packages: ["hello source"]))
        #expect(!report.fails(on: "none", packages: all))
        #expect(report.fails(on: "info", packages: ["hello-doc"]))
        #expect(!report.fails(on: "warning", packages: ["hello-doc"]))
        let classification = try LintianReport(output: "C: x source: some-classification\n")
        #expect(!classification.fails(on: "overridden", packages: ["x source"]))
    }

    @Test("the analysis of one group: sorted tags, counts by severity, package file names, found and overridden tags")
    func analysis() throws {
        let report = try LintianReport(output: Self.output)
        let (analysis, summary) = report.analysis(
            packages: ["hello"], packageFilenames: ["hello": "hello_1.0_amd64.deb"], lintianVersion: "2.116.3",
            distribution: "debian:bookworm")
        let counts = summary.objectValue?["tags_count_by_severity"]?.objectValue
        #expect(counts?["error"] == 1)
        #expect(counts?["overridden"] == 1)
        #expect(counts?["warning"] == 0)
        #expect(counts?["masked"] == nil)
        #expect(summary.objectValue?["tags_found"] == ["no-copyright-file"])
        #expect(summary.objectValue?["overridden_tags_found"] == ["spelling-error-in-binary"])
        #expect(summary.objectValue?["package_filename"] == ["hello": "hello_1.0_amd64.deb"])
        #expect(summary.objectValue?["lintian_version"] == "2.116.3")
        let tags = analysis.objectValue?["tags"]?.arrayValue?.compactMap { $0.objectValue?["tag"]?.stringValue }
        #expect(tags == ["no-copyright-file", "spelling-error-in-binary"], "error before overridden")
        #expect(analysis.objectValue?["version"] == 1)
    }

    @Test("a line that is no lintian line is refused with Debusine's message")
    func unparsable() {
        #expect(throws: LintianReportError.unparsable("garbage line")) { try LintianReport(output: "garbage line\n") }
        #expect("\(LintianReportError.unparsable("x"))" == "Failed to parse line: x")
    }
}
