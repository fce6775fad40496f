/// Task configuration could not be applied (Debusine's `TaskConfigError`): the work request then completes
/// with `error`/`configure-failed`. `message` carries Debusine's exact wording, so operators reading both
/// systems see the same text; `originalError` is the entry's pydantic validation error when that is what failed,
/// rendered after the message as Debusine's `TaskConfigError.__str__` renders its original exception.
public struct TaskConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The message, worded as Debusine words it.
    public let message: String
    /// The validation error behind it (Debusine's `original_exception`), when there is one.
    public let originalError: PydanticValidationError?

    /// Keeps the message in Debusine's exact wording, with the original validation error apart.
    public init(_ message: String, originalError: PydanticValidationError? = nil) {
        self.message = message
        self.originalError = originalError
    }

    /// `message (Original exception: error)`, or the message alone.
    public var description: String {
        originalError.map { "\(message) (Original exception: \($0))" } ?? message
    }
}
