import Foundation
import Synchronization

/// How one run of a built executable ended and what it printed.
public struct ExecutableRun: Sendable, CustomStringConvertible {
    /// The exit status.
    public var status: Int32
    /// Everything written to standard output.
    public var stdout: String
    /// Everything written to standard error.
    public var stderr: String

    /// Creates a run's record.
    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }

    /// Runs `.build/debug/<executable>` to its end, the one way the test suites run a short-lived Kiln
    /// executable (the `kiln` CLI, a service asked for `--help`).
    ///
    /// Output goes through temporary files, never pipes, so a large output can never block the child. The wait
    /// for the child happens on a thread of its own, never on Swift's cooperative pool: on a 2-core machine two
    /// tests waiting for a child on pool threads held the whole pool, and every other test of the process (an
    /// AMQP handler acking, a heartbeat) stalled past its deadline while a build ran beside the suite. A run
    /// still going after `timeout` is terminated and reported as an error, so a hung child fails its test
    /// instead of the whole suite; one whose test is cancelled (past its time limit) is terminated at once.
    ///
    /// - Parameters:
    ///   - environment: added to this process's environment, or (with `inheritEnvironment` false) the whole
    ///     environment besides `HOME`.
    ///   - stdin: written to the child's standard input; none (`/dev/null`) when nil.
    public static func run(
        _ executable: String,
        arguments: [String],
        environment: [String: String] = [:],
        inheritEnvironment: Bool = true,
        stdin: String? = nil,
        timeout: Duration = .seconds(300)
    ) async throws -> ExecutableRun {
        try await run(
            TestServers.builtExecutable(executable),
            arguments: arguments,
            environment: environment,
            inheritEnvironment: inheritEnvironment,
            stdin: stdin,
            timeout: timeout
        )
    }

    /// Runs a program of the system (`dpkg-source`, …) found on `PATH`, in `directory`, the same way.
    public static func runSystem(
        _ command: [String],
        in directory: URL,
        timeout: Duration = .seconds(300)
    ) async throws -> ExecutableRun {
        try await run(
            URL(fileURLWithPath: "/usr/bin/env"),
            arguments: command,
            inheritEnvironment: true,
            timeout: timeout,
            directory: directory
        )
    }

    static func run(
        _ executableURL: URL,
        arguments: [String],
        environment: [String: String] = [:],
        inheritEnvironment: Bool,
        stdin: String? = nil,
        timeout: Duration,
        directory: URL? = nil
    ) async throws -> ExecutableRun {
        let cancellation = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(
                        with: Result {
                            try runBlockingThisThread(
                                executableURL,
                                arguments: arguments,
                                environment: environment,
                                inheritEnvironment: inheritEnvironment,
                                stdin: stdin,
                                timeout: timeout,
                                directory: directory,
                                cancellation: cancellation
                            )
                        }
                    )
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// Set when the waiting task is cancelled, so the child is terminated at once rather than left running beside
    /// the next tests until its own timeout.
    final class CancellationFlag: Sendable {
        private let flag = Atomic<Bool>(false)
        func cancel() { flag.store(true, ordering: .relaxed) }
        var isCancelled: Bool { flag.load(ordering: .relaxed) }
    }

    /// The run itself, which holds the thread it is called on until the child exits.
    private static func runBlockingThisThread(
        _ executableURL: URL,
        arguments: [String],
        environment: [String: String],
        inheritEnvironment: Bool,
        stdin: String?,
        timeout: Duration,
        directory: URL?,
        cancellation: CancellationFlag
    ) throws -> ExecutableRun {
        let executable = executableURL.lastPathComponent
        let folder = FileManager.default.temporaryDirectory.appending(path: "kiln-run-\(TestServers.uniqueSuffix())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appending(path: "out")
        let errURL = folder.appending(path: "err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = executableURL
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = TestServers.childEnvironment(environment, inherit: inheritEnvironment)
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let inURL = folder.appending(path: "in")
            _ = FileManager.default.createFile(atPath: inURL.path, contents: Data(stdin.utf8))
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        if cancellation.isCancelled { throw CancellationError() }
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if cancellation.isCancelled {
                stop(process)
                throw CancellationError()
            }
            guard ContinuousClock.now < deadline else {
                stop(process)
                throw HarnessError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        process.waitUntilExit()
        return ExecutableRun(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        )
    }

    /// SIGTERM, then SIGKILL if the child is still there 10 s later, so a child that ignores SIGTERM cannot hold the
    /// waiting thread for ever.
    private static func stop(_ process: Process) {
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
