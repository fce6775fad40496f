import KilnCore
import KilnRuntime
import ServiceKit

/// The lookup-resolver's own settings (besides the runtime's, see deploy/docs/runtime.md).
enum LookupResolverSettings {
    /// The fallback build architecture (Debusine `db/models/work_requests.py` `WorkRequest.get_fallback_architecture`),
    /// shared with the tag-computer (declared once, in the runtime).
    static let fallbackArchitecture = RuntimeSettings.fallbackArchitecture
    /// Every setting of this service, for the start-up configuration log line.
    static let all = [fallbackArchitecture]
}

/// The checked values of ``LookupResolverSettings``.
struct LookupResolverConfiguration: Sendable {
    /// The fallback architecture, as input resolution takes it.
    var inputSettings: InputResolutionSettings

    /// Reads and checks the settings.
    ///
    /// - Throws: `ConfigurationError` naming the bad variable.
    init(environment: EnvironmentReader) throws {
        inputSettings = try RuntimeSettings.inputResolution(environment)
    }
}
