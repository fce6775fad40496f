import FileStore
import Foundation
import Logging
import ServiceKit
import Store

/// The settings `kiln` reads from the environment (documented in `deploy/docs/cli.md`).
enum CLISettings {
    static let postgresURL = Setting(
        "KILN_POSTGRES_URL",
        default: "postgresql://kiln:kiln@127.0.0.1:55432/kiln",
        help: "libpq URI of the Kiln database",
        secret: true
    )
    static let postgresSchema = Setting(
        "KILN_POSTGRES_SCHEMA",
        default: "",
        help: "schema holding Kiln's tables (empty: the server's search_path, normally public)"
    )

    /// Only `kiln lookup` talks to RabbitMQ (the lookup-resolver's RPC); every other command reads PostgreSQL.
    static let amqpURL = Setting(
        "KILN_AMQP_URL",
        default: "amqp://kiln:kiln@127.0.0.1:56720/kiln",
        help: "AMQP URL of the broker the lookup-resolver listens on (kiln lookup)",
        secret: true
    )

    static let all = [postgresURL, postgresSchema, amqpURL, FileStoreAccess.url]
}

/// A refusal worth one line on stderr and a non-zero exit, rather than a stack of context.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    /// Kiln's own explanation, printed on a line of its own after `description` so that a message worded as
    /// Debusine words it stays intact and comparable (deploy/docs/fidelity.md, "Messages").
    var context: String?
    init(_ description: String, context: String? = nil) {
        self.description = description
        self.context = context
    }
}

/// Exit statuses: documented so scripts can tell "you asked for something impossible" from "the database is
/// not there". Beyond 1, they follow sysexits (64, 69, 78), except the worker commands' 3 and 4, which are
/// `debusine-admin worker`'s (`server/management/commands/worker.py`).
enum CLIExit {
    /// The request was refused: unknown name or id, invalid input, a state-machine refusal.
    static let refused: Int32 = 1
    /// `kiln worker`'s refusals of debusine-admin's `returncode=3`: no worker has that name (or token), or
    /// `edit-metadata` cannot use its file.
    static let workerRefused: Int32 = 3
    /// `kiln worker enable`/`disable`: the worker is not of the type named; Debusine's `returncode=4`.
    static let workerTypeMismatch: Int32 = 4
    /// Configuration or database trouble: bad `KILN_POSTGRES_URL`, server unreachable, schema missing; for
    /// `kiln lookup`, the broker or the lookup-resolver not answering; for the file commands, the file store
    /// not answering; for `kiln watch`, the timeout. EX_UNAVAILABLE: `kiln-until-available` retries it.
    static let unavailable: Int32 = 69
    /// A setting no retry can fix (EX_CONFIG, as the services): e.g. compose.env's change-me placeholder
    /// password. Not 69, which `kiln-until-available` retries.
    static let configuration: Int32 = 78

    /// The status of a refusal the repositories name: Debusine's worker codes, else `refused`.
    static func status(of error: RepositoryError) -> Int32 {
        switch error {
        case .workerNotFound, .workerNotRegistered: workerRefused
        case .workerTypeMismatch: workerTypeMismatch
        default: refused
        }
    }
}

/// Opens the database for one command and turns every failure into one clear line and an exit status.
enum CLIRunner {
    /// Warnings and errors only: the CLI's own output is what the user asked for.
    static var logger: Logger {
        var logger = Logger(label: "kiln.cli")
        logger.logLevel = .warning
        return logger
    }

    static func run<Result: Sendable>(_ body: (PGPool) async throws -> Result) async throws -> Result {
        let pool: PGPool
        do {
            let environment = EnvironmentReader()
            let url = try environment.serverURL(CLISettings.postgresURL)
            let schema = try environment.string(CLISettings.postgresSchema)
            if !schema.isEmpty && !PGIdentifier.isPlain(schema) {
                throw ConfigurationError.invalid(
                    variable: CLISettings.postgresSchema.name, value: schema, expected: "letters, digits and _")
            }
            pool = PGPool(
                configuration: PGConfiguration(
                    url: url,
                    applicationName: "kiln-cli",
                    searchPath: schema.isEmpty ? nil : [schema]
                ),
                size: 1,
                logger: Self.logger
            )
        } catch {
            fail(error, status: error is ConfigurationError ? CLIExit.configuration : CLIExit.unavailable)
        }
        do {
            let result = try await body(pool)
            await pool.close()
            return result
        } catch {
            await pool.close()
            if let pgError = error as? PGError {
                switch pgError {
                case .connectionFailed, .connectionLost, .invalidConfiguration:
                    fail(error, status: CLIExit.unavailable)
                case .server(let server) where server.sqlState == "42P01":
                    fail(
                        CLIError("\(server.message): the database is not migrated; run `kiln migrate` first"),
                        status: CLIExit.unavailable
                    )
                default:
                    fail(error, status: CLIExit.refused)
                }
            }
            if error is ConfigurationError { fail(error, status: CLIExit.configuration) }
            if let repositoryError = error as? RepositoryError { fail(error, status: CLIExit.status(of: repositoryError)) }
            if let fileStoreError = error as? FileStoreClientError, fileStoreError.isRetryable {
                // Not there, or failing (5xx) after the retries: unavailable, as a database that is not there.
                fail(error, status: CLIExit.unavailable)
            }
            fail(error, status: CLIExit.refused)
        }
    }

    /// Prints `kiln: <message>` on stderr and exits with `status`.
    static func fail(_ error: any Error, status: Int32) -> Never {
        let text = String(describing: error)
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        var printed = "kiln: \(oneLine)\n"
        if let context = (error as? CLIError)?.context ?? (error as? RepositoryError)?.hint {
            printed += "  " + context.split(whereSeparator: \.isNewline).joined(separator: " ") + "\n"
        }
        FileHandle.standardError.write(Data(printed.utf8))
        exit(status)
    }
}
