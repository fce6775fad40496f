import Foundation
import KilnTestSupport

/// The real `kiln-worker` binary as a child process (``ServiceProcess``) with only `PATH`, `HOME` and the
/// given environment, so the test's own `KILN_*` variables never leak into it.
final class WorkerProcess: Sendable {
    /// The binary `swift build` put in the debug build folder.
    static var binary: URL { TestServers.builtExecutable("kiln-worker") }

    private let process: ServiceProcess

    init(environment: [String: String]) throws {
        var env = ProcessInfo.processInfo.environment.filter { $0.key == "PATH" }
        env.merge(environment) { _, new in new }
        process = try ServiceProcess.start("kiln-worker", environment: env, inheritEnvironment: false)
    }

    /// Every complete line written so far.
    var log: [String] { process.log.split(separator: "\n").map(String.init) }

    /// Waits until a line contains `text`; returns it (nil on timeout).
    func waitForLine(containing text: String, timeout: Duration = .seconds(20)) async -> String? {
        _ = await eventually(timeout: timeout) { self.process.logged(text) }
        return log.first { $0.contains(text) }
    }

    /// Sends a signal (SIGTERM by default).
    func signal(_ number: Int32 = SIGTERM) { process.signal(number) }

    /// Waits for the process to exit and returns its status (nil on timeout).
    func waitForExit(timeout: Duration = .seconds(20)) async -> Int32? {
        try? await process.waitForExit(timeout: timeout)
    }

    /// Kills the process if it still runs (test clean-up) and removes its log.
    func stop() async {
        await process.kill()
        try? FileManager.default.removeItem(at: process.outputURL)
    }
}
