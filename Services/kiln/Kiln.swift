import ArgumentParser
import ServiceKit

/// `kiln`: the operator and user command line, talking to PostgreSQL directly (the truth), so it works
/// whether or not the services run; what it changes reaches the services through the outbox.
public struct Kiln: AsyncParsableCommand {
    public init() {}

    /// What the executable's main.swift calls: ArgumentParser's asynchronous entry point (parse, run the
    /// command, exit with its code).
    public static func runAsMain() async {
        let asynchronousMain: () async -> Void = main
        await asynchronousMain()
    }

    public static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "Manage a Kiln build farm: schema, workspaces, artifacts, collections, work requests, workers.",
        discussion: """
            kiln talks to PostgreSQL directly. Set KILN_POSTGRES_URL (default \
            postgresql://kiln:kiln@127.0.0.1:55432/kiln) and, optionally, KILN_POSTGRES_SCHEMA. Only \
            `kiln lookup` uses RabbitMQ: KILN_AMQP_URL (default amqp://kiln:kiln@127.0.0.1:56720/kiln).

            A first session:
              kiln migrate
              kiln workspace create debian/dev
              kiln submit noop --workspace debian/dev --set result=success
              kiln list
              kiln show 1

            Every read command takes --json. Errors print one line on stderr (Kiln's advice, if any, on a \
            second) and exit with status 1 (refused: unknown name, invalid data, a transition the state machine \
            forbids), 69 (database, broker or file store unavailable) or 78 (a setting no retry can fix); usage \
            errors exit with 64; `kiln worker` uses debusine-admin's 3 (no such worker) and 4 (wrong type).
            """,
        version: KilnVersion.current,
        subcommands: [
            MigrateCommand.self, WorkspaceCommand.self, ArtifactCommand.self, CollectionCommand.self,
            SubmitCommand.self, ListCommand.self, ShowCommand.self, LogCommand.self, ExplainCommand.self, WatchCommand.self,
            AbortCommand.self, RetryCommand.self, ManageCommand.self, WorkerCommand.self, LookupCommand.self,
        ]
    )
}
