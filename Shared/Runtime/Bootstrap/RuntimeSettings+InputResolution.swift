import KilnCore
import ServiceKit

extension RuntimeSettings {
    /// §4.7's server-defined build architecture, for tasks whose data names none. One setting for two
    /// services on purpose: the lookup-resolver resolves pending inputs with it, and the tag-computer
    /// re-resolves them with it when configuration changed a key they read; if they disagreed, a work
    /// request's inputs would be resolved for one architecture and re-resolved for another.
    public static let fallbackArchitecture = Setting(
        "KILN_FALLBACK_ARCHITECTURE", default: InputResolutionSettings.defaultFallbackArchitecture,
        help: "build architecture of tasks whose data names none (Debusine's DEBUSINE_FALLBACK_ARCHITECTURE)")

    /// Reads and checks ``fallbackArchitecture`` into the input-resolution settings both services use.
    ///
    /// - Throws: `ConfigurationError.invalid` naming the variable when the value is not an architecture name.
    public static func inputResolution(_ environment: EnvironmentReader) throws -> InputResolutionSettings {
        let architecture = try environment.string(fallbackArchitecture)
        do {
            return try InputResolutionSettings(fallbackArchitecture: architecture)
        } catch {
            throw ConfigurationError.invalid(
                variable: fallbackArchitecture.name, value: architecture,
                expected: "a Debian architecture name such as amd64")
        }
    }
}
