import ArgumentParser
import Foundation
import KilnCore
import Store

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow a work request until it terminates, or all recent work requests (--all).",
        discussion: """
            With an ID, prints one line each time the work request changes (status, pending stage, worker, \
            result, timestamps) and exits when it terminates: 0 when it completed with result success, 1 when \
            it completed otherwise or was aborted (its errors are printed), 69 when --timeout passes first.

            With --all, shows the most recent work requests: a table redrawn in place when stdout is a \
            terminal, otherwise one line per change. It runs until interrupted or until --timeout (exit 0).

            kiln watch polls PostgreSQL every --interval: simple, and it sees every committed change.

            Examples:
              kiln watch 12
              kiln watch 12 --interval 500ms --timeout 30m
              kiln watch --all --workspace debian/dev
            """
    )

    @Argument(help: "The work request id (omit with --all).")
    var id: Int?

    @Flag(help: "Watch the most recent work requests instead of one.")
    var all = false

    @Option(help: "With --all: only this workspace (SCOPE/NAME).")
    var workspace: String?

    @Option(help: "With --all: how many of the most recent work requests.")
    var limit = 20

    @Option(help: "How often to read the database.")
    var interval = DurationOption(argument: "1s")!

    @Option(help: "Give up after this long (exit 69 for one work request, 0 with --all); default: never.")
    var timeout: DurationOption?

    func validate() throws {
        if all {
            guard id == nil else { throw ValidationError("give either a work request ID or --all, not both") }
            guard limit >= 1 else { throw ValidationError("--limit \(limit) must be at least 1") }
        } else {
            guard id != nil else { throw ValidationError("give a work request ID, or --all") }
            guard workspace == nil else { throw ValidationError("--workspace only applies with --all") }
        }
    }

    func run() async throws {
        let status: Int32 = try await CLIRunner.run { pool in
            let deadline = timeout.map { ContinuousClock.now + $0.duration }
            if let id {
                return try await Self.follow(id: id, pool: pool, interval: interval, deadline: deadline)
            }
            try await Self.followAll(
                workspace: workspace,
                limit: limit,
                pool: pool,
                interval: interval,
                deadline: deadline
            )
            return 0
        }
        if status == CLIExit.unavailable, let timeout, let id {
            CLIRunner.fail(
                CLIError("timed out after \(timeout): work request \(id) has not terminated"),
                status: CLIExit.unavailable
            )
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// What a line of `kiln watch ID` shows; a line is printed whenever it changes.
    struct Observed: Equatable {
        var status: String
        var worker: String?
        var result: WorkRequestResult
        var pendingAt: Date?
        var startedAt: Date?
        var completedAt: Date?
        /// What the running task last reported doing.
        var progress: String?

        var line: String {
            var parts = [status]
            if let worker { parts.append("worker=\(worker)") }
            if result != .none { parts.append("result=\(result.rawValue)") }
            if let pendingAt { parts.append("pending_at=\(Output.time(pendingAt))") }
            if let startedAt { parts.append("started_at=\(Output.time(startedAt))") }
            if let completedAt { parts.append("completed_at=\(Output.time(completedAt))") }
            if let progress { parts.append("progress=\(progress)") }
            return parts.joined(separator: "  ")
        }
    }

    /// Polls work request `id` until it terminates or `deadline` passes; returns the exit status.
    static func follow(
        id: Int,
        pool: PGPool,
        interval: DurationOption,
        deadline: ContinuousClock.Instant?
    )
        async throws -> Int32
    {
        var last: Observed?
        var workerNames: [Int: String] = [:]
        while true {
            let known = workerNames
            let (stored, newWorker, progress) = try await pool.withConnection { conn in
                let stored = try await WorkRequestRepository.require(id: id, on: conn)
                let progress = try await WorkerRepository.progress(ofWorkRequests: [id], on: conn)[id]
                guard let workerID = stored.workRequest.workerID, known[workerID] == nil,
                    let worker = try await WorkerRepository.find(id: workerID, on: conn)
                else { return (stored, nil as WorkerRecord?, progress) }
                return (stored, worker, progress)
            }
            if let newWorker { workerNames[newWorker.id] = newWorker.name }
            let request = stored.workRequest
            let observed = Observed(
                status: stored.displayStatus,
                worker: request.workerID.map { workerNames[$0] ?? "#\($0)" },
                result: request.result,
                pendingAt: request.pendingAt,
                startedAt: request.startedAt,
                completedAt: request.completedAt,
                progress: request.status == .running ? progress : nil
            )
            if observed != last {
                emit("\(Output.time(Date()))  \(id)  \(observed.line)")
                last = observed
            }
            if request.status == .completed || request.status == .aborted {
                let succeeded = request.status == .completed && request.result == .success
                if !succeeded {
                    for error in request.outputData?.errors ?? [] { emit("  error: \(error.code): \(error.message)") }
                    if let reason = request.outputData?.skipReason { emit("  skipped: \(reason)") }
                }
                return succeeded ? 0 : CLIExit.refused
            }
            guard try await pause(interval, before: deadline) else { return CLIExit.unavailable }
        }
    }

    /// Polls the most recent work requests until `deadline` (or forever).
    static func followAll(
        workspace: String?,
        limit: Int,
        pool: PGPool,
        interval: DurationOption,
        deadline: ContinuousClock.Instant?
    ) async throws {
        let path = try workspace.map { text throws(RepositoryError) in try WorkspacePath(parsing: text) }
        let redraw = isatty(STDOUT_FILENO) != 0
        var last: [Int: String] = [:]
        while true {
            let (summaries, progress) = try await pool.withConnection { conn in
                let workspaceID = try await path.asyncMap { try await WorkspaceRepository.require($0, on: conn).id }
                let summaries = try await WorkRequestRepository.list(
                    WorkRequestFilter(workspaceID: workspaceID, limit: limit),
                    on: conn
                )
                let running = summaries.filter { $0.status == .running }.map(\.id)
                return (summaries, try await WorkerRepository.progress(ofWorkRequests: running, on: conn))
            }
            if redraw {
                // Home the cursor and clear the screen, then draw the table afresh.
                emit(
                    "\u{1B}[H\u{1B}[2J" + "kiln watch --all  \(Output.time(Date()))  (every \(interval); ctrl-C stops)"
                )
                Output.table(
                    ["ID", "WORKSPACE", "TASK", "STATUS", "RESULT", "WORKER", "CREATED", "PROGRESS"],
                    summaries.map { summary in
                        [
                            String(summary.id), summary.workspace, summary.taskName, summary.displayStatus,
                            summary.result.rawValue.orDash, summary.worker ?? "-", Output.time(summary.createdAt),
                            progress[summary.id] ?? "",
                        ]
                    }
                )
                fflush(nil)
            } else {
                for summary in summaries.reversed() {
                    var parts = [summary.displayStatus]
                    if let worker = summary.worker { parts.append("worker=\(worker)") }
                    if summary.result != .none { parts.append("result=\(summary.result.rawValue)") }
                    if let doing = progress[summary.id] { parts.append("progress=\(doing)") }
                    let line = parts.joined(separator: "  ")
                    guard last[summary.id] != line else { continue }
                    last[summary.id] = line
                    emit("\(Output.time(Date()))  \(summary.id)  \(summary.workspace)  \(summary.taskName)  \(line)")
                }
            }
            guard try await pause(interval, before: deadline) else { return }
        }
    }

    /// Sleeps one interval, or until `deadline`; `false` when the deadline has passed.
    static func pause(_ interval: DurationOption, before deadline: ContinuousClock.Instant?) async throws -> Bool {
        guard let deadline else {
            try await Task.sleep(for: interval.duration)
            return true
        }
        let now = ContinuousClock.now
        guard now < deadline else { return false }
        try await Task.sleep(until: min(now + interval.duration, deadline), clock: .continuous)
        return true
    }

    /// Prints and flushes at once, so a pipe or a file sees each change as it happens.
    static func emit(_ line: String) {
        print(line)
        fflush(nil)
    }
}
