import Foundation

/// Server settings that input resolution reads (Debusine `tasks/inputs/inputs.py` `DebusineFQDNInput`,
/// `BuildArchitectureInput`).
public struct InputResolutionSettings: Hashable, Sendable {
    /// `DEBUSINE_FALLBACK_ARCHITECTURE`: the build architecture of a task whose data names none. A server
    /// setting, so every work request of a deployment resolves the same way whichever worker takes it.
    public let fallbackArchitecture: String

    /// `DEBUSINE_FQDN`: the server's domain name, which tasks such as sbuild put into what they write (its
    /// `binnmu_maintainer` is `Debusine <noreply@FQDN>`); resolved as an input field so the worker needs no
    /// server setting.
    public let fqdn: String

    /// The default fallback, `amd64`, as in Debusine.
    public static let defaultFallbackArchitecture = "amd64"
    /// The FQDN used when a deployment sets none.
    public static let defaultFQDN = "localhost"

    /// - Throws: `TaskInputError.invalidValue` for an empty or blank architecture or FQDN.
    public init(
        fallbackArchitecture: String = InputResolutionSettings.defaultFallbackArchitecture,
        fqdn: String = InputResolutionSettings.defaultFQDN
    )
        throws(TaskInputError)
    {
        let name = fqdn.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !name.contains(" ") else {
            throw .invalidValue(field: "FQDN", value: .string(fqdn), reason: "must be a domain name")
        }
        self.fqdn = name
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
