import KilnBase
import Foundation

/// How to reach PostgreSQL and how each session is set up.
///
/// Services build one from their environment (`KILN_POSTGRES_URL`); the store itself never reads the
/// environment. Every session runs with `TimeZone=UTC` and `DateStyle=ISO`, because the text decoders for
/// `timestamptz` rely on that exact output format.
public struct PGConfiguration: Sendable, Hashable {
    /// A libpq connection URI, e.g. `postgresql://kiln:kiln@127.0.0.1:55432/kiln`.
    public var url: String
    /// Shown in `pg_stat_activity.application_name`, so an operator can tell which service holds a session.
    public var applicationName: String
    /// Seconds libpq waits for a connection to open before giving up (libpq `connect_timeout`).
    public var connectTimeoutSeconds: Int
    /// Schemas to search, first one first (PostgreSQL `search_path`); `nil` keeps the server default
    /// (`"$user", public`). Tests give each run its own schema through this.
    public var searchPath: [String]?
    /// A server-side cap on one statement's run time; `nil` means no cap.
    public var statementTimeout: Duration?

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - url: the libpq URI; parameters already in it (e.g. `?sslmode=disable`) are kept.
    ///   - applicationName: the session's `application_name`.
    ///   - connectTimeoutSeconds: libpq's `connect_timeout`, at least 1.
    ///   - searchPath: schema names (letters, digits, `_`, `$`, not starting with a digit), or `nil`.
    ///   - statementTimeout: the session's `statement_timeout`, or `nil`.
    public init(
        url: String,
        applicationName: String = "kiln",
        connectTimeoutSeconds: Int = 5,
        searchPath: [String]? = nil,
        statementTimeout: Duration? = nil
    ) {
        self.url = url
        self.applicationName = applicationName
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.searchPath = searchPath
        self.statementTimeout = statementTimeout
    }

    /// The URL with any password replaced by `***`, safe for logs and error messages.
    public var redactedURL: String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "<unparseable url>"
    }

    /// The schema migrations and unqualified names land in: the first `searchPath` entry, else `public`.
    public var primarySchema: String { searchPath?.first ?? "public" }

    /// libpq keyword/value pairs. The URL comes first and is expanded (`expand_dbname`); later keywords
    /// override what it says.
    func connectionParameters() throws -> [(String, String)] {
        guard connectTimeoutSeconds >= 1 else {
            throw PGError.invalidConfiguration("connectTimeoutSeconds must be at least 1, got \(connectTimeoutSeconds)")
        }
        var options = ["-c TimeZone=UTC", "-c DateStyle=ISO,YMD", "-c client_min_messages=warning"]
        // The `options` keyword below overrides one given in the URL (`?options=-csearch_path%3Dtest_x`, how
        // a test points a service at its own schema): keep the URL's words, after ours so they win.
        if let fromURL = URLComponents(string: url)?.queryItems?.first(where: { $0.name == "options" })?.value,
            !fromURL.isEmpty
        {
            options.append(fromURL)
        }
        if let searchPath {
            for schema in searchPath where !PGIdentifier.isPlain(schema) {
                throw PGError.invalidConfiguration(
                    "search path entry '\(schema)' is not a plain identifier (letters, digits, _ and $ only)"
                )
            }
            guard !searchPath.isEmpty else { throw PGError.invalidConfiguration("search path must not be empty") }
            // libpq `options` separates words by spaces; the comma list has none.
            options.append("-c search_path=\(searchPath.joined(separator: ","))")
        }
        if let statementTimeout {
            let milliseconds = statementTimeout.wholeMilliseconds
            guard milliseconds > 0 else {
                throw PGError.invalidConfiguration("statementTimeout must be positive, got \(statementTimeout)")
            }
            options.append("-c statement_timeout=\(milliseconds)")
        }
        return [
            ("dbname", url),
            ("application_name", applicationName),
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("client_encoding", "UTF8"),
            ("options", options.joined(separator: " ")),
            // Detect a silently vanished server (no FIN) within about 25 s instead of the kernel's 2 hours.
            ("keepalives", "1"),
            ("keepalives_idle", "10"),
            ("keepalives_interval", "5"),
            ("keepalives_count", "3"),
        ]
    }
}

/// Rules for SQL identifiers the store splices into statements (schema names), which cannot be parameters.
public enum PGIdentifier {
    /// Whether `name` is a plain, unquoted-safe identifier: ASCII letters, digits, `_` and `$`, not starting
    /// with a digit or `$`, at most 63 bytes.
    public static func isPlain(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 63 else { return false }
        guard first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
                    || scalar == "$")
        }
    }

    /// `name` double-quoted for SQL, after checking it is plain.
    ///
    /// - Throws: `PGError.invalidConfiguration` naming the bad identifier.
    public static func quoted(_ name: String) throws -> String {
        guard isPlain(name) else {
            throw PGError.invalidConfiguration(
                "'\(name)' is not a plain SQL identifier (letters, digits, _ and $ only)"
            )
        }
        return "\"\(name)\""
    }
}
