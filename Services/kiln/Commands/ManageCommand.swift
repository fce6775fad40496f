import ArgumentParser
import KilnCore
import Store

struct ManageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manage",
        abstract: "Change a work request's priority adjustment.",
        discussion: """
            As Debusine's `debusine work-request manage ID --set-priority-adjustment N`: the adjustment is added to \
            the priority the work request was submitted with (its base) and can be set whatever its status. A \
            work request waiting for a worker is ranked again by its new priority at once.

            Examples:
              kiln manage 12 --set-priority-adjustment 10
              kiln manage 12 --set-priority-adjustment -5
            """
    )

    @Argument(help: "The work request id.")
    var id: Int

    // Taken as it comes, so `-5` is the value rather than an option (as argparse reads a negative number).
    @Option(parsing: .unconditional, help: "The priority adjustment (a positive or negative whole number).")
    var setPriorityAdjustment: Int?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        guard let adjustment = setPriorityAdjustment else {
            // Debusine's client: `Error: no changes specified`.
            CLIRunner.fail(CLIError("no changes specified", context: "give --set-priority-adjustment N"), status: CLIExit.refused)
        }
        try await CLIRunner.run { pool in
            let (before, after) = try await WorkRequestRefusals.answering(id, as: .manage) {
                try await pool.withCASRetry { conn in
                    try await WorkRequestOperations.setPriorityAdjustment(of: id, to: adjustment, on: conn)
                }
            }
            if json {
                Output.json([
                    "id": .int(id), "priority_base": .int(after.priorityBase),
                    "priority_adjustment": .int(after.priorityAdjustment), "priority": .int(after.effectivePriority),
                ])
            } else {
                print(
                    "work request \(id): priority adjustment \(before.priorityAdjustment) → \(after.priorityAdjustment) "
                        + "(priority \(after.effectivePriority))")
            }
        }
    }
}
