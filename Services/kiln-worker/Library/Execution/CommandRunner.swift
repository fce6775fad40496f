import Foundation
import Synchronization

/// One command a task runs: what, where, with which environment, and where its output goes.
public struct Command: Hashable, Sendable, CustomStringConvertible {
    /// The program and its arguments (`argv`).
    public var arguments: [String]
    /// The working directory.
    public var directory: URL
    /// Environment variables; `nil` gives the worker's own without its `KILN_*` settings (``toolEnvironment``):
    /// a tool never sees the broker URL, its password or a token.
    public var environment: [String: String]?
    /// Where standard output goes (the task's log when nil).
    public var standardOutput: URL?
    /// Longest run before the process group is killed.
    public var timeout: Duration

    /// Memberwise.
    public init(
        _ arguments: [String], in directory: URL, environment: [String: String]? = nil, standardOutput: URL? = nil,
        timeout: Duration = .seconds(6 * 3600)
    ) {
        self.arguments = arguments
        self.directory = directory
        self.environment = environment
        self.standardOutput = standardOutput
        self.timeout = timeout
    }

    /// The worker's environment without its `KILN_*` settings (secrets among them), for tools run on the host.
    public static func toolEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        environment.filter { !$0.key.hasPrefix("KILN_") }
    }

    /// The command line as a shell would read it, for logs.
    public var description: String { arguments.map(ShellQuoting.quoted).joined(separator: " ") }
}

/// How a command ended.
public enum CommandTermination: Hashable, Sendable, CustomStringConvertible {
    /// It exited with this status.
    case exited(Int32)
    /// It ran longer than its timeout; its process group was killed.
    case timedOut

    /// How it ended, to follow a tool's name in a result message (`lintian exited with status 2`).
    public var description: String {
        switch self {
        case .exited(let status): "exited with status \(status)"
        case .timedOut: "timed out"
        }
    }
}

/// Runs commands in their own process group, output appended to the task's log, so a
/// timeout or an abort kills the whole tree — SIGTERM, five seconds, then SIGKILL — as Debusine's
/// `RunCommandTask` does, and nothing a tool started survives its task.
public enum CommandRunner {
    /// Grace between SIGTERM and SIGKILL.
    public static let killGrace: Duration = .seconds(5)

    /// Runs `command`, appending its standard error (and standard output unless redirected) to `log`.
    ///
    /// - Throws: `CancellationError` after killing the group when the calling task is cancelled (an abort);
    ///   ``CommandError/cannotStart(_:reason:)`` when the program cannot be started.
    public static func run(_ command: Command, log: URL) async throws -> CommandTermination {
        guard let program = command.arguments.first else { throw CommandError.cannotStart("(empty command)", reason: "no program") }
        guard programExists(program, environment: command.environment) else {
            throw CommandError.cannotStart(program, reason: "not found on PATH (is it installed on this worker?)")
        }
        try appendLine("$ \(command)", to: log)
        let logHandle = try FileHandle(forWritingTo: log)
        try logHandle.seekToEnd()
        defer { try? logHandle.close() }
        var outputHandle = logHandle
        if let output = command.standardOutput {
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            outputHandle = try FileHandle(forWritingTo: output)
        }
        defer { if command.standardOutput != nil { try? outputHandle.close() } }
        let process = Process()
        // Foundation starts the child as the leader of a new process group (its pgid is its pid); `env` execs
        // the program in that same process, so killing the group reaches everything the tool started.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--"] + command.arguments
        process.currentDirectoryURL = command.directory
        process.environment = command.environment ?? Command.toolEnvironment()
        process.standardOutput = outputHandle
        process.standardError = logHandle
        process.standardInput = FileHandle.nullDevice
        let exit = ExitWaiter()
        process.terminationHandler = { process in exit.finish(process.terminationStatus) }
        do {
            try process.run()
        } catch {
            throw CommandError.cannotStart(program, reason: "\(error)")
        }
        let pid = process.processIdentifier
        let timedOut = Mutex(false)
        let timer = Task {
            try await Task.sleep(for: command.timeout)
            timedOut.withLock { $0 = true }
            terminate(pid, exit: exit)
        }
        // The wait itself ignores cancellation: an abort sends SIGTERM (then SIGKILL) and still waits for the
        // tool to be gone, so nothing it started outlives the run or races the clean-up that follows.
        let status = await withTaskCancellationHandler {
            await exit.wait()
        } onCancel: {
            terminate(pid, exit: exit)
        }
        timer.cancel()
        // Whatever the tool left running in its group (a daemon, a stray child) goes with it.
        kill(-pid, SIGKILL)
        if Task.isCancelled {
            try? appendLine("(aborted: process group killed)", to: log)
            throw CancellationError()
        }
        if timedOut.withLock({ $0 }) {
            try? appendLine("(timed out after \(command.timeout): process group killed)", to: log)
            return .timedOut
        }
        return .exited(status)
    }

    /// SIGTERM to the process group `pid` leads, then SIGKILL after ``killGrace`` if its leader still runs.
    static func terminate(_ pid: Int32, exit: ExitWaiter) {
        guard pid > 0 else { return }
        kill(-pid, SIGTERM)
        Task.detached {
            try? await Task.sleep(for: killGrace)
            if !exit.isFinished { kill(-pid, SIGKILL) }
        }
    }

    static func programExists(_ program: String, environment: [String: String]?) -> Bool {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) }
        let path = (environment ?? ProcessInfo.processInfo.environment)["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
    }

    /// Appends `line` and a newline to `file`, creating it if needed.
    public static func appendLine(_ line: String, to file: URL) throws {
        if !FileManager.default.fileExists(atPath: file.path) {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
    }
}

/// The exit status of a started process, awaited without regard to cancellation (the caller decides what an
/// abort does; the wait ends only when the process is gone).
final class ExitWaiter: Sendable {
    private let state = Mutex<(status: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))

    /// Whether the process has exited.
    var isFinished: Bool { state.withLock { $0.status != nil } }

    /// Records the exit and wakes the waiter.
    func finish(_ status: Int32) {
        let waiter = state.withLock { state -> CheckedContinuation<Int32, Never>? in
            state.status = status
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: status)
    }

    /// The exit status, once there is one.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Int32? in
                if let status = state.status { return status }
                state.waiter = continuation
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}

/// Why a command could not run at all (a missing tool is an `error`, not a task `failure`).
public enum CommandError: Error, Hashable, Sendable, CustomStringConvertible {
    case cannotStart(String, reason: String)

    public var description: String {
        switch self {
        case .cannotStart(let program, let reason): "cannot run \(program): \(reason)"
        }
    }
}

/// POSIX shell quoting, for logging command lines people can paste.
public enum ShellQuoting {
    /// `word` unchanged when it needs no quoting, else in single quotes.
    public static func quoted(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
