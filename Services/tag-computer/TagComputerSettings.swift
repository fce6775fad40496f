import Foundation
import KilnCore
import KilnRuntime
import ServiceKit

/// The tag-computer's own settings (the runtime's are in `RuntimeSettings`), each with its default.
enum TagComputerSettings {
    /// §4.7's fallback architecture, shared with the lookup-resolver (declared once, in the runtime).
    static let fallbackArchitecture = RuntimeSettings.fallbackArchitecture
    /// How long work may sit in the tag-computer's stage before a sweep re-drives it.
    static let stuckAfter = Setting(
        "KILN_TAG_COMPUTER_STUCK_AFTER", default: "60s",
        help: "age after which a work request at inputs-resolved, or a worker whose tags are older than its "
            + "metadata, is re-driven by the sweep, 1s to 1h")

    static let all = [fallbackArchitecture, stuckAfter]
}

/// The checked values of ``TagComputerSettings``.
struct TagComputerConfiguration: Sendable {
    var inputSettings: InputResolutionSettings
    var stuckAfter: Duration
    /// At most this many items are re-driven per sweep and kind, so one sweep stays one short transaction.
    var sweepBatch = 500

    init(environment: EnvironmentReader) throws {
        inputSettings = try RuntimeSettings.inputResolution(environment)
        stuckAfter = try environment.duration(TagComputerSettings.stuckAfter, in: .seconds(1) ... .seconds(3600))
    }
}
