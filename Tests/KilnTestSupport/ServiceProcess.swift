import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One of Kiln's built executables running as a child process, its stdout and stderr (one JSON log line per
/// event) captured in a file the test reads while it runs.
public final class ServiceProcess: Sendable {
    /// What the process is, for messages (`scheduler`, `worker-a`, …).
    public let name: String
    /// The file its output goes to.
    public let outputURL: URL
    private let process: Mutex<Process>

    private init(name: String, process: Process, outputURL: URL) {
        self.name = name
        self.process = Mutex(process)
        self.outputURL = outputURL
    }

    /// Starts `.build/debug/<executable>` with this test process's environment plus `environment` (or only
    /// `environment` plus `HOME` when `inheritEnvironment` is false, e.g. to control `PATH` exactly).
    public static func start(
        _ executable: String, name: String? = nil, arguments: [String] = [], environment: [String: String],
        inheritEnvironment: Bool = true, logFolder: URL = FileManager.default.temporaryDirectory
    ) throws -> ServiceProcess {
        let name = name ?? executable
        try FileManager.default.createDirectory(at: logFolder, withIntermediateDirectories: true)
        let outputURL = logFolder.appending(path: "\(name)-\(TestServers.uniqueSuffix()).log")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputURL)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = TestServers.builtExecutable(executable)
        process.arguments = arguments
        process.environment = TestServers.childEnvironment(environment, inherit: inheritEnvironment)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return ServiceProcess(name: name, process: process, outputURL: outputURL)
    }

    /// Whether the process still runs.
    public var isRunning: Bool { process.withLock { $0.isRunning } }

    /// Its process id.
    public var processIdentifier: Int32 { process.withLock { $0.processIdentifier } }

    /// Everything it printed so far.
    public var log: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }

    /// The lines printed so far, parsed as JSON objects; a line that is not JSON is kept as `["raw": line]`.
    public func logLines() -> [[String: Any]] {
        log.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? ["raw": String(line)]
        }
    }

    /// Whether some line contains `text` and, parsed, satisfies `condition`.
    public func logged(_ text: String, where condition: ([String: Any]) -> Bool = { _ in true }) -> Bool {
        log.split(separator: "\n").contains { line in
            guard line.contains(text) else { return false }
            let parsed =
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? ["raw": String(line)]
            return condition(parsed)
        }
    }

    /// Sends `signal` (e.g. `SIGKILL` to simulate a crash).
    public func signal(_ number: Int32) {
        let pid = processIdentifier
        if isRunning { Glibc.kill(pid, number) }
    }

    /// Waits up to `timeout` for the process to exit and returns its status.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        guard await eventually(timeout: timeout, { !self.isRunning }) else {
            throw HarnessError("\(name) did not exit within \(timeout); log tail:\n\(log.suffix(3000))")
        }
        return process.withLock { $0.terminationStatus }
    }

    /// SIGTERM, then waits up to `timeout` for the exit status; a process still running then is killed
    /// (SIGKILL) and the call throws.
    @discardableResult
    public func terminate(timeout: Duration = .seconds(30)) async throws -> Int32 {
        guard isRunning else { return process.withLock { $0.terminationStatus } }
        signal(SIGTERM)
        do {
            return try await waitForExit(timeout: timeout)
        } catch {
            await kill()
            throw HarnessError("\(name) did not stop within \(timeout) of SIGTERM; log tail:\n\(log.suffix(3000))")
        }
    }

    /// SIGTERM and requires a clean exit (status 0), else throws with the log's end.
    public func stop(timeout: Duration = .seconds(30)) async throws {
        let status = try await terminate(timeout: timeout)
        guard status == 0 else {
            throw HarnessError("\(name) exited \(status) after SIGTERM; log tail:\n\(log.suffix(3000))")
        }
    }

    /// SIGKILL and waits for the exit (clean-up and crash simulation; never throws).
    public func kill() async {
        signal(SIGKILL)
        _ = await eventually(timeout: .seconds(10)) { !self.isRunning }
    }
}
