import Foundation

/// Server settings that input resolution reads (Debusine `tasks/inputs/inputs.py` `DebusineFQDNInput`,
/// `BuildArchitectureInput`).
public struct InputResolutionSettings: Hashable, Sendable {
    /// `DEBUSINE_FALLBACK_ARCHITECTURE`: the build architecture of a task whose data names none. A server
    /// setting, so every work request of a deployment resolves the same way whichever worker takes it.
    public let fallbackArchitecture: String

    /// The default fallback, `amd64`, as in Debusine.
    public static let defaultFallbackArchitecture = "amd64"

    /// - Throws: `TaskInputError.invalidValue` for an empty or blank architecture.
    public init(
        fallbackArchitecture: String = InputResolutionSettings.defaultFallbackArchitecture
    )
        throws(TaskInputError)
    {
        let trimmed = fallbackArchitecture.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !trimmed.contains(" ") else {
            throw .invalidValue(
                field: "fallback architecture",
                value: .string(fallbackArchitecture),
                reason: "must be a Debian architecture name such as amd64"
            )
        }
        self.fallbackArchitecture = trimmed
    }
}
