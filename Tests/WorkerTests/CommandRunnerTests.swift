import Foundation
import Testing

@testable import KilnWorker

/// The worker's command runner with real processes: statuses, captured output, the task log, and that a
/// timeout or an abort kills the whole process group (a child the tool started included).
@Suite("kiln-worker command runner (real processes)")
struct CommandRunnerTests {
    let folder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-runner-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }()

    var log: URL { folder.appendingPathComponent("cmd-output.log") }

    func contents(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    @Test("the exit status is reported; stderr and the command line go to the log, stdout to its file")
    func statusAndOutput() async throws {
        let output = folder.appendingPathComponent("out.txt")
        let termination = try await CommandRunner.run(
            Command(["sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"], in: folder, standardOutput: output), log: log)
        #expect(termination == .exited(3))
        #expect(contents(output) == "to-stdout\n")
        #expect(contents(log).contains("$ sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'"))
        #expect(contents(log).contains("to-stderr"))
        #expect(!contents(log).contains("\nto-stdout\n"))
    }

    @Test("a program that is not installed is named, not run")
    func missingProgram() async {
        await #expect(throws: CommandError.cannotStart("kiln-no-such-tool", reason: "not found on PATH (is it installed on this worker?)")) {
            _ = try await CommandRunner.run(Command(["kiln-no-such-tool"], in: folder), log: log)
        }
    }

    @Test("a timeout kills the whole process group, children included")
    func timeoutKillsGroup() async throws {
        let pidFile = folder.appendingPathComponent("child.pid")
        let termination = try await CommandRunner.run(
            Command(["sh", "-c", "sleep 300 & echo $! > \(pidFile.path); wait"], in: folder, timeout: .seconds(2)), log: log)
        #expect(termination == .timedOut)
        let child = try #require(Int32(contents(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        try await waitForExit(child)
        #expect(contents(log).contains("timed out after"))
    }

    @Test("an abort (the task cancelled) kills the group and throws CancellationError")
    func abortKillsGroup() async throws {
        let pidFile = folder.appendingPathComponent("child.pid")
        let command = Command(["sh", "-c", "sleep 300 & echo $! > \(pidFile.path); wait"], in: folder)
        let log = self.log
        let run = Task { try await CommandRunner.run(command, log: log) }
        var waited = 0
        while contents(pidFile).isEmpty && waited < 600 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        run.cancel()
        await #expect(throws: CancellationError.self) { try await run.value }
        let child = try #require(Int32(contents(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        try await waitForExit(child)
        #expect(contents(log).contains("aborted: process group killed"))
    }

    /// Waits (generously) until `pid` is gone: SIGTERM, then SIGKILL after the grace period.
    func waitForExit(_ pid: Int32) async throws {
        for _ in 0..<600 {
            if kill(pid, 0) != 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("process \(pid) still runs")
    }
}
