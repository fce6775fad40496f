import ArgumentParser
import KilnCore
import KilnRuntime
import KilnTasks
import ServiceKit
import Store

struct AbortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort",
        abstract: "Abort a blocked, pending or running work request (and what can no longer run because of it).",
        discussion: """
            Follows the state machine: terminated or superseded work requests cannot be aborted. Work requests \
            depending on it are aborted too unless they tolerate failures; a workflow's unfinished children \
            are aborted with it. Its worker, if any, is told to stop (wr.aborted event).

            Example:
              kiln abort 12
            """
    )

    @Argument(help: "The work request id.")
    var id: Int

    @Option(help: "The user aborting it (default $USER).")
    var by: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let user = ActingUser.name(by)
            let outcome = try await WorkRequestRefusals.answering(id, as: .abort) {
                try await pool.withCASRetry { conn in
                    let aborter = try await WorkspaceRepository.findOrCreateUser(user, on: conn)
                    return try await WorkRequestOperations.abort(id, by: aborter.id, on: conn)
                }
            }
            let cascaded = outcome.aborted.filter { $0 != id }
            if json {
                // Debusine's answer (the aborted work request's serializer), then what else Kiln aborted and which
                // workers it tells to stop.
                var fields = try await pool.withConnection { try await WorkRequestAnswer.fields(of: id, taskData: .submitted, on: $0) }
                fields["aborted"] = .array(outcome.aborted.map(JSONValue.int))
                fields["workers_to_stop"] = .object(
                    Dictionary(uniqueKeysWithValues: outcome.workersToStop.map { (String($0.key), JSONValue.int($0.value)) }))
                Output.json(.object(fields))
                return
            }
            var line = "aborted work request \(id)"
            if !cascaded.isEmpty { line += "; also aborted " + cascaded.map(String.init).joined(separator: ", ") }
            if !outcome.workersToStop.isEmpty { line += "; its worker will be told to stop" }
            print(line)
        }
    }
}

struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Retry a failed or aborted work request by a new one that supersedes it.",
        discussion: """
            Manual retry per the state machine: only unsuccessful (aborted, failure, temporary failure, error) \
            Worker, Signing and Internal work requests, not already superseded. The new work request copies the \
            original task data, priorities and dependencies, takes over the old one's dependants, resets \
            retry_count to 0, and is pending-requested when it can run.

            Example:
              kiln retry 12
            """
    )

    @Argument(help: "The work request id.")
    var id: Int

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let registry = try KilnTasks.registry()
            let settings = try RuntimeSettings.inputResolution(EnvironmentReader())
            let (plan, stored) = try await WorkRequestRefusals.answering(id, as: .retry) {
                try await pool.withCASRetry { conn in
                    let plan = try await WorkRequestOperations.retry(id, registry: registry, settings: settings, on: conn)
                    return (plan, try await WorkRequestRepository.require(id: plan.newWorkRequest.id, on: conn))
                }
            }
            if json {
                // Debusine's answer: the new work request's serializer; `retried` names the one it supersedes.
                var fields = try await pool.withConnection {
                    try await WorkRequestAnswer.fields(of: plan.newWorkRequest.id, taskData: .submitted, on: $0)
                }
                fields["retried"] = .int(id)
                Output.json(.object(fields))
            } else {
                print("work request \(id) retried as \(plan.newWorkRequest.id) (\(stored.displayStatus))")
            }
        }
    }
}
