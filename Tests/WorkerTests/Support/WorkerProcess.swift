import Foundation
import Synchronization
import Testing

/// The real `kiln-worker` binary, started as a child process with its own environment; its log lines are
/// collected so tests can wait for them.
final class WorkerProcess: Sendable {
    /// The repository root, from this file's path (Tests/WorkerTests/Support/WorkerProcess.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The binary `swift build` put in the debug build folder.
    static var binary: URL { repositoryRoot.appending(path: ".build/debug/kiln-worker") }

    private let process: Process
    private let output = Pipe()
    private let lines = Mutex<[String]>([])
    private let partial = Mutex<String>("")

    init(environment: [String: String]) throws {
        let process = Process()
        process.executableURL = Self.binary
        var inherited = ProcessInfo.processInfo.environment.filter { $0.key == "PATH" || $0.key == "HOME" }
        inherited.merge(environment) { _, new in new }
        process.environment = inherited
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        self.process = process
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            let text = String(decoding: data, as: UTF8.self)
            let complete: [String] = self.partial.withLock { buffer in
                buffer += text
                var parts = buffer.components(separatedBy: "\n")
                buffer = parts.removeLast()
                return parts
            }
            self.lines.withLock { $0.append(contentsOf: complete) }
        }
        try process.run()
    }

    /// Every complete line written so far.
    var log: [String] { lines.withLock { $0 } }

    /// Waits until a line contains `text`; returns it (nil on timeout).
    func waitForLine(containing text: String, timeout: Duration = .seconds(20)) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = log.first(where: { $0.contains(text) }) { return line }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// Sends a signal (SIGTERM by default).
    func signal(_ number: Int32 = SIGTERM) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to exit and returns its status (nil on timeout).
    func waitForExit(timeout: Duration = .seconds(20)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Kills the process if it still runs (test clean-up).
    func stop() async {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            _ = await waitForExit(timeout: .seconds(5))
        }
        output.fileHandleForReading.readabilityHandler = nil
    }
}
