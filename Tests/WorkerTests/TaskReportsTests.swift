import KilnCore
import Testing

@testable import KilnWorker

/// What the worker reads from the tools' results: autopkgtest's summary and Debusine's result rules
/// (`tasks/tests/test_autopkgtest.py` `test_task_result_*`), sbuild's status line, mmdebstrap's os-release.
struct TaskReportsTests {
    static let summary = """
        smoke                PASS
        upgrade              FAIL non-zero exit status 1
        flaky-one            FLAKY some flake
        needs-root           SKIP Test requires root
        blame: kiln-hello_1.0_amd64.deb
        """

    @Test("summary lines with a known status are read; blame lines are skipped")
    func parse() {
        let summary = AutopkgtestSummary(Self.summary)
        #expect(summary.lines.map(\.name) == ["smoke", "upgrade", "flaky-one", "needs-root"])
        #expect(summary.lines[1].details == "non-zero exit status 1")
        #expect(summary.resultsJSON.objectValue?["smoke"] == ["status": "PASS", "details": .null])
    }

    @Test(
        "Debusine's decision per exit status and fail_on",
        arguments: [
            ("smoke PASS", 0 as Int32?, (true, false, false), TaskOutcome.Result.success),
            ("t FAIL x", 4, (true, false, false), .failure),
            ("t FAIL x", 4, (false, false, false), .success),
            ("t FLAKY x", 2, (true, false, false), .success),
            ("t FLAKY x", 2, (true, true, false), .failure),
            ("t SKIP x", 8, (true, false, false), .skipped),
            ("t SKIP x", 8, (true, false, true), .failure),
            ("smoke PASS", 16, (true, false, false), .temporaryFailure),
            ("smoke PASS", 20, (true, false, false), .temporaryFailure),
            ("smoke PASS", nil, (true, false, false), .temporaryFailure),
            ("t FAIL x", 12, (false, false, false), .failure),
        ] as [(String, Int32?, (Bool, Bool, Bool), TaskOutcome.Result)])
    func decide(_ summary: String, _ status: Int32?, _ failOn: (Bool, Bool, Bool), _ expected: TaskOutcome.Result) {
        #expect(AutopkgtestSummary(summary).result(exitStatus: status, failOn: failOn) == expected)
    }

    @Test("sbuild's last Status: line decides")
    func sbuildStatus() {
        #expect(SbuildLog.status(in: "Status: attempted\n...\nStatus: successful\n") == "successful")
        #expect(SbuildLog.status(in: "| Status: x\nno status here\n") == nil)
    }

    @Test("os-release values, quotes removed")
    func osRelease() {
        let values = MmdebstrapRunner.osRelease("ID=debian\nVERSION_CODENAME=bookworm\nPRETTY_NAME=\"Debian GNU/Linux 12\"\n")
        #expect(values["ID"] == "debian")
        #expect(values["VERSION_CODENAME"] == "bookworm")
        #expect(values["PRETTY_NAME"] == "Debian GNU/Linux 12")
    }
}
