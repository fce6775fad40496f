import ArgumentParser
import Store

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or update the database schema (safe to run again: it applies only what is missing).",
        discussion: """
            Applies every missing migration in one transaction under an advisory lock, so it can run while \
            services start. Prints the versions it applied, or that the schema was already current.

            Example:
              KILN_POSTGRES_URL=postgresql://kiln:kiln@127.0.0.1:55432/kiln kiln migrate
            """
    )

    func run() async throws {
        try await CLIRunner.run { pool in
            let applied = try await Migrator.migrate(pool, logger: CLIRunner.logger)
            let newest = Migrator.migrations.last?.version ?? 0
            if applied.isEmpty {
                print("schema is up to date (version \(newest))")
            } else {
                print(
                    "applied migrations \(applied.map(String.init).joined(separator: ", ")); schema is at version \(newest)"
                )
            }
        }
    }
}
