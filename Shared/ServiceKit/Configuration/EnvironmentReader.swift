import Foundation

/// Reads typed settings from environment variables, failing with an error that names the variable.
///
/// ```swift
/// let env = EnvironmentReader()
/// let port = try env.int(Settings.opsPort, in: 1...65535)
/// ```
public struct EnvironmentReader: Sendable {
    /// The variables read; the process environment unless a test passes its own.
    public let variables: [String: String]

    /// Defaults to the process environment; tests pass a dictionary instead of mutating the real one.
    public init(variables: [String: String] = ProcessInfo.processInfo.environment) {
        self.variables = variables
    }

    /// The raw text of a setting: the variable if set and non-empty, else its default.
    ///
    /// - Throws: `ConfigurationError.missing` for a required setting that is unset.
    public func string(_ setting: Setting) throws -> String {
        if let value = variables[setting.name], !value.isEmpty { return value }
        if let fallback = setting.defaultValue { return fallback }
        throw ConfigurationError.missing(variable: setting.name, help: setting.help)
    }

    /// A server URL holding a password (`KILN_AMQP_URL`, `KILN_POSTGRES_URL`; a comma-separated list too). A
    /// password starting with `change-me` is refused: it is the placeholder deploy/compose.env ships, and a
    /// stack started with it runs with passwords anybody can read (issue 10; deploy/docs/deploy.md).
    public func serverURL(_ setting: Setting) throws -> String {
        let value = try string(setting)
        for url in Self.urls(in: value) {
            guard let password = Self.passwordRange(in: url), url[password].lowercased().hasPrefix("change-me") else {
                continue
            }
            throw ConfigurationError.invalid(
                variable: setting.name, value: Self.redact(url),
                expected: "a password of your own: it starts with change-me, the placeholder shipped in "
                    + "deploy/compose.env; set real passwords there before starting (deploy/docs/deploy.md)")
        }
        return value
    }

