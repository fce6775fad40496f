import Logging

/// Installs the structured log handler for the whole process. Call once, first thing in `main`.
public enum LoggingBootstrap {
    /// The settings every executable shares for logging.
    public static let settings: [Setting] = [
        Setting("KILN_LOG_FORMAT", default: "json", help: "log line format: json or logfmt"),
        Setting("KILN_LOG_LEVEL", default: "info", help: "lowest level logged: trace, debug, info, notice, warning, error, critical"),
    ]

    /// Reads `KILN_LOG_FORMAT` and `KILN_LOG_LEVEL` and bootstraps swift-log with them.
    ///
    /// - Throws: `ConfigurationError` naming a bad variable.
    public static func bootstrap(service: String, environment: EnvironmentReader) throws {
        let format = try environment.choice(settings[0], as: LogFormat.self)
        let level = try environment.choice(settings[1], as: Logger.Level.self)
        LoggingSystem.bootstrap { _ in StructuredLogHandler(service: service, format: format, level: level) }
    }
}
