/// One environment variable an executable reads: its name, default and meaning.
///
/// Every executable declares its settings as a list of these, so that the configuration reference
/// (`--help-env`, the README table) and the reader cannot disagree: a variable is documented exactly where it
/// is read.
public struct Setting: Sendable, Hashable {
    /// The environment variable, e.g. `KILN_AMQP_URL`.
    public let name: String
    /// The value used when the variable is unset or empty; `nil` makes the variable required.
    public let defaultValue: String?
    /// One sentence for operators: what it controls and the accepted values.
    public let help: String
    /// Secrets (passwords inside URLs, tokens) are redacted whenever configuration is logged.
    public let isSecret: Bool

    /// A nil `default` makes the variable required; `secret` redacts its value whenever configuration is logged.
    public init(_ name: String, default defaultValue: String?, help: String, secret: Bool = false) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
        self.isSecret = secret
    }
}

/// Why configuration could not be read. Services print it and exit non-zero before doing anything else.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// A required variable is unset or empty.
    case missing(variable: String, help: String)
    /// A variable is set to a value that cannot be used.
    case invalid(variable: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .missing(let variable, let help):
            "configuration error: \(variable) is not set (\(help))"
        case .invalid(let variable, let value, let expected):
            "configuration error: \(variable)='\(value)' is invalid: expected \(expected)"
        }
    }
}
