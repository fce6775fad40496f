import KilnCore
import ServiceKit

extension RuntimeSettings {
    /// The server-defined build architecture for tasks whose data names none (Debusine's
    /// `DEBUSINE_FALLBACK_ARCHITECTURE`, read by `WorkRequest.get_fallback_architecture`). One setting for two
    /// services on purpose: the lookup-resolver resolves pending inputs with it, and the tag-computer
    /// re-resolves them with it when configuration changed a key they read; if they disagreed, a work
    /// request's inputs would be resolved for one architecture and re-resolved for another.
    public static let fallbackArchitecture = Setting(
        "KILN_FALLBACK_ARCHITECTURE",
        default: InputResolutionSettings.defaultFallbackArchitecture,
        help: "build architecture of tasks whose data names none (Debusine's DEBUSINE_FALLBACK_ARCHITECTURE)"
    )

    /// The server's domain name, which the `debusine_fqdn` input field of sbuild resolves to (Debusine's
    /// `DEBUSINE_FQDN`, read by `DebusineFQDNInput`); sbuild's `binnmu_maintainer` is built from it.
    public static let fqdn = Setting(
        "KILN_FQDN",
        default: InputResolutionSettings.defaultFQDN,
        help: "the server's domain name, as tasks write it (Debusine's DEBUSINE_FQDN)"
    )

    /// Reads and checks ``fallbackArchitecture`` and ``fqdn`` into the input-resolution settings both
    /// services use.
    ///
    /// - Throws: `ConfigurationError.invalid` naming the variable when a value is not acceptable.
    public static func inputResolution(_ environment: EnvironmentReader) throws -> InputResolutionSettings {
        let architecture = try environment.string(fallbackArchitecture)
        let domain = try environment.string(fqdn)
        do {
            _ = try InputResolutionSettings(fallbackArchitecture: architecture)
        } catch {
            throw ConfigurationError.invalid(
                variable: fallbackArchitecture.name,
                value: architecture,
                expected: "a Debian architecture name such as amd64"
            )
        }
        do {
            return try InputResolutionSettings(fallbackArchitecture: architecture, fqdn: domain)
        } catch {
            throw ConfigurationError.invalid(variable: fqdn.name, value: domain, expected: "a domain name")
        }
    }
}
