import Foundation

/// The release of Kiln every executable reports with `--version` (and the worker in its metadata).
public enum KilnVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}

/// The command line every long-running Kiln executable shares: it takes its configuration from environment
/// variables only, so its arguments are for asking, never for running.
///
/// - `--help` / `-h`: what it does and every variable it reads, with its default (from the same ``Setting``
///   list the reader uses, so the two cannot disagree); exit 0.
/// - `--help-env`: only the variables, one block each; exit 0.
/// - `--version`: `NAME VERSION`; exit 0.
/// - anything else: one line naming the argument, exit 64 (`EX_USAGE`). A new user typing
///   `worker-gateway --help` once got a gateway started against the default servers; an argument is never
///   ignored.
///
/// All of it happens before logging, configuration or any connection, so it works on a machine with no
/// servers and no environment.
public enum ServiceCommandLine {
    /// What the arguments ask for.
    public enum Action: Equatable, Sendable {
        /// No arguments: start the service.
        case run
        /// Print this text to standard output and exit 0.
        case print(String)
        /// Print this line to standard error and exit 64.
        case refuse(String)
    }

    /// Decides what `arguments` (without the program name) ask for. Pure, for tests.
    public static func action(
        for arguments: [String], executable: String, about: String, settings: [Setting]
    ) -> Action {
        guard let first = arguments.first else { return .run }
        guard arguments.count == 1 else {
            return .refuse(
                "\(executable): unexpected arguments '\(arguments.joined(separator: " "))': it takes none, "
                    + "only environment variables (see \(executable) --help)")
        }
        switch first {
        case "-h", "--help": return .print(help(executable: executable, about: about, settings: settings))
        case "--help-env": return .print(environment(settings))
        case "--version": return .print("\(executable) \(KilnVersion.current)")
        default:
            return .refuse(
                "\(executable): unknown argument '\(first)': it takes no arguments, only environment variables "
                    + "(see \(executable) --help)")
        }
    }

    /// Applies ``action(for:executable:about:settings:)`` to this process's arguments: returns when the
    /// service should start, otherwise prints and exits.
    public static func handle(executable: String, about: String, settings: [Setting]) {
        switch action(
            for: Array(CommandLine.arguments.dropFirst()), executable: executable, about: about, settings: settings)
        {
        case .run:
            return
        case .print(let text):
            print(text)
            exit(0)
        case .refuse(let line):
            FileHandle.standardError.write(Data((line + "\n").utf8))
            exit(64)
        }
    }

    /// The `--help` text: usage, `about`, then the variables.
    public static func help(executable: String, about: String, settings: [Setting]) -> String {
        """
        Usage: \(executable) [--help | --help-env | --version]

        \(about)

        It takes no arguments: every setting is an environment variable (an unset or empty one takes its
        default; a bad value stops it at once with exit 78 and a line naming the variable). Stop it with
        SIGTERM or SIGINT: it finishes what it is doing first.

        Environment:
        \(environment(settings))
        """
    }

    /// Every variable with its default (or `(required)`) and its meaning, one block each.
    public static func environment(_ settings: [Setting]) -> String {
        settings.map { setting in
            let value = setting.defaultValue.map { $0.isEmpty ? "(empty)" : $0 } ?? "(required)"
            return "  \(setting.name)=\(value)\n      \(setting.help)"
        }.joined(separator: "\n")
    }
}