    /// An integer setting within a range.
    public func int(_ setting: Setting, in range: ClosedRange<Int>) throws -> Int {
        let text = try string(setting)
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw ConfigurationError.invalid(
                variable: setting.name, value: text,
                expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A byte count: digits with an optional `K`, `M`, `G` or `T` suffix (powers of 1024), within `range`.
    public func byteCount(_ setting: Setting, in range: ClosedRange<Int>) throws -> Int {
        let text = try string(setting).trimmingCharacters(in: .whitespaces)
        let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(text)
        var multiplier = 1
        if let last = text.last.flatMap({ Character($0.uppercased()) }), let found = multipliers[last] {
            multiplier = found
            digits = digits.dropLast()
        }
        guard let value = Int(digits), value >= 0, value <= range.upperBound / multiplier,
            range.contains(value * multiplier)
        else {
            throw ConfigurationError.invalid(
                variable: setting.name, value: text,
                expected: "a size in bytes from \(range.lowerBound) to \(range.upperBound), optionally with K, M, G or T")
        }
        return value * multiplier
    }

    /// A duration setting written as a number with an optional unit: `250ms`, `30s`, `5m`, `1h` (plain
    /// numbers are seconds).
    public func duration(_ setting: Setting, in range: ClosedRange<Duration> = .zero ... .seconds(86_400 * 7))
        throws -> Duration
    {
        let text = try string(setting)
        guard let value = Self.parseDuration(text), range.contains(value) else {
            throw ConfigurationError.invalid(
                variable: setting.name, value: text,
                expected: "a duration such as 500ms, 30s, 5m or 1h between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    /// A boolean setting: `1/true/yes/on` or `0/false/no/off`.
    public func bool(_ setting: Setting) throws -> Bool {
        let text = try string(setting)
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError.invalid(variable: setting.name, value: text, expected: "true or false")
        }
    }

    /// A setting restricted to the raw values of an enumeration.
    public func choice<T: RawRepresentable & CaseIterable>(_ setting: Setting, as type: T.Type) throws -> T
    where T.RawValue == String {
        let text = try string(setting)
        guard let value = T(rawValue: text.lowercased()) else {
            throw ConfigurationError.invalid(
                variable: setting.name, value: text,
                expected: "one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }

    /// A URL setting whose scheme must be one of `schemes`.
    public func url(_ setting: Setting, schemes: Set<String>) throws -> URL {
        let text = try string(setting)
        guard let url = URL(string: text), let scheme = url.scheme, schemes.contains(scheme), url.host != nil else {
            throw ConfigurationError.invalid(
                variable: setting.name, value: Self.redact(text),
                expected: "a URL starting with " + schemes.sorted().map { "\($0)://" }.joined(separator: " or "))
        }
        return url
    }

    /// The effective configuration as `NAME=value` pairs, secrets redacted, for the start-up log line.
    public func describe(_ settings: [Setting]) -> [String: String] {
        var described: [String: String] = [:]
        for setting in settings {
            let value = (variables[setting.name].flatMap { $0.isEmpty ? nil : $0 }) ?? setting.defaultValue ?? ""
            described[setting.name] = setting.isSecret ? Self.redact(value) : value
        }
        return described
    }

    /// Replaces the password of a URL — of each URL of a comma-separated list — (or a whole secret) with `***`.
    public static func redact(_ value: String) -> String {
        guard value.contains("://") else { return value.isEmpty ? "" : "***" }
        let entries = urls(in: value)
        // A piece that is not a URL means the split went wrong (a comma inside a password): hide it all.
        guard entries.allSatisfy({ $0.contains("://") }) else { return "***" }
        return entries.map { url in
            guard let password = passwordRange(in: url) else { return url }
            return url.replacingCharacters(in: password, with: "***")
        }.joined(separator: ",")
    }

    /// The URLs of a comma-separated list, split only where the next one starts (`,scheme://`), so a comma
    /// inside a password does not cut a URL in two.
    static func urls(in value: String) -> [String] {
        var entries: [String] = []
        var current = ""
        var rest = Substring(value)
        while let comma = rest.firstIndex(of: ",") {
            let after = rest[rest.index(after: comma)...]
            current += rest[..<comma]
            if after.range(of: "^[A-Za-z][A-Za-z0-9+.-]*://", options: .regularExpression) != nil {
                entries.append(current)
                current = ""
            } else {
                current += ","
            }
            rest = after
        }
        entries.append(current + rest)
        return entries
    }

    /// Where the password of one `scheme://user:password@host…` URL is, if it has one: the one parser of URL
    /// credentials behind ``redact(_:)`` and ``serverURL(_:)``.
    static func passwordRange(in url: String) -> Range<String.Index>? {
        guard let schemeEnd = url.range(of: "://"),
            let at = url.range(of: "@", options: .backwards, range: schemeEnd.upperBound..<url.endIndex),
            let colon = url.range(of: ":", range: schemeEnd.upperBound..<at.lowerBound)
        else { return nil }
        return colon.upperBound..<at.lowerBound
    }

    /// Parses the one duration spelling Kiln accepts everywhere, settings and command-line options alike: a
    /// non-negative number with an optional unit, `500ms`, `10s`, `5m`, `1h` (a plain number is seconds),
    /// rounded to whole milliseconds.
    ///
    /// Public so the CLI parses `--interval 2s` exactly as the services parse `KILN_LEASE_DURATION=2s`; callers
    /// add their own range check and error.
    ///
    /// - Returns: `nil` for text that is not such a duration, including `inf`, `nan` and numbers too large
    ///   for whole milliseconds in an `Int64` (converting those would trap instead of reporting the value).
    public static func parseDuration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(trimmed)
        var scale = 1.0
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            number = trimmed.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        let milliseconds = (value * scale * 1000).rounded()
        guard milliseconds < Double(Int64.max) else { return nil }
        return .milliseconds(Int64(milliseconds))
    }
}
