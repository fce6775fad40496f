/// Task configuration could not be applied (Debusine's `TaskConfigError`): the work request then completes
/// with `error`/`configure-failed`. `message` carries Debusine's exact wording, so operators reading both
/// systems see the same text; `reason` adds the detail Kiln knows (e.g. which field failed validation).
public struct TaskConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The message, worded as Debusine words it.
    public let message: String
    /// Extra detail, when there is any.
    public let reason: String?

    /// Keeps the message in Debusine's exact wording, with any detail apart.
    public init(_ message: String, reason: String? = nil) {
        self.message = message
        self.reason = reason
    }

    public var description: String { reason.map { "\(message): \($0)" } ?? message }
}

/// Why one configuration entry's data does not validate (Debusine `artifacts/models.py` `DebusineTaskConfiguration`).
public struct TaskConfigurationEntryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The offending key, when one key is to blame.
    public let key: String?
    /// What is wrong.
    public let problem: String

    /// `key` is nil when the entry as a whole is wrong rather than one key.
    public init(key: String?, problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String { key.map { "'\($0)': \(problem)" } ?? problem }
}
