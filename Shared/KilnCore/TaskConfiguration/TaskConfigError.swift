/// Task configuration could not be applied (Debusine's `TaskConfigError`): the work request then completes
/// with `error`/`configure-failed`. `message` carries Debusine's exact wording, so operators reading both
/// systems see the same text; `reason` is the original exception's text (e.g. the entry's pydantic
/// validation error), rendered after it as Debusine's `TaskConfigError.__str__` does.
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

    /// `message (Original exception: reason)`, or the message alone.
    public var description: String { reason.map { "\(message) (Original exception: \($0))" } ?? message }
}
