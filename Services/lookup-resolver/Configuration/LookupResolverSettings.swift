import KilnCore
import KilnRuntime
import ServiceKit

/// The lookup-resolver's own settings (besides the runtime's, see deploy/docs/runtime.md).
enum LookupResolverSettings {
    /// §4.7's fallback architecture, shared with the tag-computer (declared once, in the runtime).
    static let fallbackArchitecture = RuntimeSettings.fallbackArchitecture
    /// How long a work request may sit in this service's stage before the sweep re-drives it.
    static let redriveGrace = Setting(
        "KILN_REDRIVE_GRACE", default: "60s",
        help: "how long a work request may wait for its pending inputs or dynamic data before the sweep "
            + "re-sends its event, 1s to 1h")
    /// Work requests one sweep re-drives at most (the rest wait for the next sweep).
    static let sweepBatch = Setting(
        "KILN_SWEEP_BATCH", default: "500", help: "work requests one sweep re-drives at most, 1 to 10000")

    /// Every setting of this service, for the start-up configuration log line.
    static let all = [fallbackArchitecture, redriveGrace, sweepBatch]
}

/// The checked values of ``LookupResolverSettings``.
struct LookupResolverConfiguration: Sendable {
    /// The fallback architecture, as input resolution takes it.
    var inputSettings: InputResolutionSettings
    /// The sweep's grace period.
    var redriveGrace: Duration
    /// The sweep's batch size.
    var sweepBatch: Int

    /// Reads and checks the settings.
    ///
    /// - Throws: `ConfigurationError` naming the bad variable.
    init(environment: EnvironmentReader) throws {
        inputSettings = try RuntimeSettings.inputResolution(environment)
        redriveGrace = try environment.duration(LookupResolverSettings.redriveGrace, in: .seconds(1) ... .seconds(3600))
        sweepBatch = try environment.int(LookupResolverSettings.sweepBatch, in: 1...10_000)
    }
}
